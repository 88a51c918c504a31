package client

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// vbrAccessLifetime is the access-token lifetime of Backup & Replication 12.3 and later (60
// minutes, per the REST API overview from 1.2-rev1 on).
const vbrAccessLifetime = 60 * time.Minute

// startVBRBuild starts every product, Backup & Replication as build.
func startVBRBuild(t *testing.T, build string) *emulatortest.Servers {
	t.Helper()
	return emulatortest.Start(t, emulator.Options{Clock: emulator.NewClock(t0), Builds: map[emulator.Product]string{emulator.VBR: build}})
}

// vbrConfig is a session configuration for the emulator's Backup & Replication, on its clock.
func vbrConfig(srv *emulatortest.Servers, user, password string) Config {
	cfg := awsConfig(srv, user, password)
	cfg.Host = srv.URL[emulator.VBR]
	return cfg
}

func newVBRClient(t *testing.T, cfg Config) *VBRClient {
	t.Helper()
	c, err := NewVBR(cfg)
	if err != nil {
		t.Fatalf("NewVBR: %v", err)
	}
	return c
}

// spendVBRRefresh uses a refresh token outside the session, as another process would.
func spendVBRRefresh(t *testing.T, c *VBRClient, refresh string) error {
	t.Helper()
	_, err := c.Send(ctxT(t), Request{Method: http.MethodPost, Path: vbrTokenPath, Form: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}}, nil)
	return err
}

func TestVBRPasswordLoginAndSettings(t *testing.T) {
	srv := startEmulator(t)
	c := newVBRClient(t, vbrConfig(srv, "administrator", "Password1"))
	s, err := c.GetSecuritySettings(ctxT(t))
	if err != nil {
		t.Fatalf("GetSecuritySettings: %v", err)
	}
	if s.MFAEnabled {
		t.Fatal("global MFA starts disabled")
	}
	tok, _ := c.Credential(ctxT(t))
	if tok.Username != "administrator" || tok.RefreshToken == "" || tok.Expiry.Sub(t0) != vbrAccessLifetime {
		t.Fatalf("token: user %q, refresh set %v, expiry %v", tok.Username, tok.RefreshToken != "", tok.Expiry)
	}
	if tok.RefreshExpiry.Sub(t0) != 14*24*time.Hour {
		t.Fatalf("refresh expiry %v, want 14 days", tok.RefreshExpiry.Sub(t0))
	}
	cnt := srv.Emulator.Counters(emulator.VBR)
	if cnt.Logins != 1 || cnt.Endpoints["POST /api/oauth2/token grant=password"] != 1 || cnt.Endpoints["GET /api/v1/security/settings"] != 1 {
		t.Fatalf("emulator counters %+v", cnt)
	}
	// api_version unset: the newest revision both sides know, the default build's newest.
	if rev := srv.Emulator.Revisions(emulator.VBR); c.APIVersion() != rev[len(rev)-1] || !c.Negotiated() || c.Config().APIVersion != "" {
		t.Fatalf("negotiated api version %q, want %q", c.APIVersion(), rev[len(rev)-1])
	}
}

func TestVBRWrongPasswordIsAuthenticationFailure(t *testing.T) {
	srv := startEmulator(t)
	_, err := newVBRClient(t, vbrConfig(srv, "administrator", "wrong")).Credential(ctxT(t))
	var apiErr *APIError
	if !IsAuthenticationFailed(err) || !errors.As(err, &apiErr) || apiErr.ErrorCode != "AccessDenied" || apiErr.Product != VBR || apiErr.Message == "" {
		t.Fatalf("want a decoded VBR AccessDenied, got %#v", err)
	}
	_, err = newVBRClient(t, vbrConfig(srv, "", "Password1")).Credential(ctxT(t))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != FieldUsername || ce.Reason != ReasonMissing {
		t.Fatalf("want a ConfigError: username missing, got %v", err)
	}
}

