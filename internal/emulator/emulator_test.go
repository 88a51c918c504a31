package emulator_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

func TestClock(t *testing.T) {
	c := emulator.NewClock(t0)
	if !c.Now().Equal(t0) {
		t.Fatalf("Now = %v", c.Now())
	}
	c.Advance(90 * time.Second)
	if want := t0.Add(90 * time.Second); !c.Now().Equal(want) {
		t.Fatalf("after Advance: %v, want %v", c.Now(), want)
	}
	rc := emulator.NewRealClock()
	rc.Advance(time.Hour)
	if d := time.Until(rc.Now()); d < 59*time.Minute || d > 61*time.Minute {
		t.Errorf("real clock offset = %v", d)
	}
	var zero emulator.Clock
	if d := time.Since(zero.Now()); d < -time.Minute || d > time.Minute {
		t.Errorf("zero Clock is not real time: %v", d)
	}
	e, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(e.Clock().Now()); d < -time.Minute || d > time.Minute {
		t.Errorf("default clock is not real time: %v", d)
	}
}

// TestAWSOverTLS drives the AWS product through emulatortest, over TLS.
func TestAWSOverTLS(t *testing.T) {
	s := emulatortest.Start(t, emulator.Options{})
	for _, p := range emulator.AllProducts() {
		if !strings.HasPrefix(s.URL[p], "https://127.0.0.1:") {
			t.Errorf("URL[%s] = %q", p, s.URL[p])
		}
	}
	if !strings.HasPrefix(s.CACertPEM, "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("CACertPEM = %q", s.CACertPEM)
	}
	c := s.HTTPClient()
	tok := tlsLogin(t, c, s.URL[emulator.AWS], "administrator", "Password1")
	if tok.Username != "administrator" {
		t.Errorf("token = %+v", tok)
	}
	// A client that does not trust the CA fails.
	if _, err := http.Get(s.URL[emulator.AWS] + "/api/v1/users"); err == nil {
		t.Error("default client trusted the test certificate")
	}
}

