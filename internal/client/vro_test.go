package client

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// orchConfig is a session configuration for one of the emulator's orchestrators, on its clock.
func orchConfig(srv *emulatortest.Servers, p emulator.Product, c Credentials) Config {
	return Config{
		Host:         srv.URL[p],
		Credentials:  c,
		TLS:          TLSConfig{CACertPEM: srv.CACertPEM},
		Now:          srv.Emulator.Clock().Now,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
	}
}

func newVRO(t *testing.T, cfg Config) *VROClient {
	t.Helper()
	c, err := NewVRO(cfg)
	if err != nil {
		t.Fatalf("NewVRO: %v", err)
	}
	return c
}

var vroClientCreds = Credentials{ClientID: "terraform-client", ClientSecret: "Client-Secret1"}

func wantConfigError(t *testing.T, err error, attr string, fragments ...string) {
	t.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) || string(ce.Field) != attr {
		t.Fatalf("want a ConfigError on %q, got %v", attr, err)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not mention %q", err, f)
		}
	}
}

func TestVROPasswordLoginRefreshLogout(t *testing.T) {
	for _, user := range []string{"administrator", `VEEAM\administrator`} {
		t.Run(user, func(t *testing.T) {
			srv := startEmulator(t)
			c := newVRO(t, orchConfig(srv, emulator.VRO, Credentials{Username: user, Password: "Password1"}))
			ctx := ctxT(t)
			clients, err := c.ListClients(ctx)
			if err != nil {
				t.Fatalf("ListClients: %v", err)
			}
			if len(clients) != 1 || clients[0].ClientID != "terraform-client" {
				t.Fatalf("clients = %+v", clients)
			}
			tok, _ := c.Credential(ctx)
			if tok.Username != "administrator" || tok.Expiry.Sub(srv.Emulator.Clock().Now()) != 15*time.Minute {
				t.Fatalf("token user %q, expiry in %v; want administrator, 15m", tok.Username, tok.Expiry.Sub(srv.Emulator.Clock().Now()))
			}
			// Inside the refresh margin (the last minute): refreshed before the server would refuse it.
			srv.Emulator.Clock().Advance(14*time.Minute + 30*time.Second)
			if _, err := c.ListClients(ctx); err != nil {
				t.Fatalf("call across the refresh: %v", err)
			}
			if err := c.Logout(ctx); err != nil {
				t.Fatalf("Logout: %v", err)
			}
			cnt := srv.Emulator.Counters(emulator.VRO)
			if st := c.Stats(); st.Logins != 1 || st.Refreshes != 1 || st.Logouts != 1 || st.Reauths != 0 {
				t.Fatalf("client stats %+v", st)
			}
			if cnt.Logins != 1 || cnt.Refreshes != 1 || cnt.Logouts != 1 || cnt.Status4xx != 0 {
				t.Fatalf("emulator counters %+v", cnt)
			}
			if n := len(srv.Emulator.Sessions(emulator.VRO)); n != 0 {
				t.Fatalf("%d sessions live after logout", n)
			}
		})
	}
}

