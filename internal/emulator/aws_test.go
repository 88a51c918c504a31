package emulator_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

const mfaSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEH" // 16 bytes, base32 without padding

func addMFAUser(t *testing.T, h *harness, name string, scratch ...string) {
	t.Helper()
	if err := h.e.AddUser(emulator.AWS, emulator.SeedUser{
		Name: name, Password: "Password1", Role: emulator.RolePortalOperator,
		MFASecret: mfaSecret, ScratchCodes: scratch,
	}); err != nil {
		t.Fatal(err)
	}
}

// mfaToken does step 1 of an MFA login and returns the mfa_token.
func mfaToken(t *testing.T, h *harness, name string) string {
	t.Helper()
	r := h.token(url.Values{"grant_type": {"password"}, "username": {name}, "password": {"Password1"}}).want(200)
	m := decode[emulator.AWSMFARequired](r)
	if !m.MFAEnabled || m.MFAToken == "" || m.Username != name {
		t.Fatalf("MFA step 1 = %+v", m)
	}
	return m.MFAToken
}

func mfaGrant(h *harness, mt, code string) *resp {
	return h.token(url.Values{"grant_type": {"mfa"}, "mfa_token": {mt}, "mfa_code": {code}})
}

func TestAWSVersionHeader(t *testing.T) {
	h := newHarness(t)
	form := url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}}.Encode()
	for _, v := range emulator.DefaultAWSVersions() {
		r := h.do(req{method: "POST", path: "/api/v1/token", version: v, contentType: "application/x-www-form-urlencoded", body: form})
		r.want(200)
	}
	cases := []struct {
		name string
		r    req
	}{
		{"missing on token", req{method: "POST", path: "/api/v1/token", noVersion: true, contentType: "application/x-www-form-urlencoded", body: form}},
		{"unknown on token", req{method: "POST", path: "/api/v1/token", version: "2.0-rev0", contentType: "application/x-www-form-urlencoded", body: form}},
		{"missing on users", req{method: "GET", path: "/api/v1/users", noVersion: true}},
		{"missing on unknown route", req{method: "GET", path: "/api/v1/nothing", noVersion: true}},
		{"missing on signOnUrl", req{method: "GET", path: "/api/v1/identityProvider/signOnUrl?userName=x", noVersion: true}},
		{"missing on wrong method", req{method: "PATCH", path: "/api/v1/token", noVersion: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			p := h.do(c.r).problem(400, emulator.CodeUnexpectedContent)
			if !strings.Contains(p.Details, "1.8-rev0") {
				t.Errorf("details should list the supported versions: %q", p.Details)
			}
		})
	}
	h.t = t
	h.do(req{method: "GET", path: "/api/v1/nothing"}).problem(404, emulator.CodeNotFound)

	// A configured list replaces the default one.
	h2 := newHarness(t, func(o *emulator.Options) { o.AWSVersions = []string{"1.7-rev0"} })
	h2.do(req{method: "POST", path: "/api/v1/token", version: "1.8-rev0", contentType: "application/x-www-form-urlencoded", body: form}).problem(400, emulator.CodeUnexpectedContent)
	h2.do(req{method: "POST", path: "/api/v1/token", version: "1.7-rev0", contentType: "application/x-www-form-urlencoded", body: form}).want(200)
}

func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not header.claims.signature", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("claims: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("claims: %v", err)
	}
	return m
}

