package client

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

func TestProactiveRefreshBeforeExpiry(t *testing.T) {
	srv := startEmulator(t)
	c := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	first, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Still well inside the hour: the same token.
	srv.Emulator.Clock().Advance(50 * time.Minute)
	again, _ := c.Credential(ctx)
	if again != first {
		t.Fatal("a fresh token was replaced")
	}
	// Inside the refresh margin (the last minute): refreshed before the server would refuse it.
	srv.Emulator.Clock().Advance(9*time.Minute + 30*time.Second)
	if _, err := c.GetUser(ctx, "administrator"); err != nil {
		t.Fatalf("call across the refresh: %v", err)
	}
	st, cnt := c.Stats(), srv.Emulator.Counters(emulator.AWS)
	if st.Refreshes != 1 || cnt.Refreshes != 1 || cnt.Logins != 1 || st.Reauths != 0 {
		t.Fatalf("client %+v, emulator logins=%d refreshes=%d: want one login, one refresh, no 401", st, cnt.Logins, cnt.Refreshes)
	}
}

func TestRefreshIsSingleFlightUnderContention(t *testing.T) {
	srv := startEmulator(t)
	c := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	if _, err := c.Credential(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Emulator.Clock().Advance(time.Hour + time.Second) // expired
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	tokens := make(chan *Token, 50)
	start := make(chan struct{})
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tok, err := c.Credential(ctx)
			errs <- err
			tokens <- tok
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	close(tokens)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var first *Token
	for tok := range tokens {
		if first == nil {
			first = tok
		}
		if tok != first {
			t.Fatal("goroutines got different tokens")
		}
	}
	if got := srv.Emulator.Counters(emulator.AWS).Refreshes; got != 1 {
		t.Fatalf("50 goroutines at expiry made %d refreshes, want exactly 1", got)
	}
	if got := srv.Emulator.Counters(emulator.AWS).Logins; got != 1 {
		t.Fatalf("logins = %d, want 1", got)
	}
}

func TestRejectedRefreshLogsInAgain(t *testing.T) {
	srv := startEmulator(t)
	c := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	tok, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Someone else spends the refresh token (refresh tokens rotate, so it is now dead).
	if _, err := c.Send(ctx, Request{Method: http.MethodPost, Path: awsTokenPath, Form: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}}, nil); err != nil {
		t.Fatalf("spending the refresh token: %v", err)
	}
	srv.Emulator.Clock().Advance(time.Hour + time.Second)
	if _, err := c.GetUser(ctx, "administrator"); err != nil {
		t.Fatalf("call after a rejected refresh: %v", err)
	}
	if got := srv.Emulator.Counters(emulator.AWS).Logins; got != 2 {
		t.Fatalf("logins = %d, want 2 (the second after the refresh was rejected)", got)
	}
	if st := c.Stats(); st.Logins != 2 || st.Refreshes != 0 {
		t.Fatalf("client stats %+v", st)
	}
}