func TestVBRVersionRejectionNamesTheVersion(t *testing.T) {
	srv := startEmulator(t)
	cfg := vbrConfig(srv, "administrator", "Password1")
	cfg.APIVersion = "1.7-rev0"
	_, err := newVBRClient(t, cfg).Credential(ctxT(t))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "api_version" ||
		!strings.Contains(err.Error(), `"1.7-rev0" is not accepted by the server`) || !strings.Contains(err.Error(), "The specified API version is not supported.") {
		t.Fatalf("want a ConfigError on api_version with the server's answer, got %v", err)
	}
	// Every revision the build accepts logs in as set; the security endpoints answer from
	// 1.3-rev1 on, and before that the client says so without sending the call.
	for _, v := range srv.Emulator.Revisions(emulator.VBR) {
		cfg.APIVersion = v
		c := newVBRClient(t, cfg)
		_, err := c.GetSecuritySettings(ctxT(t))
		var ue *UnavailableError
		switch {
		case CompareRevisions(v, VBRSecurityRevision) >= 0 && err != nil:
			t.Fatalf("x-api-version %s: %v", v, err)
		case CompareRevisions(v, VBRSecurityRevision) < 0 && (!errors.As(err, &ue) || !strings.Contains(err.Error(), "api_version "+v)):
			t.Fatalf("x-api-version %s: want an UnavailableError naming the revision, got %v", v, err)
		}
		if c.APIVersion() != v || c.Negotiated() {
			t.Fatalf("x-api-version %s: the session speaks %q", v, c.APIVersion())
		}
	}
}