func TestAWSPasswordGrant(t *testing.T) {
	h := newHarness(t)
	tok := h.login("administrator", "Password1")
	if tok.TokenType != "bearer" || tok.ExpiresIn != 3600 || tok.Username != "administrator" || tok.RoleName != "Portal Administrator" {
		t.Errorf("token = %+v", tok)
	}
	if tok.Issued != "2025-03-14T10:00:00" || tok.Expires != "2025-03-14T11:00:00" {
		t.Errorf(".issued/.expires = %q/%q", tok.Issued, tok.Expires)
	}
	c := jwtClaims(t, tok.AccessToken)
	for _, k := range []string{"unique_name", "nbf", "exp", "iat", "aud", "jti"} {
		if _, ok := c[k]; !ok {
			t.Errorf("access token lacks claim %q: %v", k, c)
		}
	}
	if c["unique_name"] != "administrator" || c["aud"] != "access" || c["exp"] != float64(t0.Add(time.Hour).Unix()) {
		t.Errorf("claims = %v", c)
	}
	if rc := jwtClaims(t, tok.RefreshToken); rc["aud"] != "refresh" || rc["exp"] != float64(t0.Add(2*time.Hour).Unix()) {
		t.Errorf("refresh claims = %v", rc)
	}
	// Logins at the same instant still get distinct tokens.
	tok2 := h.login("ADMINISTRATOR", "Password1")
	if tok2.AccessToken == tok.AccessToken || tok2.RefreshToken == tok.RefreshToken {
		t.Error("two logins returned the same token")
	}
	if tok2.Username != "administrator" {
		t.Errorf("user names are case-insensitive but reported as stored: got %q", tok2.Username)
	}
	// The operator gets its own role.
	if op := h.login("operator", "Password1"); op.RoleName != "Portal Operator" {
		t.Errorf("operator roleName = %q", op.RoleName)
	}

	form := "application/x-www-form-urlencoded"
	cases := []struct {
		name   string
		r      req
		status int
		code   emulator.ErrorCode
	}{
		{"wrong password", req{body: "grant_type=password&username=administrator&password=nope"}, 401, emulator.CodeAccessDenied},
		{"unknown user", req{body: "grant_type=password&username=ghost&password=Password1"}, 401, emulator.CodeAccessDenied},
		{"identity provider user", req{body: "grant_type=password&username=sara_baker%40companymail.com&password=Admin345Dept01"}, 401, emulator.CodeAccessDenied},
		{"missing password", req{body: "grant_type=password&username=administrator"}, 400, emulator.CodeUnexpectedContent},
		{"missing grant_type", req{body: "username=administrator&password=Password1"}, 400, emulator.CodeUnexpectedContent},
		{"unknown grant_type", req{body: "grant_type=client_credentials"}, 400, emulator.CodeUnexpectedContent},
		{"JSON body", req{body: `{"grant_type":"password"}`, contentType: "application/json"}, 400, emulator.CodeUnexpectedContent},
		{"malformed form", req{body: "grant_type=%zz"}, 400, emulator.CodeUnexpectedContent},
		{"empty body", req{}, 400, emulator.CodeUnexpectedContent},
		{"bad content type", req{body: "x", contentType: "multipart/form-data; boundary"}, 400, emulator.CodeUnexpectedContent},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			c.r.method, c.r.path = "POST", "/api/v1/token"
			if c.r.contentType == "" {
				c.r.contentType = form
			}
			h.do(c.r).problem(c.status, c.code)
		})
	}
	h.t = t
	// A missing Content-Type is read as a form.
	h.do(req{method: "POST", path: "/api/v1/token", body: "grant_type=password&username=administrator&password=Password1"}).want(200)
	// Grant values are matched case-insensitively.
	h.do(req{method: "POST", path: "/api/v1/token", body: "grant_type=Password&username=administrator&password=Password1"}).want(200)
}

func TestAWSAccessTokenExpiry(t *testing.T) {
	h := newHarness(t)
	tok := h.adminToken()
	h.api("GET", "/api/v1/users", tok, nil).want(200)
	h.clock.Advance(time.Hour - time.Second)
	h.api("GET", "/api/v1/users", tok, nil).want(200)
	h.clock.Advance(2 * time.Second)
	r := h.api("GET", "/api/v1/users", tok, nil)
	r.problem(401, emulator.CodeExpiredToken)
	if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("WWW-Authenticate = %q", r.Header.Get("WWW-Authenticate"))
	}
	h.api("GET", "/api/v1/users", "not-a-token", nil).problem(401, emulator.CodeInvalidToken)
	h.api("GET", "/api/v1/users", "", nil).problem(401, emulator.CodeAccessDenied)
	// A token signed the same way but never issued is unknown.
	forged := strings.Split(tok, ".")
	forged[2] = strings.Repeat("A", len(forged[2]))
	h.api("GET", "/api/v1/users", strings.Join(forged, "."), nil).problem(401, emulator.CodeInvalidToken)
	// Basic instead of Bearer.
	r2 := h.do(req{method: "GET", path: "/api/v1/users"})
	r2.problem(401, emulator.CodeAccessDenied)
}

