package client

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// emConfig is a session configuration for the emulator's Enterprise Manager, on its clock.
func emConfig(srv *emulatortest.Servers, user, password string) Config {
	return Config{
		Host:         srv.URL[emulator.EM],
		Credentials:  Credentials{Username: user, Password: password},
		TLS:          TLSConfig{CACertPEM: srv.CACertPEM},
		Now:          srv.Emulator.Clock().Now,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
	}
}

func newEM(t *testing.T, cfg Config) *EMClient {
	t.Helper()
	c, err := NewEM(cfg)
	if err != nil {
		t.Fatalf("NewEM: %v", err)
	}
	return c
}

// emRecorder serves the emulator's Enterprise Manager over plain HTTP and records the ?v= of
// every logon and how often GET /api/ was asked; rootBody, when set, replaces GET /api/.
type emRecorder struct {
	mu       sync.Mutex
	versions []string
	roots    int
	rootBody string
}

func (rec *emRecorder) start(t *testing.T, srv *emulatortest.Servers) *httptest.Server {
	h := srv.Emulator.Handler(emulator.EM)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		switch {
		case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/sessionMngr"):
			rec.versions = append(rec.versions, r.URL.Query().Get("v"))
		case r.Method == http.MethodGet && r.URL.Path == "/api/":
			rec.roots++
			if rec.rootBody != "" {
				body := rec.rootBody
				rec.mu.Unlock()
				w.Header().Set("Content-Type", "application/xml")
				_, _ = w.Write([]byte(body))
				return
			}
		}
		rec.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func emWantConfigError(t *testing.T, err error, attr string, fragments ...string) {
	t.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) || string(ce.Field) != attr {
		t.Fatalf("want a ConfigError for %s, got %v", attr, err)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not mention %q", err, f)
		}
	}
}

