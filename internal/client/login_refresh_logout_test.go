package client

import (
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// loginRefreshLogout logs in on product p with f and creds, refreshes 30 s before the end of
// life (the access lifetime), logs out, and checks the emulator's record: one login, one
// refresh, one logout, no session left.
func loginRefreshLogout(t *testing.T, srv *emulatortest.Servers, f *Flavor, p emulator.Product, creds Credentials, life time.Duration) *Token {
	t.Helper()
	s, err := NewSession(f, orchConfig(srv, p, creds))
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	tok, err := s.Credential(ctx)
	if err != nil {
		t.Fatalf("%s login: %v", p, err)
	}
	if got := tok.Expiry.Sub(srv.Emulator.Clock().Now()); got != life {
		t.Fatalf("%s token lives %s, want %s", p, got, life)
	}
	srv.Emulator.Clock().Advance(life - 30*time.Second)
	tok2, err := s.Credential(ctx)
	if err != nil || tok2.AccessToken == tok.AccessToken || tok2.RefreshToken == tok.RefreshToken {
		t.Fatalf("%s refresh: %v", p, err)
	}
	if err := s.Logout(ctx); err != nil {
		t.Fatalf("%s logout: %v", p, err)
	}
	c := srv.Emulator.Counters(p)
	if c.Logins != 1 || c.Refreshes != 1 || c.Logouts != 1 || c.Status4xx != 0 {
		t.Fatalf("%s counters %+v", p, c)
	}
	if n := len(srv.Emulator.Sessions(p)); n != 0 {
		t.Fatalf("%s: %d sessions live after logout", p, n)
	}
	return tok
}

func TestM365LoginRefreshLogout(t *testing.T) {
	srv := startEmulator(t)
	tok := loginRefreshLogout(t, srv, M365Flavor, emulator.M365, Credentials{Username: "administrator", Password: "Password1"}, time.Hour)
	if tok.Username != "administrator" {
		t.Errorf("username %q", tok.Username)
	}
	if srv.Emulator.Counters(emulator.M365).Endpoints["POST /v8/token/logout"] != 1 {
		t.Errorf("endpoints %v", srv.Emulator.Counters(emulator.M365).Endpoints)
	}
}

func TestM365AssertionLogins(t *testing.T) {
	srv := startEmulator(t)
	loginRefreshLogout(t, srv, M365Flavor, emulator.M365, Credentials{ClientID: emulator.M365SeedOperator, Assertion: "Operator-Assertion1"}, time.Hour)
	s, err := NewSession(M365Flavor, orchConfig(srv, emulator.M365, Credentials{ClientID: emulator.M365SeedApplication, Assertion: "App-Assertion1", AssertionGrant: "jwt-bearer"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Credential(ctxT(t)); err != nil {
		t.Fatalf("jwt-bearer: %v", err)
	}
	if n := srv.Emulator.Counters(emulator.M365).Endpoints["POST /v8/token grant=urn:ietf:params:oauth:grant-type:jwt-bearer"]; n != 1 {
		t.Fatalf("jwt-bearer requests %d", n)
	}
	// The application's assertion is not an operator's: rejected, naming the field.
	s, _ = NewSession(M365Flavor, orchConfig(srv, emulator.M365, Credentials{ClientID: emulator.M365SeedApplication, Assertion: "App-Assertion1"}))
	_, err = s.Credential(ctxT(t))
	wantConfigError(t, err, "assertion", "rejected", "fresh one")
	for _, c := range []struct {
		creds Credentials
		field string
	}{
		{Credentials{ClientID: "x"}, "assertion"},
		{Credentials{Assertion: "x"}, "client_id"},
		{Credentials{ClientID: "x", Assertion: "y", Password: "z"}, "assertion"},
		{Credentials{ClientID: "x", Assertion: "y", AssertionGrant: "password"}, "assertion_grant"},
	} {
		wantConfigError(t, M365Flavor.CheckCredentials(c.creds), c.field)
	}
}

func TestM365AuthorizationCode(t *testing.T) {
	srv := startEmulator(t)
	c, err := NewM365(orchConfig(srv, emulator.M365, Credentials{Username: "administrator", Password: "Password1"}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.AuthorizationCode(ctxT(t))
	if err != nil || len(a) < 16 {
		t.Fatalf("code %q: %v", a, err)
	}
	b, _ := c.AuthorizationCode(ctxT(t))
	if a == b {
		t.Fatal("two codes are the same")
	}
}

func TestONELoginRefreshLogout(t *testing.T) {
	srv := startEmulator(t)
	loginRefreshLogout(t, srv, ONEFlavor, emulator.ONE, Credentials{Username: "administrator", Password: "Password1"}, 15*time.Minute)
	if srv.Emulator.Counters(emulator.ONE).Endpoints["POST /api/revoke"] != 1 {
		t.Errorf("endpoints %v", srv.Emulator.Counters(emulator.ONE).Endpoints)
	}
	// A rejected password is a ConfigError with Veeam ONE's problem detail kept.
	s, _ := NewSession(ONEFlavor, orchConfig(srv, emulator.ONE, Credentials{Username: "administrator", Password: "wrong"}))
	_, err := s.Credential(ctxT(t))
	wantConfigError(t, err, "password", "rejected", "user name or password is incorrect")
}

func TestSPCLoginRefreshLogout(t *testing.T) {
	srv := startEmulator(t)
	loginRefreshLogout(t, srv, SPCFlavor, emulator.SPC, Credentials{Username: "administrator", Password: "Password1"}, time.Hour)
	c := srv.Emulator.Counters(emulator.SPC)
	if c.Endpoints["GET /api/v3/users/me"] != 1 || c.Endpoints["DELETE /api/v3/users/{userId}/tokens"] != 1 {
		t.Errorf("endpoints %v", c.Endpoints)
	}
	// X-Client-Version travels on every request: a malformed one is refused at login,
	// naming api_version.
	cfg := orchConfig(srv, emulator.SPC, Credentials{Username: "administrator", Password: "Password1"})
	cfg.APIVersion = "three"
	s, _ := NewSession(SPCFlavor, cfg)
	_, err := s.Credential(ctxT(t))
	wantConfigError(t, err, "api_version", `"three" is not accepted`)
}

// TestLogoutAfterExpiryRefreshesFirst: an expired access token whose refresh token still works
// is refreshed so the logout ends the session now; Renew renews before the margin.
func TestLogoutAfterExpiryRefreshesFirst(t *testing.T) {
	srv := startEmulator(t)
	s, err := NewSession(ONEFlavor, orchConfig(srv, emulator.ONE, Credentials{Username: "administrator", Password: "Password1"}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	tok, err := s.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nt, err := s.Renew(ctx)
	if err != nil || nt.AccessToken == tok.AccessToken {
		t.Fatalf("Renew did not renew a fresh token: %v", err)
	}
	srv.Emulator.Clock().Advance(16 * time.Minute)
	if err := s.Logout(ctx); err != nil {
		t.Fatalf("logout: %v", err)
	}
	if c := srv.Emulator.Counters(emulator.ONE); c.Refreshes != 2 || c.Logouts != 1 {
		t.Fatalf("counters %+v", c)
	}
	if n := len(srv.Emulator.Sessions(emulator.ONE)); n != 0 {
		t.Fatalf("%d sessions live after logout", n)
	}
}