func TestAWSCustomLifetimes(t *testing.T) {
	h := newHarness(t, func(o *emulator.Options) {
		o.Lifetimes = emulator.Lifetimes{AccessToken: 90 * time.Second, RefreshToken: 5 * time.Minute, AuthorizationCode: 10 * time.Second, MFAToken: 20 * time.Second}
	})
	tok := h.login("administrator", "Password1")
	if tok.ExpiresIn != 90 || tok.Expires != "2025-03-14T10:01:30" {
		t.Fatalf("token = %+v", tok)
	}
	if got := h.e.Lifetimes(emulator.AWS); got.AccessToken != 90*time.Second || got.RefreshToken != 5*time.Minute {
		t.Errorf("Lifetimes = %+v", got)
	}
	h.clock.Advance(91 * time.Second)
	h.api("GET", "/api/v1/users", tok.AccessToken, nil).problem(401, emulator.CodeExpiredToken)
	h.clock.Advance(4 * time.Minute)
	h.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}).problem(401, emulator.CodeExpiredToken)
}

func TestAWSRefreshRotation(t *testing.T) {
	h := newHarness(t)
	tok := h.login("operator", "Password1")
	h.clock.Advance(30 * time.Minute)
	r := h.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}).want(200)
	tok2 := decode[emulator.AWSToken](r)
	if tok2.AccessToken == tok.AccessToken || tok2.RefreshToken == tok.RefreshToken {
		t.Fatal("refresh did not return a new pair")
	}
	if tok2.Username != "operator" || tok2.RoleName != "Portal Operator" || tok2.Issued != "2025-03-14T10:30:00" || tok2.ExpiresIn != 3600 {
		t.Errorf("refreshed token = %+v", tok2)
	}
	// The old refresh token is spent.
	h.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}).problem(401, emulator.CodeInvalidToken)
	// The new access token works, and so does the old one until it expires.
	h.api("GET", "/api/v1/users/operator", tok2.AccessToken, nil).want(200)
	h.api("GET", "/api/v1/users/operator", tok.AccessToken, nil).want(200)
	// An access token is not a refresh token.
	h.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok2.AccessToken}}).problem(401, emulator.CodeInvalidToken)
	h.token(url.Values{"grant_type": {"refresh_token"}}).problem(400, emulator.CodeUnexpectedContent)
	// Each refresh token lives 2 h from its own issue.
	h.clock.Advance(2*time.Hour + time.Second)
	h.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok2.RefreshToken}}).problem(401, emulator.CodeExpiredToken)
	if c := h.e.Counters(emulator.AWS); c.Refreshes != 1 || c.Endpoints["POST /api/v1/token grant=refresh_token"] != 5 {
		t.Errorf("counters = %+v", c)
	}
}

func TestAWSLogoutRevokesSession(t *testing.T) {
	h := newHarness(t)
	a := h.login("administrator", "Password1")
	b := h.login("administrator", "Password1")
	// Refresh once so the session holds two access tokens.
	a2 := decode[emulator.AWSToken](h.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {a.RefreshToken}}).want(200))
	if n := len(h.e.Sessions(emulator.AWS)); n != 2 {
		t.Fatalf("Sessions = %d, want 2", n)
	}
	r := h.do(req{method: "DELETE", path: "/api/v1/token", token: a2.AccessToken}).want(204)
	if len(r.Body) != 0 {
		t.Errorf("204 with body %q", r.Body)
	}
	for _, tk := range []string{a.AccessToken, a2.AccessToken} {
		h.api("GET", "/api/v1/users", tk, nil).problem(401, emulator.CodeInvalidToken)
	}
	h.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {a2.RefreshToken}}).problem(401, emulator.CodeInvalidToken)
	h.do(req{method: "DELETE", path: "/api/v1/token", token: a2.AccessToken}).problem(401, emulator.CodeInvalidToken)
	h.do(req{method: "DELETE", path: "/api/v1/token"}).problem(401, emulator.CodeAccessDenied)
	// The other session is untouched.
	h.api("GET", "/api/v1/users", b.AccessToken, nil).want(200)
	if n := len(h.e.Sessions(emulator.AWS)); n != 1 {
		t.Errorf("Sessions after logout = %d, want 1", n)
	}
	if c := h.e.Counters(emulator.AWS); c.Logouts != 1 || c.Logins != 2 {
		t.Errorf("counters = %+v", c)
	}
}