func tlsLogin(t testing.TB, c *http.Client, base, user, pw string) emulator.AWSToken {
	t.Helper()
	rq, _ := http.NewRequest("POST", base+"/api/v1/token", strings.NewReader(url.Values{"grant_type": {"password"}, "username": {user}, "password": {pw}}.Encode()))
	rq.Header.Set("x-api-version", "1.8-rev0")
	rq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r, err := c.Do(rq)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	defer r.Body.Close()
	if r.StatusCode != 200 {
		b, _ := io.ReadAll(r.Body)
		t.Fatalf("login: %d %s", r.StatusCode, b)
	}
	var tok emulator.AWSToken
	if err := json.NewDecoder(r.Body).Decode(&tok); err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestAWSConcurrentLogins(t *testing.T) {
	s := emulatortest.Start(t, emulator.Options{})
	c := s.HTTPClient()
	base := s.URL[emulator.AWS]
	const workers, each = 32, 4
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for range workers {
		wg.Go(func() {
			for range each {
				rq, _ := http.NewRequest("POST", base+"/api/v1/token", strings.NewReader("grant_type=password&username=operator&password=Password1"))
				rq.Header.Set("x-api-version", "1.7-rev0")
				rq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r, err := c.Do(rq)
				if err != nil {
					errs <- err
					return
				}
				var tok emulator.AWSToken
				err = json.NewDecoder(r.Body).Decode(&tok)
				r.Body.Close()
				if err != nil || r.StatusCode != 200 {
					errs <- errors.New("login failed: " + r.Status)
					return
				}
				// Use it, refresh it and log out, concurrently with others.
				get, _ := http.NewRequest("GET", base+"/api/v1/users/operator", nil)
				get.Header.Set("x-api-version", "1.7-rev0")
				get.Header.Set("Authorization", "Bearer "+tok.AccessToken)
				gr, err := c.Do(get)
				if err != nil {
					errs <- err
					return
				}
				gr.Body.Close()
				if gr.StatusCode != 200 {
					errs <- errors.New("GET user: " + gr.Status)
				}
				mu.Lock()
				if seen[tok.AccessToken] || seen[tok.RefreshToken] {
					errs <- errors.New("duplicate token")
				}
				seen[tok.AccessToken], seen[tok.RefreshToken] = true, true
				mu.Unlock()
			}
		})
	}
	// Readers of counters and sessions run at the same time.
	wg.Go(func() {
		for range 50 {
			_ = s.Emulator.Counters(emulator.AWS)
			_ = s.Emulator.Sessions(emulator.AWS)
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	c0 := s.Emulator.Counters(emulator.AWS)
	if c0.Logins != workers*each || c0.Endpoints["POST /api/v1/token grant=password"] != workers*each || c0.Endpoints["GET /api/v1/users/{userId}"] != workers*each {
		t.Errorf("counters = %+v", c0)
	}
	if n := len(s.Emulator.Sessions(emulator.AWS)); n != workers*each {
		t.Errorf("Sessions = %d", n)
	}
}

func TestRequestLogMasksSecrets(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, nil))
	h := newHarness(t, func(o *emulator.Options) { o.Logger = logger })
	addMFAUser(t, h, "mfa", "87654321")
	tok := h.login("administrator", "Password1")
	mt := mfaToken(t, h, "mfa")
	mfaGrant(h, mt, "87654321").want(200)
	h.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}).want(200)
	code := decode[map[string]string](h.api("POST", "/api/v1/token/authorization_code", tok.AccessToken, nil).want(200))["code"]
	h.token(url.Values{"grant_type": {"authorization_code"}, "code": {code}}).want(200)
	en := decode[emulator.AWSEnableMFA](h.api("POST", "/api/v1/users/operator/enableMfa", tok.AccessToken, `{"recreate":false}`).want(200))
	h.api("POST", "/api/v1/users", tok.AccessToken, map[string]string{"name": "n", "password": "VerySecretPw"}).want(201)
	// SSO puts secrets in the query string and in a form field.
	redirect := decode[map[string]string](h.do(req{method: "GET", path: "/api/v1/identityProvider/signOnUrl?userName=sara_baker@companymail.com"}).want(200))["redirectToUrl"]
	ru, err := url.Parse(redirect)
	if err != nil {
		t.Fatal(err)
	}
	samlReq := ru.Query().Get("SAMLRequest")
	saml := decode[map[string]string](h.do(req{method: "POST", path: ru.RequestURI(), noVersion: true, contentType: "application/x-www-form-urlencoded",
		body: "UserName=sara_baker%40companymail.com&Password=Admin345Dept01"}).want(200))["value"]
	h.do(req{method: "POST", path: "/api/v1/identityProvider/token", contentType: "application/x-www-form-urlencoded", body: url.Values{"SamlResponse": {saml}}.Encode()}).want(200)

	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, secret := range []string{"Password1", "VerySecretPw", "Admin345Dept01", tok.AccessToken, tok.RefreshToken, mt, "87654321", code, en.SecretKey, en.Token,
		samlReq, url.QueryEscape(samlReq), saml, url.QueryEscape(saml)} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains a secret %q", secret)
		}
	}
	if !strings.Contains(out, "[REDACTED]") || !strings.Contains(out, `"grant":"password"`) || !strings.Contains(out, `"user":"administrator"`) {
		t.Errorf("log lacks expected fields:\n%s", out)
	}
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Errorf("log line is not JSON: %q", line)
		}
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func TestFaults(t *testing.T) {
	h := newHarness(t, func(o *emulator.Options) { o.Faults.ServiceUnavailableRate = 1 })
	r := h.token(url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}})
	r.problem(503, emulator.CodeServiceUnavailable)
	if c := h.e.Counters(emulator.AWS); c.Status5xx != 1 {
		t.Errorf("counters = %+v", c)
	}

	s := emulatortest.Start(t, emulator.Options{Faults: emulator.Faults{DropRate: 1, Latency: 20 * time.Millisecond}})
	start := time.Now()
	rq, _ := http.NewRequest("GET", s.URL[emulator.AWS]+"/api/v1/users", nil)
	rq.Header.Set("x-api-version", "1.7-rev0")
	if r, err := s.HTTPClient().Do(rq); err == nil {
		r.Body.Close()
		t.Fatalf("dropped request answered %s", r.Status)
	}
	if time.Since(start) < 20*time.Millisecond {
		t.Error("latency was not applied")
	}
	if c := s.Emulator.Counters(emulator.AWS); c.Dropped == 0 || c.Status5xx != 0 {
		t.Errorf("counters = %+v", c)
	}
}

func TestUnknownProductHandler(t *testing.T) {
	h := newHarness(t)
	h.h = h.e.Handler("nope")
	h.do(req{method: "GET", path: "/"}).want(404)
}

