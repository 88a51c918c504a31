package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// TestAccSPCTokenEphemeral: veeam_spc_token logs in, renews and logs out (GET /users/me, then
// DELETE /users/{userId}/tokens, every request with X-Client-Version). The block logs in only
// when something needs it: the token's own sessions are the only ones.
func TestAccSPCTokenEphemeral(t *testing.T) {
	srv := testTokenLifecycle(t, emulator.SPC, "veeam_spc_token", `
    username = "administrator"
    password = "Password1"
`, "administrator")
	c := srv.Emulator.Counters(emulator.SPC)
	if n := c.Endpoints["DELETE /api/v3/users/{userId}/tokens"]; n == 0 || uint64(n) != uint64(c.Logouts) {
		t.Fatalf("revocations %d, logouts %d: want one logout per revocation", n, c.Logouts)
	}
}

func TestAccSPCCredentialErrors(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{
			{
				Config:      orchProviderConfig(srv, emulator.SPC, "") + echoToken("veeam_spc_token"),
				ExpectError: wrapped(`no credentials: set username and password in the "spc" block`, `VEEAM_SPC_PASSWORD`),
			},
			{
				Config: orchProviderConfig(srv, emulator.SPC, `
    username = "administrator"
    password = "wrong"
`) + echoToken("veeam_spc_token"),
				ExpectError: wrapped(`the server rejected the credentials`, `invalid_grant`),
			},
			{
				Config: orchProviderConfig(srv, emulator.SPC, `
    username    = "administrator"
    password    = "Password1"
    api_version = "latest"
`) + echoToken("veeam_spc_token"),
				ExpectError: wrapped(`X-Client-Version "latest" is not a REST API version`),
			},
		},
	})
}