func TestAWSAuthorizationCode(t *testing.T) {
	// 1.0-rev0 spells the path authorizationCode, later revisions authorization_code.
	for path, version := range map[string]string{"/api/v1/token/authorization_code": "1.7-rev0", "/api/v1/token/authorizationCode": "1.0-rev0"} {
		t.Run(path, func(t *testing.T) {
			h := newHarness(t)
			h.version = version
			op := h.login("operator", "Password1")
			getCode := func() string {
				return decode[map[string]string](h.api("POST", path, op.AccessToken, nil).want(200))["code"]
			}
			code := getCode()
			if code == "" {
				t.Fatal("empty code")
			}
			h.api("POST", path, "", nil).problem(401, emulator.CodeAccessDenied)
			// The form decoder turns an unescaped '+' into a space: the
			// document's example sends the code unescaped.
			raw := "grant_type=authorization_code&code=" + code
			r := h.do(req{method: "POST", path: "/api/v1/token", contentType: "application/x-www-form-urlencoded", body: raw}).want(200)
			tok := decode[emulator.AWSToken](r)
			if tok.Username != "operator" || tok.RoleName != "Portal Operator" {
				t.Errorf("code grant token = %+v", tok)
			}
			// Single use.
			h.token(url.Values{"grant_type": {"authorization_code"}, "code": {code}}).problem(401, emulator.CodeInvalidToken)
			// 59 s old: fine; 61 s old: expired.
			c2 := getCode()
			h.clock.Advance(59 * time.Second)
			h.token(url.Values{"grant_type": {"authorization_code"}, "code": {c2}}).want(200)
			c3 := getCode()
			h.clock.Advance(61 * time.Second)
			h.token(url.Values{"grant_type": {"authorization_code"}, "code": {c3}}).problem(401, emulator.CodeExpiredToken)
			h.token(url.Values{"grant_type": {"authorization_code"}, "code": {"bogus"}}).problem(401, emulator.CodeInvalidToken)
			h.token(url.Values{"grant_type": {"authorization_code"}}).problem(400, emulator.CodeUnexpectedContent)
		})
	}
}

var (
	base32Re  = regexp.MustCompile(`^[A-Z2-7]{26}$`)
	scratchRe = regexp.MustCompile(`^[0-9]{8}$`)
)

func mustAtoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestAWSMFACodeWindow(t *testing.T) {
	h := newHarness(t)
	addMFAUser(t, h, "mfa")
	h.clock.Advance(10 * time.Minute)
	now := h.clock.Now()
	// Each case logs in a user of its own (same secret): a code logs in once, and an accepted
	// one makes the codes of its step and earlier ones spent for that user (RFC 6238 §5.2).
	cases := []struct {
		name   string
		at     time.Duration
		status int
	}{
		{"current step", 0, 200},
		{"one step ago", -30 * time.Second, 200},
		{"one step ahead", 30 * time.Second, 200},
		{"two steps ago", -60 * time.Second, 401},
		{"two steps ahead", 60 * time.Second, 401},
		{"ten minutes ago", -10 * time.Minute, 401},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			user := fmt.Sprintf("mfa-window-%d", i)
			addMFAUser(t, h, user)
			code := totpAt(t, mfaSecret, now.Add(c.at))
			if c.status != 200 && code == totpAt(t, mfaSecret, now) {
				t.Skip("codes collide by chance")
			}
			r := mfaGrant(h, mfaToken(t, h, user), code)
			if c.status == 200 {
				r.want(200)
			} else {
				r.problem(401, emulator.CodeAccessDenied)
			}
		})
	}
	h.t = t
	for _, code := range []string{"12345", "1234567", "abcdef", "", " "} {
		mt := mfaToken(t, h, "mfa")
		r := mfaGrant(h, mt, code)
		if strings.TrimSpace(code) == "" {
			r.problem(400, emulator.CodeUnexpectedContent)
		} else {
			r.problem(401, emulator.CodeAccessDenied)
		}
	}
	h.token(url.Values{"grant_type": {"mfa"}, "mfa_code": {"123456"}}).problem(400, emulator.CodeUnexpectedContent)
	mfaGrant(h, "unknown", "123456").problem(401, emulator.CodeInvalidToken)
}

func TestAWSScratchCodesSingleUse(t *testing.T) {
	h := newHarness(t)
	addMFAUser(t, h, "mfa", "11111111", "22222222")
	mfaGrant(h, mfaToken(t, h, "mfa"), "11111111").want(200)
	mfaGrant(h, mfaToken(t, h, "mfa"), "11111111").problem(401, emulator.CodeAccessDenied)
	st, _ := h.e.AWSUser("mfa")
	if !slices.Equal(st.ScratchCodes, []string{"22222222"}) {
		t.Errorf("scratch codes left = %v", st.ScratchCodes)
	}
	mfaGrant(h, mfaToken(t, h, "mfa"), "22222222").want(200)
	mfaGrant(h, mfaToken(t, h, "mfa"), "22222222").problem(401, emulator.CodeAccessDenied)
	mfaGrant(h, mfaToken(t, h, "mfa"), "33333333").problem(401, emulator.CodeAccessDenied)
}