func TestVBRRefreshRotatesAndOldTokenDies(t *testing.T) {
	srv := startEmulator(t)
	c := newVBRClient(t, vbrConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	first, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Inside the refresh margin (a fifth of the lifetime, capped at one minute): refreshed
	// proactively, before the server would answer 401.
	srv.Emulator.Clock().Advance(vbrAccessLifetime - 30*time.Second)
	if _, err := c.GetSecuritySettings(ctx); err != nil {
		t.Fatalf("call across the refresh: %v", err)
	}
	second, _ := c.Credential(ctx)
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken || second.Username != "administrator" {
		t.Fatal("the refresh must rotate both tokens and keep the user")
	}
	if st, cnt := c.Stats(), srv.Emulator.Counters(emulator.VBR); st.Refreshes != 1 || st.Reauths != 0 || cnt.Refreshes != 1 || cnt.Logins != 1 {
		t.Fatalf("client %+v, emulator %+v: want one login, one refresh, no 401", st, cnt)
	}
	// The old refresh token is single use: it was spent by the refresh.
	if err := spendVBRRefresh(t, c, first.RefreshToken); !IsAuthenticationFailed(err) {
		t.Fatalf("the first refresh token must be dead, got %v", err)
	}
	// Another process spends the current refresh token: the next renewal is rejected and the
	// session logs in again.
	if err := spendVBRRefresh(t, c, second.RefreshToken); err != nil {
		t.Fatalf("spending the current refresh token: %v", err)
	}
	srv.Emulator.Clock().Advance(vbrAccessLifetime)
	if _, err := c.GetSecuritySettings(ctx); err != nil {
		t.Fatalf("call after a rejected refresh: %v", err)
	}
	if st, cnt := c.Stats(), srv.Emulator.Counters(emulator.VBR); st.Logins != 2 || st.Refreshes != 1 || cnt.Logins != 2 {
		t.Fatalf("client %+v, emulator logins %d: want a second login after the rejected refresh", st, cnt.Logins)
	}
}

func TestVBRShortTermRefreshLifetime(t *testing.T) {
	srv := startEmulator(t)
	cfg := vbrConfig(srv, "administrator", "Password1")
	cfg.Credentials.UseShortTermRefresh = true
	c := newVBRClient(t, cfg)
	ctx := ctxT(t)
	tok, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.RefreshExpiry.Sub(tok.Expiry); got != 15*time.Minute {
		t.Fatalf("short-term refresh token lives %v past the access token, want 15m", got)
	}
	// Within the short-term lifetime a refresh works.
	srv.Emulator.Clock().Advance(vbrAccessLifetime + 5*time.Minute)
	if _, err := c.GetSecuritySettings(ctx); err != nil {
		t.Fatal(err)
	}
	if st := c.Stats(); st.Refreshes != 1 || st.Logins != 1 {
		t.Fatalf("stats %+v: want a refresh 5 minutes after the access token expired", st)
	}
	// Past it, the session logs in again without sending the dead refresh token.
	srv.Emulator.Clock().Advance(vbrAccessLifetime + 16*time.Minute)
	if _, err := c.GetSecuritySettings(ctx); err != nil {
		t.Fatal(err)
	}
	cnt := srv.Emulator.Counters(emulator.VBR)
	if st := c.Stats(); st.Logins != 2 || st.Refreshes != 1 || cnt.Endpoints["POST /api/oauth2/token grant=refresh_token"] != 1 || cnt.Status4xx != 0 {
		t.Fatalf("client %+v, emulator %+v", st, cnt)
	}
}

func TestVBRLogoutKillsBothTokens(t *testing.T) {
	srv := startEmulator(t)
	c := newVBRClient(t, vbrConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	tok, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if cnt := srv.Emulator.Counters(emulator.VBR); cnt.Logouts != 1 || cnt.Endpoints["POST /api/oauth2/logout"] != 1 {
		t.Fatalf("emulator counters %+v", cnt)
	}
	if n := len(srv.Emulator.Sessions(emulator.VBR)); n != 0 {
		t.Fatalf("%d live sessions after logout", n)
	}
	if _, err := c.Send(ctx, Request{Method: http.MethodGet, Path: "/api/v1/security/settings"}, tok); !IsAuthenticationFailed(err) {
		t.Fatalf("the access token must be dead after logout, got %v", err)
	}
	if err := spendVBRRefresh(t, c, tok.RefreshToken); !IsAuthenticationFailed(err) {
		t.Fatalf("the refresh token must be dead after logout, got %v", err)
	}
	if err := c.Logout(ctx); err != nil || c.Stats().Logouts != 1 {
		t.Fatalf("a second Logout is a no-op: %v, %+v", err, c.Stats())
	}
}

func TestVBRAuthorizationCodeLogsInOnce(t *testing.T) {
	srv := startVBRBuild(t, "12.3") // Backup & Replication 13 removed authorization codes
	admin := newVBRClient(t, vbrConfig(srv, "administrator", "Password1"))
	code, err := admin.AuthorizationCode(ctxT(t))
	if err != nil {
		t.Fatalf("AuthorizationCode: %v", err)
	}
	cfg := vbrConfig(srv, "", "")
	cfg.Credentials.AuthorizationCode = code
	other := newVBRClient(t, cfg)
	tok, err := other.Credential(ctxT(t))
	if err != nil {
		t.Fatalf("authorization_code grant: %v", err)
	}
	if tok.Username != "administrator" {
		t.Fatalf("the code logs in as its issuer (read from the token), got %q", tok.Username)
	}
	if _, err := other.AuthorizationCode(ctxT(t)); err != nil {
		t.Fatalf("the session opened by the code acts as administrator: %v", err)
	}
	_, err = newVBRClient(t, cfg).Credential(ctxT(t))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "authorization_code" || !strings.Contains(err.Error(), "InvalidToken") {
		t.Fatalf("a used code must be a ConfigError naming authorization_code, got %v", err)
	}
}

func TestVBRInitialRefreshToken(t *testing.T) {
	srv := startEmulator(t)
	a := newVBRClient(t, vbrConfig(srv, "administrator", "Password1"))
	tok, err := a.Credential(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg := vbrConfig(srv, "", "")
	cfg.Credentials.RefreshToken = tok.RefreshToken
	b := newVBRClient(t, cfg)
	if _, err := b.GetSecuritySettings(ctxT(t)); err != nil {
		t.Fatalf("login with an initial refresh token: %v", err)
	}
	if err := spendVBRRefresh(t, a, tok.RefreshToken); !IsAuthenticationFailed(err) {
		t.Fatalf("the initial refresh token was spent by the login, got %v", err)
	}
	// Once b's own refresh token is dead too, b cannot log in again: it says why.
	bt, _ := b.Credential(ctxT(t))
	if err := spendVBRRefresh(t, a, bt.RefreshToken); err != nil {
		t.Fatal(err)
	}
	srv.Emulator.Clock().Advance(vbrAccessLifetime + time.Minute)
	_, err = b.GetSecuritySettings(ctxT(t))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "refresh_token" || !strings.Contains(err.Error(), "already used") {
		t.Fatalf("want a ConfigError naming refresh_token, got %v", err)
	}
}

func TestVBRListSecurityUsers(t *testing.T) {
	srv := startEmulator(t)
	c := newVBRClient(t, vbrConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	p, err := c.ListSecurityUsers(ctx, "SMITH", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Pagination.Total != 1 || len(p.Data) != 1 {
		t.Fatalf("filtered listing %+v", p)
	}
	u := p.Data[0]
	if u.Name != "jsmith" || u.MFAEnabled == nil || !*u.MFAEnabled || u.IsServiceAccount || u.ID != emulator.VBRUserID("jsmith") || u.Type == "" || len(u.Roles) != 1 {
		t.Fatalf("jsmith %+v", u)
	}
	for i := range 150 {
		if err := srv.Emulator.AddUser(emulator.VBR, emulator.SeedUser{Name: fmt.Sprintf("bulk-%03d", i), Password: "x", Role: "Veeam Backup Viewer"}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := c.ListAllSecurityUsers(ctx, "bulk-")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 150 || all[0].Name != "bulk-000" || all[149].Name != "bulk-149" {
		t.Fatalf("ListAllSecurityUsers returned %d users", len(all))
	}
	if got := srv.Emulator.Counters(emulator.VBR).Endpoints["GET /api/v1/security/users"]; got != 3 {
		t.Fatalf("%d listing requests, want 1 + 2 pages", got)
	}
	page, err := c.ListSecurityUsers(ctx, "", 2, 3)
	if err != nil || len(page.Data) != 3 || page.Pagination.Skip != 2 || page.Pagination.Total != 152 {
		t.Fatalf("page %+v, %v", page, err)
	}
}

func TestVBRResetMFA(t *testing.T) {
	srv := startEmulator(t)
	admin := newVBRClient(t, vbrConfig(srv, "administrator", "Password1"))
	op := newVBRClient(t, vbrConfig(srv, "jsmith", "Password1"))
	ctx := ctxT(t)
	id := emulator.VBRUserID("jsmith")
	if err := op.ResetMFA(ctx, id); !IsForbidden(err) {
		t.Fatalf("an operator resetting MFA: want forbidden, got %v", err)
	}
	if err := admin.ResetMFA(ctx, id); err != nil {
		t.Fatalf("ResetMFA: %v", err)
	}
	if st, _ := srv.Emulator.User(emulator.VBR, "jsmith"); st.MFAEnabled {
		t.Fatal("MFA still enabled after ResetMFA")
	}
	if err := admin.ResetMFA(ctx, "00000000-0000-4000-8000-000000000000"); !IsNotFound(err) {
		t.Fatalf("unknown id: want not found, got %v", err)
	}
}

func TestVBRSetMFAEnabled(t *testing.T) {
	srv := startEmulator(t)
	admin := newVBRClient(t, vbrConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	// (Asked while MFA is off: with MFA on, jsmith, no service account, cannot log in at all.)
	_, err := newVBRClient(t, vbrConfig(srv, "jsmith", "Password1")).SetMFAEnabled(ctx, true)
	if !IsForbidden(err) || !strings.Contains(err.Error(), "Veeam Backup Administrator") {
		t.Fatalf("an operator changing settings: want a forbidden naming the role, got %v", err)
	}
	s, err := admin.SetMFAEnabled(ctx, true)
	if err != nil || !s.MFAEnabled || !srv.Emulator.VBRMFAEnabled() {
		t.Fatalf("SetMFAEnabled(true): %+v, %v", s, err)
	}
	if s, err := admin.GetSecuritySettings(ctx); err != nil || !s.MFAEnabled {
		t.Fatalf("GetSecuritySettings: %+v, %v", s, err)
	}
	if s, err := admin.SetMFAEnabled(ctx, false); err != nil || s.MFAEnabled || srv.Emulator.VBRMFAEnabled() {
		t.Fatalf("SetMFAEnabled(false): %+v, %v", s, err)
	}
}