func TestEMLoginAndCalls(t *testing.T) {
	srv := startEmulator(t)
	c := newEM(t, emConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	tok, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.RefreshToken != "" || tok.Username != "administrator" ||
		!strings.Contains(tok.SessionHref, "/api/logonSessions/") || !tok.Expiry.Equal(t0.Add(15*time.Minute)) {
		t.Fatalf("token = %+v", tok)
	}
	if name, value := c.Header(tok); name != "X-RestSvcSessionId" || value != tok.AccessToken {
		t.Errorf("header = %s: %s", name, value)
	}
	servers, err := c.BackupServers(ctx)
	if err != nil || len(servers) != 1 || !strings.HasPrefix(servers[0].UID, "urn:veeam:BackupServer:") || servers[0].Name == "" {
		t.Fatalf("BackupServers = %+v, %v", servers, err)
	}
	sessions, err := c.LogonSessions(ctx)
	if err != nil || len(sessions) != 1 || sessions[0].UserName != "administrator" || !strings.HasSuffix(tok.SessionHref, sessions[0].SessionID) {
		t.Fatalf("LogonSessions = %+v, %v", sessions, err)
	}
	cnt := srv.Emulator.Counters(emulator.EM)
	if cnt.Logins != 1 || cnt.Endpoints["GET /api/{$}"] != 1 || cnt.Endpoints["POST /api/sessionMngr/{$} grant=basic"] != 1 || cnt.Status4xx != 0 {
		t.Fatalf("counters = %+v", cnt)
	}
	if st := c.Stats(); st.Logins != 1 || st.Refreshes != 0 || st.Reauths != 0 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestEMAPIInfoNeedsNoLogin(t *testing.T) {
	srv := startEmulator(t)
	c := newEM(t, emConfig(srv, "", ""))
	info, err := c.APIInfo(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(info.SupportedVersions, ",") != "v1_5,v1_6,v1_7" || info.Latest != "v1_7" {
		t.Fatalf("info = %+v", info)
	}
	if cnt := srv.Emulator.Counters(emulator.EM); cnt.Logins != 0 || len(cnt.Endpoints) != 1 {
		t.Fatalf("counters = %+v", cnt)
	}
	// Versions compare by number, not text.
	for _, tc := range [][3]string{{"v1_10", "v1_9", "1"}, {"v1_7", "v1_7", "0"}, {"v2_0", "v1_99", "1"}, {"x", "v1_0", "-1"}} {
		want := map[string]int{"1": 1, "0": 0, "-1": -1}[tc[2]]
		if got := compareEMVersions(tc[0], tc[1]); got != want {
			t.Errorf("compare(%s, %s) = %d", tc[0], tc[1], got)
		}
	}
}

func TestEMVersionNegotiation(t *testing.T) {
	srv := startEmulator(t)
	login := func(version string, rec *emRecorder) error {
		ts := rec.start(t, srv)
		cfg := plainConfig(ts.URL, srv.Emulator.Clock().Now)
		cfg.APIVersion = version
		_, err := newEM(t, cfg).Credential(ctxT(t))
		return err
	}
	// Unset: the newest version both sides know.
	rec := &emRecorder{}
	if err := login("", rec); err != nil || strings.Join(rec.versions, ",") != "v1_7" || rec.roots != 1 {
		t.Fatalf("default: err %v, versions %v, roots %d", err, rec.versions, rec.roots)
	}
	// Requested, matched case-insensitively and sent in the server's spelling.
	rec = &emRecorder{}
	if err := login("V1_6", rec); err != nil || strings.Join(rec.versions, ",") != "v1_6" {
		t.Fatalf("v1_6: err %v, versions %v", err, rec.versions)
	}
	// "latest" is sent as is, without asking GET /api/ first.
	rec = &emRecorder{}
	if err := login("latest", rec); err != nil || strings.Join(rec.versions, ",") != "latest" || rec.roots != 0 {
		t.Fatalf("latest: err %v, versions %v, roots %d", err, rec.versions, rec.roots)
	}
	// A version the server does not offer: no logon, and the error names the server's versions.
	rec = &emRecorder{}
	err := login("v1_4", rec)
	emWantConfigError(t, err, "api_version", `"v1_4" is not offered`, "v1_5, v1_6, v1_7")
	if len(rec.versions) != 0 {
		t.Errorf("a logon was attempted: %v", rec.versions)
	}
	// A server whose versions the client does not know.
	rec = &emRecorder{rootBody: `<?xml version="1.0" encoding="utf-8"?>
<EnterpriseManager xmlns="http://www.veeam.com/ent/v1.0"><SupportedVersions>
<SupportedVersion Name="v1_8"/><SupportedVersion Name="v2_0"/></SupportedVersions></EnterpriseManager>`}
	err = login("", rec)
	emWantConfigError(t, err, "api_version", "supports API versions v1_8, v2_0", "this provider knows v1_5, v1_6, v1_7", "none match", `"latest"`)
	// ... which "latest" or an explicit version still reaches.
	rec.versions = nil
	if err := login("v1_8", rec); err == nil || !strings.Contains(err.Error(), "400") || strings.Join(rec.versions, ",") != "v1_8" {
		t.Fatalf("explicit v1_8 against the emulator: err %v, versions %v", err, rec.versions)
	}
	// Something that is not Enterprise Manager.
	rec = &emRecorder{rootBody: `<html><body>hello</body></html>`}
	if err := login("", rec); err == nil || !strings.Contains(err.Error(), "not <EnterpriseManager>") {
		t.Fatalf("not EM: %v", err)
	}
}

func TestEMIdleExpiryLogsInAgainAfter401(t *testing.T) {
	srv := startEmulator(t)
	cfg := emConfig(srv, "administrator", "Password1")
	clientNow := t0
	cfg.Now = func() time.Time { return clientNow } // the client's clock stands still: it cannot see the expiry coming
	c := newEM(t, cfg)
	ctx := ctxT(t)
	first, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv.Emulator.Clock().Advance(15*time.Minute + time.Second) // the server ends the idle session
	if _, err := c.BackupServers(ctx); err != nil {
		t.Fatalf("call after the idle timeout: %v", err)
	}
	second, _ := c.Credential(ctx)
	if second.AccessToken == first.AccessToken {
		t.Fatal("the expired session id is still in use")
	}
	st, cnt := c.Stats(), srv.Emulator.Counters(emulator.EM)
	if st.Reauths != 1 || st.Logins != 2 || cnt.Logins != 2 || cnt.Status4xx != 1 {
		t.Fatalf("stats %+v, emulator %+v: want one 401 and a second logon", st, cnt)
	}
}

func TestEMProactiveLoginBeforeIdleTimeout(t *testing.T) {
	srv := startEmulator(t)
	c := newEM(t, emConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	first, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Requests extend the session on the server; the client still logs in again a minute
	// before login + 15 minutes, without ever sending the old id into a 401.
	srv.Emulator.Clock().Advance(10 * time.Minute)
	if _, err := c.BackupServers(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Emulator.Clock().Advance(4*time.Minute + 30*time.Second)
	if _, err := c.BackupServers(ctx); err != nil {
		t.Fatal(err)
	}
	second, _ := c.Credential(ctx)
	if second.AccessToken == first.AccessToken {
		t.Fatal("no new logon inside the last minute")
	}
	// The first session is still alive (it was used 4.5 minutes ago): the idle timeout slides.
	if _, err := c.Send(ctx, Request{Method: http.MethodGet, Path: "/api/backupServers", Accept: emXML}, first); err != nil {
		t.Fatalf("the used session expired: %v", err)
	}
	cnt := srv.Emulator.Counters(emulator.EM)
	if cnt.Logins != 2 || cnt.Status4xx != 0 || c.Stats().Reauths != 0 {
		t.Fatalf("emulator %+v, stats %+v", cnt, c.Stats())
	}
}

func TestEMTenantLogin(t *testing.T) {
	srv := startEmulator(t)
	cfg := emConfig(srv, "tenant01", "Password1")
	cfg.Credentials.Tenant = true
	c := newEM(t, cfg)
	ctx := ctxT(t)
	tok, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Username != "tenant01" {
		t.Errorf("token = %+v", tok)
	}
	if cnt := srv.Emulator.Counters(emulator.EM); cnt.Endpoints["POST /api/sessionMngr/{$} grant=tenant"] != 1 {
		t.Fatalf("not a LoginSpec logon: %+v", cnt)
	}
	sessions, err := c.LogonSessions(ctx)
	if err != nil || len(sessions) != 1 || sessions[0].UserName != "tenant01" {
		t.Fatalf("LogonSessions = %+v, %v", sessions, err)
	}
	if _, err := c.BackupServers(ctx); !IsForbidden(err) || !strings.Contains(err.Error(), "tenant") {
		t.Fatalf("a tenant listing backup servers: %v", err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	// A tenant account with Basic, and an administrator as a tenant, are both refused.
	cfg.Credentials.Tenant = false
	if _, err := newEM(t, cfg).Credential(ctx); !IsAuthenticationFailed(err) {
		t.Fatalf("tenant by Basic: %v", err)
	}
	cfg = emConfig(srv, "administrator", "Password1")
	cfg.Credentials.Tenant = true
	if _, err := newEM(t, cfg).Credential(ctx); !IsAuthenticationFailed(err) {
		t.Fatalf("administrator as tenant: %v", err)
	}
}

func TestEMLogout(t *testing.T) {
	srv := startEmulator(t)
	c := newEM(t, emConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	tok, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if cnt := srv.Emulator.Counters(emulator.EM); cnt.Logouts != 1 || cnt.Endpoints["DELETE /api/logonSessions/{id}"] != 1 {
		t.Fatalf("counters = %+v", cnt)
	}
	_, err = c.Send(ctx, Request{Method: http.MethodGet, Path: "/api/backupServers", Accept: emXML}, tok)
	if !IsAuthenticationFailed(err) || !strings.Contains(err.Error(), "log on again") {
		t.Fatalf("the session id must be dead after logout, got %v", err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatalf("a second Logout must be a no-op, got %v", err)
	}
	// Logging out a session that already ended (here: idle) is not an error.
	if _, err := c.Credential(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Emulator.Clock().Advance(20 * time.Minute)
	if err := c.Logout(ctx); err != nil {
		t.Fatalf("logout of an expired session: %v", err)
	}
	// A resumed token (ephemeral Close) logs out through its Href alone.
	c2 := newEM(t, emConfig(srv, "administrator", "Password1"))
	tok2, err := c2.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c3 := newEM(t, emConfig(srv, "administrator", "Password1"))
	c3.Resume(&Token{AccessToken: tok2.AccessToken, SessionHref: tok2.SessionHref})
	if err := c3.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Emulator.Sessions(emulator.EM)); n != 0 {
		t.Fatalf("%d sessions still live", n)
	}
	// An Href that is not a logon session is never DELETEd.
	c3.Resume(&Token{AccessToken: tok2.AccessToken, SessionHref: "https://elsewhere/api/backupServers/1"})
	if err := c3.Logout(ctx); err == nil || !strings.Contains(err.Error(), "not a logon session URL") {
		t.Fatalf("strange Href: %v", err)
	}
}

func TestEMSessionPathUnderABasePath(t *testing.T) {
	s, err := NewSession(EMFlavor, Config{Host: "https://proxy.example.com/em"})
	if err != nil {
		t.Fatal(err)
	}
	for href, want := range map[string]string{
		"https://srv12.tech.local:9398/api/logonSessions/15a3fc97-0325-4119-b789-5c0367c6c565": "/api/logonSessions/15a3fc97-0325-4119-b789-5c0367c6c565",
		"https://proxy.example.com/em/api/logonSessions/abc":                                   "/api/logonSessions/abc",
		"/api/logonSessions/abc": "/api/logonSessions/abc",
	} {
		if got, err := emSessionPath(s, href); err != nil || got != want {
			t.Errorf("emSessionPath(%q) = %q, %v; want %q", href, got, err, want)
		}
	}
	if _, err := emSessionPath(s, ""); err == nil {
		t.Error("empty Href accepted")
	}
}

func TestEMWrongAndMissingCredentials(t *testing.T) {
	srv := startEmulator(t)
	_, err := newEM(t, emConfig(srv, "administrator", "wrong")).Credential(ctxT(t))
	if !IsAuthenticationFailed(err) || !strings.Contains(err.Error(), "Veeam Backup Enterprise Manager: POST /api/sessionMngr/: 401") || !strings.Contains(err.Error(), "incorrect") {
		t.Fatalf("wrong password: %v", err)
	}
	_, err = newEM(t, emConfig(srv, "", "")).Credential(ctxT(t))
	emWantConfigError(t, err, "username", "no credentials")
	_, err = newEM(t, emConfig(srv, "administrator", "")).Credential(ctxT(t))
	emWantConfigError(t, err, "password", "not set")
	// Credentials are checked before anything is sent.
	if cnt := srv.Emulator.Counters(emulator.EM); cnt.Endpoints["GET /api/{$}"] != 1 {
		t.Fatalf("counters = %+v", cnt)
	}
}

func TestEMDecodeError(t *testing.T) {
	for body, want := range map[string]string{
		`<?xml version="1.0"?><Error xmlns="http://www.veeam.com/ent/v1.0" Message="Session not found" StatusCode="401"/>`: "Session not found",
		`<Error><Message>nested</Message><StatusCode>400</StatusCode></Error>`:                                             "nested",
		`{"Message":"json one","StatusCode":404}`:                                                                          "json one",
		`plain text`: "plain text",
		``:           "",
	} {
		if code, msg := decodeEMError(400, "", []byte(body)); code != "" || msg != want {
			t.Errorf("decodeEMError(%q) = %q, %q", body, code, msg)
		}
	}
}

func TestEMLogsNeverShowTheSessionID(t *testing.T) {
	srv := startEmulator(t)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	forceTraceBodies.Store(true)
	t.Cleanup(func() { forceTraceBodies.Store(false) })

	if err := srv.Emulator.AddUser(emulator.EM, emulator.SeedUser{Name: "administrator2", Password: "Em-Secret-Pass1"}); err != nil {
		t.Fatal(err)
	}
	c := newEM(t, emConfig(srv, "administrator2", "Em-Secret-Pass1"))
	tok, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.BackupServers(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.LogonSessions(ctx); err != nil {
		t.Fatal(err)
	}
	if err := srv.Emulator.AddUser(emulator.EM, emulator.SeedUser{Name: "tenant02", Password: "Tenant-Secret-2", Tenant: true}); err != nil {
		t.Fatal(err)
	}
	tcfg := emConfig(srv, "tenant02", "Tenant-Secret-2")
	tcfg.Credentials.Tenant = true
	tc := newEM(t, tcfg)
	ttok, err := tc.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := tc.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	logs := buf.String()
	for _, want := range []string{"/api/sessionMngr/", "/api/backupServers", "Basic ***", `"X-Restsvcsessionid":"***"`, `Password\u003e***\u003c/Password`, `SessionId\u003e***\u003c/SessionId`, `"status":201`, `"status":204`} {
		if !strings.Contains(logs, want) {
			t.Fatalf("the HTTP log lacks %s, so this test proves nothing:\n%s", want, logs)
		}
	}
	for what, v := range map[string]string{"session id": tok.AccessToken, "tenant session id": ttok.AccessToken,
		"password": "Em-Secret-Pass1", "tenant password": "Tenant-Secret-2"} {
		if strings.Contains(logs, v) {
			t.Errorf("the %s appears in the logs", what)
		}
	}
}
