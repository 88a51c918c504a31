package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

func TestAccVAOTokenEphemeral(t *testing.T) {
	srv := testEmulator(t)
	expectEphemeralLogouts(t, srv, emulator.VAO, func() {
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
			ProtoV6ProviderFactories: withEcho(srv),
			Steps: []resource.TestStep{{
				Config: orchProviderConfig(srv, emulator.VAO, `
    username = "VEEAM\\administrator"
    password = "Password1"
`) + echoToken("veeam_vao_token"),
				ConfigStateChecks: tokenChecks(srv.URL[emulator.VAO], `VEEAM\administrator`),
			}},
		})
	})
}

// TestAccVAOUsernameFormat: a user name without DOMAIN\ is refused at plan time when written in
// the block, and before any request when it comes from VEEAM_VAO_USERNAME.
func TestAccVAOUsernameFormat(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{
			{
				Config: orchProviderConfig(srv, emulator.VAO, `
    username = "administrator"
    password = "Password1"
`) + echoToken("veeam_vao_token"),
				ExpectError: wrapped(`Invalid Attribute Value Match`, `vao.username must be in the DOMAIN\USERNAME format`),
			},
			{
				PreConfig: func() { t.Setenv("VEEAM_VAO_USERNAME", "administrator") },
				Config: orchProviderConfig(srv, emulator.VAO, `
    password = "Password1"
`) + echoToken("veeam_vao_token"),
				ExpectError: wrapped(`Invalid "vao" block`, `"administrator" is not in the DOMAIN\USERNAME format`),
			},
		},
	})
	if n := len(srv.Emulator.Counters(emulator.VAO).Endpoints); n != 0 {
		t.Fatalf("a request reached the emulator: %v", srv.Emulator.Counters(emulator.VAO).Endpoints)
	}
}

func TestAccVAOMissingCredentials(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{
			{
				Config:      orchProviderConfig(srv, emulator.VAO, "") + echoToken("veeam_vao_token"),
				ExpectError: wrapped(`Invalid "vao" block`, `no credentials: set username and password`, `VEEAM_VAO_PASSWORD`),
			},
			{
				Config: orchProviderConfig(srv, emulator.VAO, `
    username = "VEEAM\\administrator"
    password = "wrong"
`) + echoToken("veeam_vao_token"),
				ExpectError: wrapped(`the server rejected the credentials`, `invalid_grant`),
			},
		},
	})
}
