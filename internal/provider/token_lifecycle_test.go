package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
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
	openedBefore := len(openSessions.snapshot())
	expectEphemeralLogouts(t, srv, p, func() {
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
			ProtoV6ProviderFactories: withEcho(srv),
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
	// Log out the sessions the provider's Configure opened in this test, as main's LogoutAll
	// does at exit (earlier tests' sessions belong to emulators that are gone).
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, s := range openSessions.snapshot()[openedBefore:] {
		_ = s.Logout(ctx)
	}
	if live := srv.Emulator.Sessions(p); len(live) != 0 {
		t.Fatalf("%s: %d sessions still open after the run: %+v", p, len(live), live)
	}
	return srv
}

// TestTokenCloseAfterRenewWithOpensPrivate: Terraform hands Close the private data of Open, not
// of the latest Renew. After a Renew has refreshed (spending Open's refresh token) and Open's
// access token has expired, Close still ends the session: it logs out the renewed token.
func TestTokenCloseAfterRenewWithOpensPrivate(t *testing.T) {
	srv, e := tokenEphemeralOn(t, client.ONE)
	ctx := context.Background()
	var diags diag.Diagnostics
	s, _ := e.session(&diags)
	opened, err := s.Credential(ctx) // what Open does
	if err != nil {
		t.Fatal(err)
	}
	openPrivate := privateOf(opened, originOf(opened))
	srv.Emulator.Clock().Advance(renewAt(s, opened).Sub(srv.Emulator.Clock().Now()))
	if next, _ := e.renew(ctx, openPrivate, &diags); next == nil || diags.HasError() {
		t.Fatalf("Renew failed: %v", diags)
	}
	srv.Emulator.Clock().Advance(2 * time.Second) // Open's access token has expired
	closed0 := ephemeralClosed.Load()
	e.close(ctx, openPrivate, &diags)
	if len(diags) != 0 || ephemeralClosed.Load() != closed0+1 {
		t.Fatalf("Close did not log out: %v", diags)
	}
	if live := srv.Emulator.Sessions(emulator.ONE); len(live) != 0 {
		t.Fatalf("%d session(s) left open after Close", len(live))
	}
}

// tokenEphemeralOn is product p's token ephemeral resource, configured as the provider would with
// the default administrator account, on an emulator with a frozen clock and 3-second access tokens.
func tokenEphemeralOn(t *testing.T, p client.Product) (*emulatortest.Servers, *tokenEphemeral) {
	t.Helper()
	srv := emulatortest.Start(t, emulator.Options{Clock: emulator.NewClock(time.Date(2026, 11, 23, 12, 0, 10, 0, time.UTC)), Lifetimes: emulator.Lifetimes{AccessToken: 3 * time.Second}})
	cfg := client.Config{
		Host:        srv.URL[emulator.Product(p)],
		Credentials: client.Credentials{Username: "administrator", Password: "Password1"},
		TLS:         client.TLSConfig{CACertPEM: srv.CACertPEM},
		Now:         srv.Emulator.Clock().Now,
	}
	return srv, &tokenEphemeral{product: productOf(p), data: &providerData{products: map[client.Product]*configured{
		p: {config: cfg, resolver: &resolver{product: p}},
	}}}
}

// snapshot is a copy of the sessions Configure opened so far, oldest first.
func (s *sessionSet) snapshot() []session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.list)
}
