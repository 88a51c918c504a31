package client

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Unit-level token endpoints shaped per /work/notes/spec/FACTS.md (sections 3 and 4), for the
// Recovery Orchestrator's mfa grant and the Availability Orchestrator's client_credentials
// grant: the form fields the client sends are recorded, and the answers follow the documents.

type grantServer struct {
	mu    sync.Mutex
	forms []url.Values
}

func (g *grantServer) record(r *http.Request) url.Values {
	_ = r.ParseForm()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.forms = append(g.forms, r.PostForm)
	return r.PostForm
}

func writeTokenJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

var orchToken = map[string]any{"access_token": "acc", "token_type": "bearer", "expires_in": 899, "refresh_token": "ref"}

const vroTestSecret = "JBSWY3DPEHPK3PXP"

// vroMFAServer answers the password grant of sara with an mfa_token, and the mfa grant with
// tokens when mfa_passcode is the TOTP code of vroTestSecret at now().
func vroMFAServer(g *grantServer, now func() time.Time) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := g.record(r)
		switch f.Get("grant_type") {
		case "password":
			if f.Get("username") != "sara" || f.Get("password") != "pw" {
				writeTokenJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "bad credentials"})
				return
			}
			writeTokenJSON(w, 200, map[string]any{"mfa_token": "mfa-1"})
		case "mfa":
			want, _ := TOTPCode(vroTestSecret, now())
			if f.Get("mfa_token") != "mfa-1" || f.Get("mfa_passcode") != want {
				writeTokenJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "wrong code"})
				return
			}
			writeTokenJSON(w, 200, orchToken)
		default:
			writeTokenJSON(w, 400, map[string]string{"error": "unsupported_grant_type"})
		}
	}
}

func TestVROMFAGrant(t *testing.T) {
	now := func() time.Time { return t0 }
	for name, tc := range map[string]struct {
		creds   Credentials
		wantErr string // a ConfigError field, or "" for success
	}{
		"totp secret": {creds: Credentials{Username: "sara", Password: "pw", TOTPSecret: vroTestSecret}},
		"one-shot code": {creds: Credentials{Username: "sara", Password: "pw", MFACode: func() string {
			c, _ := TOTPCode(vroTestSecret, t0)
			return c
		}()}},
		"no code": {creds: Credentials{Username: "sara", Password: "pw"}, wantErr: "totp_secret"},
	} {
		t.Run(name, func(t *testing.T) {
			g := &grantServer{}
			srv := httptest.NewServer(vroMFAServer(g, now))
			defer srv.Close()
			c, err := NewVRO(Config{Host: srv.URL, AllowPlaintextHTTP: true, Credentials: tc.creds, Now: now, MaxRetries: -1})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := c.Credential(ctxT(t))
			if tc.wantErr != "" {
				wantConfigError(t, err, tc.wantErr, `user "sara" has MFA enabled`)
				return
			}
			if err != nil || tok.AccessToken != "acc" || tok.Username != "sara" {
				t.Fatalf("token %+v, %v", tok, err)
			}
			if len(g.forms) != 2 || g.forms[1].Get("grant_type") != "mfa" || g.forms[1].Get("mfa_token") != "mfa-1" || g.forms[1].Get("mfa_passcode") == "" {
				t.Fatalf("forms sent: %v", g.forms)
			}
		})
	}
}

func TestVROMFAWrongCodeIsRejected(t *testing.T) {
	g := &grantServer{}
	srv := httptest.NewServer(vroMFAServer(g, func() time.Time { return t0 }))
	defer srv.Close()
	c, _ := NewVRO(Config{Host: srv.URL, AllowPlaintextHTTP: true, Credentials: Credentials{Username: "sara", Password: "pw", MFACode: "000000"}, MaxRetries: -1})
	_, err := c.Credential(ctxT(t))
	if !IsAuthenticationFailed(err) || !errors.Is(err, ErrMFACodeRejected) {
		t.Fatalf("want the MFA code rejected, got %v", err)
	}
}

func TestVROClientAccountTakesNoMFACode(t *testing.T) {
	c, err := NewVRO(Config{Host: "https://vro.example.com", Credentials: Credentials{ClientID: "c", ClientSecret: "s", TOTPSecret: vroTestSecret}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Credential(ctxT(t)) // refused before anything is sent
	wantConfigError(t, err, "client_id", "conflicts with username/password")
}

func TestVAOClientCredentialsGrant(t *testing.T) {
	g := &grantServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := g.record(r)
		if r.URL.Path != "/token" || f.Get("grant_type") != "client_credentials" {
			writeTokenJSON(w, 400, map[string]string{"error": "unsupported_grant_type"})
			return
		}
		if f.Get("client_id") != "vao-client" || f.Get("client_secret") != "Secret1" {
			writeTokenJSON(w, 400, map[string]string{"error": "invalid_client"})
			return
		}
		writeTokenJSON(w, 200, orchToken)
	}))
	defer srv.Close()
	c, err := NewVAO(Config{Host: srv.URL, AllowPlaintextHTTP: true, Credentials: Credentials{ClientID: "vao-client", ClientSecret: "Secret1"}, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.Credential(ctxT(t))
	if err != nil || tok.AccessToken != "acc" || tok.Username != "vao-client" || tok.Expiry.IsZero() {
		t.Fatalf("token %+v, %v", tok, err)
	}
	bad, _ := NewVAO(Config{Host: srv.URL, AllowPlaintextHTTP: true, Credentials: Credentials{ClientID: "vao-client", ClientSecret: "wrong"}, MaxRetries: -1})
	_, err = bad.Credential(ctxT(t))
	wantConfigError(t, err, "client_secret", "the server rejected the credentials", "create a new client account")
	both, _ := NewVAO(Config{Host: srv.URL, AllowPlaintextHTTP: true, Credentials: Credentials{ClientID: "vao-client", ClientSecret: "Secret1", Username: `VEEAM\u`, Password: "p"}, MaxRetries: -1})
	_, err = both.Credential(ctxT(t))
	wantConfigError(t, err, "client_id", "conflicts with username/password")
}