func TestVROClientCredentialsLogin(t *testing.T) {
	srv := startEmulator(t)
	c := newVRO(t, orchConfig(srv, emulator.VRO, vroClientCreds))
	ctx := ctxT(t)
	clients, err := c.ListClients(ctx)
	if err != nil {
		t.Fatalf("ListClients: %v", err)
	}
	if len(clients) != 1 || clients[0].ClientID != "terraform-client" {
		t.Fatalf("a client sees only itself; got %+v", clients)
	}
	tok, _ := c.Credential(ctx)
	if tok.Username != "terraform-client" || tok.RefreshToken == "" {
		t.Fatalf("token %+v", tok)
	}
	srv.Emulator.Clock().Advance(15 * time.Minute)
	if _, err := c.ListClients(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if cnt := srv.Emulator.Counters(emulator.VRO); cnt.Endpoints["POST /api/token grant=client_credentials"] != 1 || cnt.Refreshes != 1 || cnt.Logouts != 1 {
		t.Fatalf("counters %+v", cnt)
	}
}

func TestVROCredentialErrorsNameTheAttributes(t *testing.T) {
	srv := startEmulator(t)
	ctx := ctxT(t)
	cases := []struct {
		name  string
		creds Credentials
		attr  string
		frags []string
	}{
		{"nothing", Credentials{}, "username", []string{"no credentials"}},
		{"no password", Credentials{Username: "administrator"}, "password", []string{"not set"}},
		{"client id only", Credentials{ClientID: "terraform-client"}, "client_secret", []string{"client_id needs the client_secret"}},
		{"client secret only", Credentials{ClientSecret: "x"}, "client_id", []string{"client_secret needs the client_id"}},
		{"both pairs", Credentials{Username: "administrator", Password: "Password1", ClientID: "terraform-client", ClientSecret: "Client-Secret1"}, "client_id", []string{"conflicts with username/password"}},
		{"wrong password", Credentials{Username: "administrator", Password: "wrong"}, "password", []string{"rejected the credentials", "invalid_grant"}},
		{"wrong domain", Credentials{Username: `CORP\administrator`, Password: "Password1"}, "password", []string{"DOMAIN\\USERNAME or USERNAME"}},
		{"wrong secret", Credentials{ClientID: "terraform-client", ClientSecret: "wrong"}, "client_secret", []string{"rejected the credentials", "invalid_client"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := newVRO(t, orchConfig(srv, emulator.VRO, c.creds)).Credential(ctx)
			wantConfigError(t, err, c.attr, c.frags...)
		})
	}
	// Only the three rejected logins reached the server.
	if cnt := srv.Emulator.Counters(emulator.VRO); cnt.Status4xx != 3 || cnt.Logins != 0 {
		t.Fatalf("counters %+v: want the three rejected logins only", cnt)
	}
}

// TestVROSingleSessionInterference: with the emulator ending a user's other sessions on each
// password login (what the reference warns about), a client whose session was ended recovers
// through the lifecycle (401 → refresh rejected → new login → retry), and a client-account
// session, the documented advice, is never disturbed.
func TestVROSingleSessionInterference(t *testing.T) {
	srv := emulatortest.Start(t, emulator.Options{Clock: emulator.NewClock(t0), VROSingleSession: true})
	ctx := ctxT(t)
	first := newVRO(t, orchConfig(srv, emulator.VRO, Credentials{Username: "administrator", Password: "Password1"}))
	dedicated := newVRO(t, orchConfig(srv, emulator.VRO, vroClientCreds))
	for _, c := range []*VROClient{first, dedicated} {
		if _, err := c.ListClients(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Another application logs in as the same user: the first session ends on the server.
	second := newVRO(t, orchConfig(srv, emulator.VRO, Credentials{Username: `VEEAM\administrator`, Password: "Password1"}))
	if _, err := second.ListClients(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := first.ListClients(ctx); err != nil {
		t.Fatalf("the first client did not recover: %v", err)
	}
	if st := first.Stats(); st.Reauths != 1 || st.Logins != 2 || st.Refreshes != 0 {
		t.Fatalf("first client %+v: want one 401, its refresh rejected, a second login", st)
	}
	// Its new login ended the second application's session in turn: that one recovers the same way.
	if _, err := second.ListClients(ctx); err != nil {
		t.Fatal(err)
	}
	if st := second.Stats(); st.Reauths != 1 || st.Logins != 2 {
		t.Fatalf("second client %+v", st)
	}
	// The client account saw none of it.
	if _, err := dedicated.ListClients(ctx); err != nil {
		t.Fatal(err)
	}
	if st := dedicated.Stats(); st.Reauths != 0 || st.Logins != 1 {
		t.Fatalf("client-account session %+v: want no 401 and one login", st)
	}
	cnt := srv.Emulator.Counters(emulator.VRO)
	if cnt.Endpoints["POST /api/token grant=password"] != 4 || cnt.Endpoints["POST /api/token grant=client_credentials"] != 1 || cnt.Status5xx != 0 {
		t.Fatalf("counters %+v", cnt)
	}
}

func TestVROInitialRefreshToken(t *testing.T) {
	srv := startEmulator(t)
	ctx := ctxT(t)
	origin := newVRO(t, orchConfig(srv, emulator.VRO, Credentials{Username: "administrator", Password: "Password1"}))
	tok, err := origin.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := newVRO(t, orchConfig(srv, emulator.VRO, Credentials{RefreshToken: tok.RefreshToken}))
	if _, err := c.ListClients(ctx); err != nil {
		t.Fatalf("session from a refresh token: %v", err)
	}
	if got := srv.Emulator.Counters(emulator.VRO).Refreshes; got != 1 {
		t.Fatalf("refreshes = %d", got)
	}
}

func TestVRODefaults(t *testing.T) {
	c, err := NewVRO(Config{Host: "vro.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "https://vro.example.com:9898" || c.versionPath() != "/api/v7.21" {
		t.Fatalf("base %q, version path %q", c.BaseURL(), c.versionPath())
	}
	c, _ = NewVRO(Config{Host: "vro.example.com", APIVersion: "13.1"})
	if c.versionPath() != "/api/v13.1" {
		t.Fatalf("version path %q", c.versionPath())
	}
}
