package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// An Availability Orchestrator 3.0 client account logs in with client_credentials, from the
// block or from VEEAM_VAO_CLIENT_ID / VEEAM_VAO_CLIENT_SECRET.
func TestAccVAOTokenEphemeralClientCredentials(t *testing.T) {
	srv := testEmulator(t)
	if err := srv.Emulator.AddUser(emulator.VAO, emulator.SeedUser{Name: "vao-client", Password: "Client-Secret1", Client: true}); err != nil {
		t.Fatal(err)
	}
	expectEphemeralLogouts(t, srv, emulator.VAO, func() {
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
			ProtoV6ProviderFactories: withEcho(srv),
			Steps: []resource.TestStep{
				{
					Config: orchProviderConfig(srv, emulator.VAO, `
    client_id     = "vao-client"
    client_secret = "Client-Secret1"
`) + echoToken("veeam_vao_token"),
					ConfigStateChecks: tokenChecks(srv.URL[emulator.VAO], "vao-client"),
				},
				{
					PreConfig: func() {
						t.Setenv("VEEAM_VAO_CLIENT_ID", "vao-client")
						t.Setenv("VEEAM_VAO_CLIENT_SECRET", "Client-Secret1")
					},
					Config:            orchProviderConfig(srv, emulator.VAO, "") + echoToken("veeam_vao_token"),
					ConfigStateChecks: tokenChecks(srv.URL[emulator.VAO], "vao-client"),
				},
			},
		})
	})
	cnt := srv.Emulator.Counters(emulator.VAO)
	if cnt.Endpoints["POST /token grant=client_credentials"] == 0 || cnt.Endpoints["POST /token grant=password"] != 0 {
		t.Fatalf("want only client_credentials logins, got %v", cnt.Endpoints)
	}
}

func TestAccVAOClientCredentialErrors(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{
			{
				Config: orchProviderConfig(srv, emulator.VAO, `
    username      = "VEEAM\\administrator"
    password      = "Password1"
    client_id     = "vao-client"
    client_secret = "Client-Secret1"
`) + echoToken("veeam_vao_token"),
				ExpectError: wrapped(`Invalid Attribute Combination`, `client_id`),
			},
			{
				Config:      orchProviderConfig(srv, emulator.VAO, `client_id = "vao-client"`) + echoToken("veeam_vao_token"),
				ExpectError: wrapped(`client_secret: not set`, `VEEAM_VAO_CLIENT_SECRET`),
			},
			{
				Config: orchProviderConfig(srv, emulator.VAO, `
    client_id     = "vao-client"
    client_secret = "wrong"
`) + echoToken("veeam_vao_token"),
				ExpectError: wrapped(`the server rejected the credentials: check client_id and client_secret`, `invalid_client`),
			},
		},
	})
}
