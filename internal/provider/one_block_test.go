package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// TestAccONETokenEphemeral: veeam_one_token logs in, renews and logs out (POST /api/revoke).
func TestAccONETokenEphemeral(t *testing.T) {
	srv := testTokenLifecycle(t, emulator.ONE, "veeam_one_token", `
    username = "administrator"
    password = "Password1"
`, "administrator")
	if n := srv.Emulator.Counters(emulator.ONE).Endpoints["POST /api/revoke"]; n == 0 {
		t.Fatal("no POST /api/revoke reached the emulator")
	}
}

func TestAccONECredentialErrors(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{
			{
				Config:      orchProviderConfig(srv, emulator.ONE, "") + echoToken("veeam_one_token"),
				ExpectError: wrapped(`Invalid "one" block`, `no credentials: set username and password in the "one" block`, `VEEAM_ONE_PASSWORD`),
			},
			{
				Config: orchProviderConfig(srv, emulator.ONE, `
    username = "administrator"
    password = "wrong"
`) + echoToken("veeam_one_token"),
				ExpectError: wrapped(`the server rejected the credentials`, `Bad Request`),
			},
		},
	})
}