func TestControlAPI(t *testing.T) {
	h := newHarness(t, func(o *emulator.Options) { o.Control = true })
	ctl := func(method, path, body string) map[string]any {
		t.Helper()
		r := h.do(req{method: method, path: path, body: body, noVersion: true})
		var m map[string]any
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
		}
		m["_status"] = float64(r.Status)
		return m
	}
	if m := ctl("POST", "/emulator/clock/advance?seconds=90", ""); m["now"] != "2025-03-14T10:01:30Z" {
		t.Errorf("advance = %v", m)
	}
	if m := ctl("GET", "/emulator/clock", ""); m["now"] != "2025-03-14T10:01:30Z" {
		t.Errorf("clock = %v", m)
	}
	if m := ctl("POST", "/emulator/clock/advance?seconds=x", ""); m["_status"] != 400.0 {
		t.Errorf("bad advance = %v", m)
	}
	h.login("administrator", "Password1")
	if m := ctl("GET", "/emulator/counters?product=aws", ""); m["logins"] != 1.0 {
		t.Errorf("counters = %v", m)
	}
	all := ctl("GET", "/emulator/counters", "")
	if aws, ok := all["aws"].(map[string]any); !ok || aws["logins"] != 1.0 || all["vbr"] == nil {
		t.Errorf("all counters = %v", all)
	}
	if m := ctl("POST", "/emulator/users?product=aws", `{"name":"ctl","password":"pw","mfaSecret":"`+mfaSecret+`"}`); m["_status"] != 201.0 || m["mfaEnabled"] != true {
		t.Errorf("add user = %v", m)
	}
	if m := ctl("GET", "/emulator/users/aws/ctl", ""); m["mfaSecret"] != mfaSecret {
		t.Errorf("get user = %v", m)
	}
	if m := ctl("GET", "/emulator/totp?user=ctl", ""); m["code"] != totpAt(t, mfaSecret, h.clock.Now()) {
		t.Errorf("totp = %v", m)
	}
	if m := ctl("GET", "/emulator/sessions?product=aws", ""); m["count"] != 1.0 {
		t.Errorf("sessions = %v", m)
	}
	if m := ctl("POST", "/emulator/reset", ""); m["reset"] != true {
		t.Errorf("reset = %v", m)
	}
	if _, ok := h.e.AWSUser("ctl"); ok {
		t.Error("reset kept an added user")
	}
	if c := h.e.Counters(emulator.AWS); c.Logins != 0 || len(c.Endpoints) != 0 {
		t.Errorf("counters after reset = %+v", c)
	}
	if m := ctl("GET", "/emulator/nothing", ""); m["_status"] != 404.0 {
		t.Errorf("unknown = %v", m)
	}
	// Without Control the paths are ordinary (unversioned → 400) AWS paths.
	h2 := newHarness(t)
	h2.do(req{method: "POST", path: "/emulator/reset", noVersion: true}).problem(400, emulator.CodeUnexpectedContent)
}

func TestStatePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, func(o *emulator.Options) { o.StatePath = path })
	admin := h.adminToken()
	h.api("POST", "/api/v1/users", admin, map[string]string{"name": "kept", "password": "Password1"}).want(201)
	en := decode[emulator.AWSEnableMFA](h.api("POST", "/api/v1/users/kept/enableMfa", admin, `{}`).want(200))
	h.api("POST", "/api/v1/users/kept/acceptMfa", admin, map[string]string{"code": totpAt(t, en.SecretKey, h.clock.Now()), "token": en.Token}).want(201)
	if err := h.e.Close(); err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t, func(o *emulator.Options) { o.StatePath = path })
	st, ok := h2.e.AWSUser("kept")
	if !ok || !st.MFAEnabled || st.MFASecret != en.SecretKey {
		t.Fatalf("reloaded = %+v %v", st, ok)
	}
	mfaGrant(h2, mfaToken(t, h2, "kept"), en.ScratchCodes[0]).want(200)
	// Tokens are not persisted.
	h2.api("GET", "/api/v1/users", admin, nil).problem(401, emulator.CodeInvalidToken)

	// A corrupt or foreign state file is an error, not a silent reseed.
	for _, content := range []string{"{", `{"version":7}`, `{"version":1,"users":{"zz":{}}}`} {
		bad := filepath.Join(t.TempDir(), "bad.json")
		if err := os.WriteFile(bad, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := emulator.New(emulator.Options{StatePath: bad}); err == nil {
			t.Errorf("New accepted state %q", content)
		}
	}
}
