package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// lifecycleAccessLifetime is the emulator's access token lifetime in testTokenLifecycle: short,
// so that Terraform renews the token (at four fifths of it) while a provisioner still uses it.
const lifecycleAccessLifetime = 3 * time.Second

// tokenLifecycleConfig opens ephemeral typ, echoes it, and hands its header to a provisioner
// that outlasts the token's renewal time.
func tokenLifecycleConfig(typ string) string {
	return echoToken(typ) + fmt.Sprintf(`
resource "terraform_data" "use" {
  provisioner "local-exec" {
    command     = "sleep %d"
    environment = { AUTHORIZATION = ephemeral.%s.test.header_value }
  }
}
`, int(lifecycleAccessLifetime/time.Second)+1, typ)
}

// testTokenLifecycle runs veeam_<p>_token (or typ) with the block credentials: the run logs in,
// Terraform renews the token (a refresh the emulator counts), Close logs out. Then the
// provider's own sessions are logged out as main does, and the emulator has no session of p left.
func testTokenLifecycle(t *testing.T, p emulator.Product, typ, credentials, user string) *emulatortest.Servers {
	t.Helper()
	srv := emulatortest.Start(t, emulator.Options{Lifetimes: emulator.Lifetimes{AccessToken: lifecycleAccessLifetime}})
	expectEphemeralLogouts(t, srv, p, func() {
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
			ProtoV6ProviderFactories: withEcho(),
			Steps: []resource.TestStep{{
				Config:            orchProviderConfig(srv, p, credentials) + tokenLifecycleConfig(typ),
				ConfigStateChecks: tokenChecks(srv.URL[p], user),
			}},
		})
	})
	c := srv.Emulator.Counters(p)
	if c.Logins == 0 || c.Refreshes == 0 {
		t.Fatalf("%s: logins %d, refreshes %d: want a login and a renewal", p, c.Logins, c.Refreshes)
	}
	LogoutAll(context.Background())
	if live := srv.Emulator.Sessions(p); len(live) != 0 {
		t.Fatalf("%s: %d sessions still open after the run: %+v", p, len(live), live)
	}
	return srv
}