func TestAWSMFATokenLifetimeAndAttempts(t *testing.T) {
	h := newHarness(t)
	addMFAUser(t, h, "mfa")
	mt := mfaToken(t, h, "mfa")
	h.clock.Advance(5*time.Minute + time.Second)
	mfaGrant(h, mt, totpAt(t, mfaSecret, h.clock.Now())).problem(401, emulator.CodeExpiredToken)

	mt = mfaToken(t, h, "mfa")
	h.clock.Advance(4*time.Minute + 59*time.Second)
	mfaGrant(h, mt, totpAt(t, mfaSecret, h.clock.Now())).want(200)

	// A wrong code leaves the mfa_token usable… (in the next step: the code of the step of
	// the last login is spent, RFC 6238 §5.2)
	h.clock.Advance(30 * time.Second)
	mt = mfaToken(t, h, "mfa")
	good := totpAt(t, mfaSecret, h.clock.Now())
	wrong := "000000"
	if good == wrong {
		wrong = "111111"
	}
	mfaGrant(h, mt, wrong).problem(401, emulator.CodeAccessDenied)
	mfaGrant(h, mt, good).want(200)
	// …but five wrong codes burn it.
	mt = mfaToken(t, h, "mfa")
	for range 5 {
		mfaGrant(h, mt, wrong).problem(401, emulator.CodeAccessDenied)
	}
	mfaGrant(h, mt, good).problem(401, emulator.CodeInvalidToken)
}

func TestAWSMethodNotAllowed(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	cases := []struct {
		method, path, allow string
	}{
		{"PUT", "/api/v1/token", "POST, DELETE"},
		{"GET", "/api/v1/token/authorization_code", "POST"},
		{"PATCH", "/api/v1/users", "GET, POST"},
		{"POST", "/api/v1/users/administrator", "GET, PUT, DELETE"},
		{"GET", "/api/v1/users/administrator/enableMfa", "POST"},
		{"DELETE", "/api/v1/identityProvider/signOnUrl", "GET"},
		{"PUT", "/idp/sso", "GET, POST"},
	}
	for _, c := range cases {
		r := h.api(c.method, c.path, admin, nil)
		r.problem(405, emulator.CodeMethodNotAllowed)
		if got := r.Header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow = %q, want %q", c.method, c.path, got, c.allow)
		}
	}
}

func TestAWSCounters(t *testing.T) {
	h := newHarness(t)
	tok := h.login("administrator", "Password1")
	h.token(url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"x"}})
	h.token(url.Values{"grant_type": {"bogus"}})
	h.token(url.Values{})
	h.api("GET", "/api/v1/users/administrator", tok.AccessToken, nil)
	h.api("GET", "/api/v1/users/operator", tok.AccessToken, nil)
	h.do(req{method: "DELETE", path: "/api/v1/token", token: tok.AccessToken})
	h.do(req{method: "GET", path: "/nowhere"})
	c := h.e.Counters(emulator.AWS)
	want := map[string]int{
		"POST /api/v1/token grant=password": 2,
		"POST /api/v1/token grant=(other)":  1,
		"POST /api/v1/token grant=(none)":   1,
		"GET /api/v1/users/{userId}":        2,
		"DELETE /api/v1/token":              1,
		"GET (unmatched)":                   1,
	}
	for k, n := range want {
		if c.Endpoints[k] != n {
			t.Errorf("Endpoints[%q] = %d, want %d (all: %v)", k, c.Endpoints[k], n, c.Endpoints)
		}
	}
	if len(c.Endpoints) != len(want) || c.Logins != 1 || c.Logouts != 1 || c.Status4xx != 4 || c.Status5xx != 0 {
		t.Errorf("counters = %+v", c)
	}
	// A snapshot is a copy.
	c.Endpoints["x"] = 1
	if _, ok := h.e.Counters(emulator.AWS).Endpoints["x"]; ok {
		t.Error("Counters returned the live map")
	}
	if other := h.e.Counters(emulator.VBR); len(other.Endpoints) != 0 || other.Logins != 0 {
		t.Errorf("VBR counters = %+v", other)
	}
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