func TestExpiredRefreshTokenLogsInWithoutTryingIt(t *testing.T) {
	srv := startEmulator(t)
	c := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	if _, err := c.Credential(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Emulator.Clock().Advance(3 * time.Hour) // past the 2-hour refresh token
	if _, err := c.Credential(ctx); err != nil {
		t.Fatal(err)
	}
	cnt := srv.Emulator.Counters(emulator.AWS)
	if cnt.Logins != 2 || cnt.Endpoints["POST /api/v1/token grant=refresh_token"] != 0 {
		t.Fatalf("want a second login and no refresh attempt, got %+v", cnt)
	}
}

func TestRevokedTokenIsRetriedOnceWithANewCredential(t *testing.T) {
	srv := startEmulator(t)
	c := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	tok, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Log the session out behind the client's back: access and refresh token die.
	if _, err := c.Send(ctx, Request{Method: http.MethodDelete, Path: awsTokenPath}, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetUser(ctx, "administrator"); err != nil {
		t.Fatalf("call with a revoked token: %v", err)
	}
	if st := c.Stats(); st.Reauths != 1 || st.Logins != 2 {
		t.Fatalf("stats %+v: want one 401 retry and a second login", st)
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	srv := startEmulator(t)
	c := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	tok, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if got := srv.Emulator.Counters(emulator.AWS).Logouts; got != 1 {
		t.Fatalf("emulator logouts = %d", got)
	}
	_, err = c.Send(ctx, Request{Method: http.MethodGet, Path: "/api/v1/users"}, tok)
	if !IsAuthenticationFailed(err) {
		t.Fatalf("the old token must be dead after logout, got %v", err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatalf("a second Logout must be a no-op, got %v", err)
	}
}

// flaky wraps the emulator's handler: the first n requests fail the way fail says.
func flaky(t *testing.T, h http.Handler, n int32, fail func(w http.ResponseWriter)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var count atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) <= n {
			fail(w)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts, &count
}

func plainConfig(url string, srvNow func() time.Time) Config {
	return Config{Host: url, AllowPlaintextHTTP: true, Credentials: Credentials{Username: "administrator", Password: "Password1"}, Now: srvNow, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}
}

func TestSurvives503sAndHonoursRetryAfter(t *testing.T) {
	srv := startEmulator(t)
	ts, count := flaky(t, srv.Emulator.Handler(emulator.AWS), 3, func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "0")
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	c := newAWS(t, plainConfig(ts.URL, srv.Emulator.Clock().Now))
	if _, err := c.GetUser(ctxT(t), "administrator"); err != nil {
		t.Fatalf("three 503s then success: %v", err)
	}
	if count.Load() < 5 { // 3 failed + login + GET
		t.Fatalf("only %d requests reached the server", count.Load())
	}
}

func TestGivesUpAfterMaxRetries(t *testing.T) {
	srv := startEmulator(t)
	ts, count := flaky(t, srv.Emulator.Handler(emulator.AWS), 1000, func(w http.ResponseWriter) {
		http.Error(w, "busy", http.StatusBadGateway)
	})
	cfg := plainConfig(ts.URL, srv.Emulator.Clock().Now)
	cfg.MaxRetries = 2
	_, err := newAWS(t, cfg).Credential(ctxT(t))
	if !isStatus(err, http.StatusBadGateway) {
		t.Fatalf("want the final 502, got %v", err)
	}
	if count.Load() != 3 {
		t.Fatalf("requests = %d, want 3 (1 + 2 retries)", count.Load())
	}
}

func TestSurvivesDroppedConnections(t *testing.T) {
	srv := startEmulator(t)
	ts, _ := flaky(t, srv.Emulator.Handler(emulator.AWS), 2, func(w http.ResponseWriter) {
		dropConnection(w)
	})
	c := newAWS(t, plainConfig(ts.URL, srv.Emulator.Clock().Now))
	if _, err := c.GetUser(ctxT(t), "administrator"); err != nil {
		t.Fatalf("two dropped connections then success: %v", err)
	}
}

func TestDroppedConnectionIsNotRetriedForUnsafePost(t *testing.T) {
	srv := startEmulator(t)
	var posts atomic.Int32
	h := srv.Emulator.Handler(emulator.AWS)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/v1/users" {
			posts.Add(1)
			dropConnection(w)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	c := newAWS(t, plainConfig(ts.URL, srv.Emulator.Clock().Now))
	if _, err := c.CreateUser(ctxT(t), "eve", "", "Eve-Pass1"); err == nil {
		t.Fatal("want an error")
	}
	if posts.Load() != 1 {
		t.Fatalf("POST /api/v1/users was sent %d times after a lost connection, want 1", posts.Load())
	}
}

func TestCancellationStopsRetrying(t *testing.T) {
	srv := startEmulator(t)
	ts, _ := flaky(t, srv.Emulator.Handler(emulator.AWS), 1000, func(w http.ResponseWriter) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	cfg := plainConfig(ts.URL, srv.Emulator.Clock().Now)
	cfg.RetryWaitMin, cfg.RetryWaitMax, cfg.MaxRetries = time.Second, 10*time.Second, 10
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := newAWS(t, cfg).Credential(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the context's error, got %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("cancellation took %v", time.Since(start))
	}
}

func TestTLSFailureNamesTheFix(t *testing.T) {
	srv := startEmulator(t)
	cfg := awsConfig(srv, "administrator", "Password1")
	cfg.TLS = TLSConfig{}
	_, err := newAWS(t, cfg).Credential(ctxT(t))
	// The provider names ca_cert_pem and insecure (internal/reliability: "untrusted certificate").
	var tlsErr *TLSError
	if !errors.As(err, &tlsErr) || tlsErr.WrongName || !strings.Contains(err.Error(), "does not trust") {
		t.Fatalf("want a TLSError: certificate not trusted, got %v", err)
	}
	cfg.TLS = TLSConfig{Insecure: true}
	if _, err := newAWS(t, cfg).Credential(ctxT(t)); err != nil {
		t.Fatalf("insecure: %v", err)
	}
	_, err = NewAWS(Config{Host: srv.URL[emulator.AWS], TLS: TLSConfig{CACertPEM: "not a certificate"}})
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "ca_cert_pem" {
		t.Fatalf("want a ConfigError for ca_cert_pem, got %v", err)
	}
}

func TestHostNormalisation(t *testing.T) {
	for in, want := range map[string]string{
		"backup.example.com":            "https://backup.example.com:11005",
		"https://backup.example.com/":   "https://backup.example.com:11005",
		"backup.example.com:8443":       "https://backup.example.com:8443",
		"http://127.0.0.1:1234":         "http://127.0.0.1:1234",
		"https://[::1]":                 "https://[::1]:11005",
		"  https://10.0.0.1:11005/api ": "https://10.0.0.1:11005/api",
	} {
		u, err := normalizeHost(in, 11005)
		if err != nil || u.String() != want {
			t.Errorf("normalizeHost(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	for _, bad := range []string{"", "ftp://x", "https://"} {
		if _, err := normalizeHost(bad, 11005); err == nil {
			t.Errorf("normalizeHost(%q): want an error", bad)
		}
	}
}

func TestLogsNeverShowSecrets(t *testing.T) {
	srv := startEmulator(t)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	forceTraceBodies.Store(true)
	t.Cleanup(func() { forceTraceBodies.Store(false) })

	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	e := enrollAlice(t, srv, admin)
	code, err := admin.AuthorizationCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg := awsConfig(srv, "alice", "Alice-Pass1")
	cfg.Credentials.TOTPSecret = e.SecretKey
	alice := newAWS(t, cfg)
	// Everything below logs into buf.
	tok, err := alice.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv.Emulator.Clock().Advance(time.Hour)
	tok2, err := alice.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := alice.EnrollMFA(ctx, "alice", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	logs := buf.String()
	if !strings.Contains(logs, "/api/v1/users/alice/enableMfa") || !strings.Contains(logs, "Bearer ***") || !strings.Contains(logs, `"status":200`) {
		t.Fatalf("the HTTP log is missing requests, so this test proves nothing:\n%s", logs)
	}
	secrets := map[string]string{"password": "Alice-Pass1", "totp secret": e.SecretKey, "access token": tok.AccessToken,
		"refresh token": tok.RefreshToken, "rotated secret": rotated.SecretKey, "rotation token": rotated.Token, "refreshed access token": tok2.AccessToken, "authorization code": code}
	for i, sc := range e.ScratchCodes {
		secrets["scratch code "+string(rune('0'+i))] = sc
	}
	for what, v := range secrets {
		if strings.Contains(logs, v) {
			t.Errorf("the %s appears in the logs", what)
		}
	}
}

// dropConnection closes the connection without an answer, like a network failure.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
		}
	}
}

func TestDisableMFASurvivesALostConnection(t *testing.T) {
	srv := startEmulator(t)
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	enrollAlice(t, srv, admin)
	var drops atomic.Int32
	h := srv.Emulator.Handler(emulator.AWS)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/disableMfa") && drops.Add(1) == 1 {
			// The appliance disables MFA, but the answer is lost.
			h.ServeHTTP(httptest.NewRecorder(), r)
			dropConnection(w)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	c := newAWS(t, plainConfig(ts.URL, srv.Emulator.Clock().Now))
	if err := c.DisableMFA(ctxT(t), "alice"); err != nil {
		t.Fatalf("DisableMFA after a lost answer: %v", err)
	}
	if drops.Load() < 2 {
		t.Fatal("the lost disableMfa was not resent")
	}
	if st, _ := srv.Emulator.AWSUser("alice"); st.MFAEnabled {
		t.Fatal("MFA is still on")
	}
}
