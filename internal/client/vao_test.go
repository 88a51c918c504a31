package client

import (
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

func TestVAOLoginRefreshLogout(t *testing.T) {
	srv := startEmulator(t)
	c, err := NewVAO(orchConfig(srv, emulator.VAO, Credentials{Username: `VEEAM\administrator`, Password: "Password1"}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	tok, err := c.Credential(ctx)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if tok.Username != `VEEAM\administrator` || tok.Expiry.Sub(srv.Emulator.Clock().Now()) != 15*time.Minute {
		t.Fatalf("token %+v", tok)
	}
	srv.Emulator.Clock().Advance(14*time.Minute + 30*time.Second)
	tok2, err := c.Credential(ctx)
	if err != nil || tok2 == tok {
		t.Fatalf("refresh: %v", err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatalf("logout: %v", err)
	}
	cnt := srv.Emulator.Counters(emulator.VAO)
	if cnt.Endpoints["POST /token grant=password"] != 1 || cnt.Endpoints["POST /token grant=refresh_token"] != 1 || cnt.Endpoints["DELETE /api/token"] != 1 || cnt.Status4xx != 0 {
		t.Fatalf("counters %+v", cnt)
	}
	if n := len(srv.Emulator.Sessions(emulator.VAO)); n != 0 {
		t.Fatalf("%d sessions live after logout", n)
	}
}

// TestVAOUsernameCheckedBeforeSending: a USER without DOMAIN\ is refused by the client, naming
// the attribute and the format, and nothing reaches the server.
func TestVAOUsernameCheckedBeforeSending(t *testing.T) {
	srv := startEmulator(t)
	for _, name := range []string{"administrator", `\administrator`, `VEEAM\`, `A\B\C`, "administrator@veeam.local", `VE EAM\administrator`} {
		cfg := orchConfig(srv, emulator.VAO, Credentials{Username: name, Password: "Password1"})
		_, err := NewVAO(cfg)
		wantConfigError(t, err, "username", `DOMAIN\USERNAME`, `VEEAM\administrator`)
		// The generic session (as the token ephemeral resource opens it) checks at login.
		s, err := NewSession(VAOFlavor, cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Credential(ctxT(t))
		wantConfigError(t, err, "username", `DOMAIN\USERNAME`)
	}
	if cnt := srv.Emulator.Counters(emulator.VAO); len(cnt.Endpoints) != 0 {
		t.Fatalf("requests reached the server: %v", cnt.Endpoints)
	}
	for _, ok := range []string{`VEEAM\administrator`, `corp.example.com\jane doe`, `CORP\svc-terraform`} {
		if err := CheckVAOUsername(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

func TestVAOWrongPasswordNamesTheAttribute(t *testing.T) {
	srv := startEmulator(t)
	c, err := NewVAO(orchConfig(srv, emulator.VAO, Credentials{Username: `VEEAM\administrator`, Password: "wrong"}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Credential(ctxT(t))
	wantConfigError(t, err, "password", "rejected the credentials", "invalid_grant")
	_, err = NewVAO(orchConfig(srv, emulator.VAO, Credentials{}))
	if err != nil {
		t.Fatal(err)
	}
	c, _ = NewVAO(orchConfig(srv, emulator.VAO, Credentials{}))
	_, err = c.Credential(ctxT(t))
	wantConfigError(t, err, "username", "no credentials")
}

func TestVAODefaultPort(t *testing.T) {
	c, err := NewVAO(Config{Host: "vao.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "https://vao.example.com:9899" {
		t.Fatalf("base %q", c.BaseURL())
	}
}
