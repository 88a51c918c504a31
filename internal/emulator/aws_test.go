package emulator_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
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
	for _, path := range []string{"/api/v1/token/authorization_code", "/api/v1/token/authorizationCode"} {
		t.Run(path, func(t *testing.T) {
			h := newHarness(t)
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

func TestAWSMFAEnrollAndLogin(t *testing.T) {
	for _, body := range []string{`{"recreate": "false"}`, `{"recreate": false}`, `{}`, ``} {
		t.Run("body "+body, func(t *testing.T) {
			h := newHarness(t)
			admin := h.adminToken()
			r := h.do(req{method: "POST", path: "/api/v1/users/operator/enableMfa", token: admin, body: body, contentType: "application/json", host: "veeam.example:11005"}).want(200)
			en := decode[emulator.AWSEnableMFA](r)
			if en.UserName != "operator" || !base32Re.MatchString(en.SecretKey) || len(en.ScratchCodes) != 5 || en.Token == "" {
				t.Fatalf("enableMfa = %+v", en)
			}
			for _, c := range en.ScratchCodes {
				if !scratchRe.MatchString(c) {
					t.Errorf("scratch code %q", c)
				}
			}
			wantQR := "otpauth://totp/operator&40veeam.example?secret=" + en.SecretKey + "&issuer=veeam.example"
			if en.QRString != wantQR {
				t.Errorf("qrString = %q, want %q", en.QRString, wantQR)
			}
			st, _ := h.e.AWSUser("operator")
			if st.MFAEnabled || st.PendingMFASecret != en.SecretKey {
				t.Fatalf("before accept: %+v", st)
			}
			// Not enabled until accepted: the password grant still answers tokens.
			h.login("operator", "Password1")

			now := h.clock.Now()
			good := totpAt(t, en.SecretKey, now)
			bad := fmt.Sprintf("%06d", (mustAtoi(good)+1)%1000000)
			cases := []struct {
				name string
				body any
			}{
				{"wrong code", map[string]string{"code": bad, "token": en.Token}},
				{"wrong token", map[string]string{"code": good, "token": "nope"}},
				{"missing token", map[string]string{"code": good}},
				{"scratch code instead of TOTP", map[string]string{"code": en.ScratchCodes[0], "token": en.Token}},
				{"not JSON", "code=1"},
			}
			for _, c := range cases {
				h.api("POST", "/api/v1/users/operator/acceptMfa", admin, c.body).problem(400, emulator.CodeUnexpectedContent)
			}
			h.api("POST", "/api/v1/users/operator/acceptMfa", admin, map[string]string{"code": good, "token": en.Token}).want(201)
			st, _ = h.e.AWSUser("operator")
			if !st.MFAEnabled || st.MFASecret != en.SecretKey || st.PendingMFASecret != "" || len(st.ScratchCodes) != 5 {
				t.Fatalf("after accept: %+v", st)
			}
			// A second accept has nothing pending.
			h.api("POST", "/api/v1/users/operator/acceptMfa", admin, map[string]string{"code": good, "token": en.Token}).problem(400, emulator.CodeUnexpectedContent)
			// The user read shows it.
			if u := decode[emulator.AWSUser](h.api("GET", "/api/v1/users/operator", admin, nil).want(200)); !u.MFAEnabled {
				t.Error("GET user: mfaEnabled false")
			}

			mt := mfaToken(t, h, "operator")
			tok := decode[emulator.AWSToken](mfaGrant(h, mt, totpAt(t, en.SecretKey, h.clock.Now())).want(200))
			if tok.Username != "operator" || tok.RoleName != "Portal Operator" {
				t.Errorf("mfa token = %+v", tok)
			}
			// The mfa_token is single use.
			mfaGrant(h, mt, totpAt(t, en.SecretKey, h.clock.Now())).problem(401, emulator.CodeInvalidToken)
		})
	}
}

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
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			code := totpAt(t, mfaSecret, now.Add(c.at))
			if c.status != 200 && code == totpAt(t, mfaSecret, now) {
				t.Skip("codes collide by chance")
			}
			r := mfaGrant(h, mfaToken(t, h, "mfa"), code)
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

	// A wrong code leaves the mfa_token usable…
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

func TestAWSRecreateKeepsOldSecretUntilAccept(t *testing.T) {
	h := newHarness(t)
	addMFAUser(t, h, "mfa", "12345678")
	admin := h.adminToken()
	for _, body := range []string{`{"recreate":false}`, `{"recreate":"false"}`, `{}`} {
		p := h.api("POST", "/api/v1/users/mfa/enableMfa", admin, body).problem(400, emulator.CodeUnexpectedContent)
		if !strings.Contains(p.Details, "recreate=true") {
			t.Errorf("details = %q", p.Details)
		}
	}
	h.api("POST", "/api/v1/users/mfa/enableMfa", admin, `{"recreate":"maybe"}`).problem(400, emulator.CodeUnexpectedContent)
	h.api("POST", "/api/v1/users/mfa/enableMfa", admin, `{"recreate":1}`).problem(400, emulator.CodeUnexpectedContent)
	en := decode[emulator.AWSEnableMFA](h.api("POST", "/api/v1/users/mfa/enableMfa", admin, `{"recreate":"true"}`).want(200))
	if en.SecretKey == mfaSecret {
		t.Fatal("recreate returned the old secret")
	}
	st, _ := h.e.AWSUser("mfa")
	if !st.MFAEnabled || st.MFASecret != mfaSecret || st.PendingMFASecret != en.SecretKey {
		t.Fatalf("pending recreate state = %+v", st)
	}
	now := h.clock.Now()
	oldCode, newCode := totpAt(t, mfaSecret, now), totpAt(t, en.SecretKey, now)
	if oldCode == newCode {
		t.Skip("codes collide by chance")
	}
	// Until acceptMfa, logins use the old secret and old scratch codes.
	mfaGrant(h, mfaToken(t, h, "mfa"), newCode).problem(401, emulator.CodeAccessDenied)
	mfaGrant(h, mfaToken(t, h, "mfa"), oldCode).want(200)
	mfaGrant(h, mfaToken(t, h, "mfa"), en.ScratchCodes[0]).problem(401, emulator.CodeAccessDenied)
	// A second recreate replaces the pending enrollment; the first token is void.
	en2 := decode[emulator.AWSEnableMFA](h.api("POST", "/api/v1/users/mfa/enableMfa", admin, `{"recreate":true}`).want(200))
	h.api("POST", "/api/v1/users/mfa/acceptMfa", admin, map[string]string{"code": totpAt(t, en.SecretKey, now), "token": en.Token}).problem(400, emulator.CodeUnexpectedContent)
	// Accept with a numeric code works too.
	code2 := totpAt(t, en2.SecretKey, now)
	h.api("POST", "/api/v1/users/mfa/acceptMfa", admin, fmt.Sprintf(`{"code":%d,"token":%q}`, mustAtoi(code2), en2.Token)).want(201)
	if oldCode == code2 {
		t.Skip("codes collide by chance")
	}
	mfaGrant(h, mfaToken(t, h, "mfa"), oldCode).problem(401, emulator.CodeAccessDenied)
	mfaGrant(h, mfaToken(t, h, "mfa"), "12345678").problem(401, emulator.CodeAccessDenied)
	mfaGrant(h, mfaToken(t, h, "mfa"), code2).want(200)
	mfaGrant(h, mfaToken(t, h, "mfa"), en2.ScratchCodes[4]).want(200)
	// recreate=true on a user without MFA simply enrolls.
	h.api("POST", "/api/v1/users/operator/enableMfa", admin, `{"recreate":true}`).want(200)
}

func TestAWSDisableMFA(t *testing.T) {
	h := newHarness(t)
	addMFAUser(t, h, "mfa", "12345678")
	admin := h.adminToken()
	h.api("POST", "/api/v1/users/mfa/disableMfa", admin, nil).want(204)
	st, _ := h.e.AWSUser("mfa")
	if st.MFAEnabled || st.MFASecret != "" || len(st.ScratchCodes) != 0 || st.PendingMFASecret != "" {
		t.Fatalf("after disable: %+v", st)
	}
	h.login("mfa", "Password1")
	// Idempotent, and it cancels a pending enrollment.
	h.api("POST", "/api/v1/users/mfa/enableMfa", admin, `{"recreate":false}`).want(200)
	h.api("POST", "/api/v1/users/mfa/disableMfa", admin, nil).want(204)
	if st, _ := h.e.AWSUser("mfa"); st.PendingMFASecret != "" {
		t.Error("disable kept the pending enrollment")
	}
	h.api("POST", "/api/v1/users/ghost/disableMfa", admin, nil).problem(404, emulator.CodeNotFound)
	// An mfa_token issued before MFA was disabled still completes the login.
	addMFAUser(t, h, "mfa2")
	mt := mfaToken(t, h, "mfa2")
	h.api("POST", "/api/v1/users/mfa2/disableMfa", admin, nil).want(204)
	mfaGrant(h, mt, "000000").want(200)
}

func TestAWSRoleEnforcement(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	for _, role := range []string{"operator", "restore"} {
		t.Run(role, func(t *testing.T) {
			h.t = t
			tok := h.login(role, "Password1").AccessToken
			forbidden := []struct {
				method, path string
				body         any
			}{
				{"GET", "/api/v1/users", nil},
				{"GET", "/api/v1/users/administrator", nil},
				{"POST", "/api/v1/users", map[string]string{"name": "x", "password": "y"}},
				{"PUT", "/api/v1/users/administrator", map[string]string{"description": "x"}},
				{"DELETE", "/api/v1/users/administrator", nil},
				{"DELETE", "/api/v1/users/" + role, nil},
				{"POST", "/api/v1/users/administrator/enableMfa", map[string]bool{"recreate": false}},
				{"POST", "/api/v1/users/administrator/acceptMfa", map[string]string{"code": "123456", "token": "x"}},
				{"POST", "/api/v1/users/administrator/disableMfa", nil},
				{"GET", "/api/v1/users/ghost", nil},
			}
			for _, f := range forbidden {
				h.api(f.method, f.path, tok, f.body).problem(403, emulator.CodeAccessDenied)
			}
			// Their own account and MFA are theirs to manage.
			h.api("GET", "/api/v1/users/"+role, tok, nil).want(200)
			h.api("PUT", "/api/v1/users/"+role, tok, map[string]string{"description": "mine"}).want(200)
			en := decode[emulator.AWSEnableMFA](h.api("POST", "/api/v1/users/"+role+"/enableMfa", tok, map[string]bool{"recreate": false}).want(200))
			h.api("POST", "/api/v1/users/"+role+"/acceptMfa", tok, map[string]string{"code": totpAt(t, en.SecretKey, h.clock.Now()), "token": en.Token}).want(201)
			h.api("POST", "/api/v1/users/"+role+"/disableMfa", tok, nil).want(204)
		})
	}
	h.t = t
	// The administrator manages others' MFA.
	h.api("POST", "/api/v1/users/operator/enableMfa", admin, map[string]bool{"recreate": false}).want(200)
	// Identity-provider users cannot enable MFA.
	h.api("POST", "/api/v1/users/sara_baker@companymail.com/enableMfa", admin, map[string]bool{"recreate": false}).problem(400, emulator.CodeUnexpectedContent)
	h.api("POST", "/api/v1/users/ghost/enableMfa", admin, map[string]bool{"recreate": false}).problem(404, emulator.CodeNotFound)
	h.api("POST", "/api/v1/users/ghost/acceptMfa", admin, map[string]string{"code": "123456", "token": "x"}).problem(404, emulator.CodeNotFound)
}

func TestAWSUsersCRUD(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	r := h.api("POST", "/api/v1/users", admin, map[string]string{"name": "alice", "description": "Alice", "password": "S3cret!"}).want(201)
	u := decode[emulator.AWSUser](r)
	if u.Name != "alice" || u.Description != "Alice" || u.MFAEnabled || u.IsDefault || len(u.Links) == 0 {
		t.Fatalf("created = %+v", u)
	}
	if loc := r.Header.Get("Location"); loc != "/api/v1/users/alice" {
		t.Errorf("Location = %q", loc)
	}
	if st, _ := h.e.AWSUser("alice"); st.Role != emulator.RolePortalAdministrator {
		t.Errorf("default role = %q", st.Role)
	}
	cases := []struct {
		name   string
		body   any
		status int
	}{
		{"duplicate", map[string]string{"name": "ALICE", "password": "x"}, 409},
		{"no password", map[string]string{"name": "bob"}, 400},
		{"no name", map[string]string{"password": "x"}, 400},
		{"slash in name", map[string]string{"name": "a/b", "password": "x"}, 400},
		{"bad role", map[string]string{"name": "bob", "password": "x", "role": "King"}, 400},
		{"malformed", `{"name":`, 400},
		{"array", `[]`, 400},
		{"wrong type", `{"name": 5, "password": "x"}`, 400},
		{"trailing data", `{"name":"bob","password":"x"} {}`, 400},
	}
	for _, c := range cases {
		h.api("POST", "/api/v1/users", admin, c.body).problem(c.status, emulator.CodeUnexpectedContent)
	}
	h.api("POST", "/api/v1/users", admin, map[string]string{"name": "bob", "password": "x", "role": "Restore Operator"}).want(201)
	if st, _ := h.e.AWSUser("bob"); st.Role != emulator.RoleRestoreOperator {
		t.Errorf("role = %q", st.Role)
	}

	alice := h.login("alice", "S3cret!").AccessToken
	// Self password change needs the old password.
	h.api("PUT", "/api/v1/users/alice", alice, map[string]string{"password": "New1"}).problem(400, emulator.CodeUnexpectedContent)
	h.api("PUT", "/api/v1/users/alice", alice, map[string]string{"password": "New1", "oldPassword": "wrong"}).problem(400, emulator.CodeUnexpectedContent)
	h.api("PUT", "/api/v1/users/alice", alice, map[string]string{"password": "New1", "oldPassword": "S3cret!"}).want(200)
	h.token(url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"S3cret!"}}).problem(401, emulator.CodeAccessDenied)
	h.login("alice", "New1")
	// An administrator sets another user's password without the old one.
	u = decode[emulator.AWSUser](h.api("PUT", "/api/v1/users/alice", admin, map[string]string{"password": "New2", "description": "changed"}).want(200))
	if u.Description != "changed" {
		t.Errorf("description = %q", u.Description)
	}
	h.login("alice", "New2")
	h.api("PUT", "/api/v1/users/alice", admin, map[string]string{"password": ""}).problem(400, emulator.CodeUnexpectedContent)
	h.api("PUT", "/api/v1/users/sara_baker@companymail.com", admin, map[string]string{"password": "x"}).problem(400, emulator.CodeUnexpectedContent)
	h.api("PUT", "/api/v1/users/ghost", admin, map[string]string{"description": "x"}).problem(404, emulator.CodeNotFound)

	// Deleting a user ends its sessions.
	aliceTok := h.login("alice", "New2")
	h.api("DELETE", "/api/v1/users/alice", admin, nil).want(204)
	h.api("GET", "/api/v1/users/alice", aliceTok.AccessToken, nil).problem(401, emulator.CodeInvalidToken)
	h.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {aliceTok.RefreshToken}}).problem(401, emulator.CodeInvalidToken)
	h.api("GET", "/api/v1/users/alice", admin, nil).problem(404, emulator.CodeNotFound)
	h.api("DELETE", "/api/v1/users/alice", admin, nil).problem(404, emulator.CodeNotFound)
	h.api("DELETE", "/api/v1/users/administrator", admin, nil).problem(400, emulator.CodeUnexpectedContent)
	// A second administrator cannot delete itself either.
	h.api("POST", "/api/v1/users", admin, map[string]string{"name": "admin2", "password": "x"}).want(201)
	a2 := h.login("admin2", "x").AccessToken
	h.api("DELETE", "/api/v1/users/admin2", a2, nil).problem(400, emulator.CodeUnexpectedContent)
	h.api("DELETE", "/api/v1/users/bob", a2, nil).want(204)

	// The default administrator is reported as such.
	if u := decode[emulator.AWSUser](h.api("GET", "/api/v1/users/administrator", admin, nil).want(200)); !u.IsDefault {
		t.Error("administrator isDefault false")
	}
}

func TestAWSListUsers(t *testing.T) {
	h := newHarness(t, func(o *emulator.Options) {
		o.Seed = &emulator.Seed{Users: map[emulator.Product][]emulator.SeedUser{emulator.AWS: {
			{Name: "administrator", Password: "p", IsDefault: true},
			{Name: "Carol", Password: "p", MFASecret: mfaSecret},
			{Name: "alice", Password: "p"},
			{Name: "bob", Password: "p", MFASecret: mfaSecret},
			{Name: "dave", Password: "p"},
		}}}
	})
	admin := h.login("administrator", "p").AccessToken
	names := func(q string) (int, []string) {
		p := decode[emulator.AWSUserPage](h.api("GET", "/api/v1/users"+q, admin, nil).want(200))
		var out []string
		for _, u := range p.Results {
			out = append(out, u.Name)
		}
		if len(p.Links) == 0 {
			t.Errorf("%s: no _links", q)
		}
		return p.TotalCount, out
	}
	cases := []struct {
		q     string
		total int
		want  []string
	}{
		{"", 5, []string{"administrator", "alice", "bob", "Carol", "dave"}},
		{"?Sort=nameAsc", 5, []string{"administrator", "alice", "bob", "Carol", "dave"}},
		{"?Sort=nameDesc", 5, []string{"dave", "Carol", "bob", "alice", "administrator"}},
		{"?Sort=mfaEnabledAsc", 5, []string{"administrator", "alice", "dave", "bob", "Carol"}},
		{"?Sort=mfaEnabledDesc", 5, []string{"bob", "Carol", "administrator", "alice", "dave"}},
		{"?SearchPattern=A", 4, []string{"administrator", "alice", "Carol", "dave"}},
		{"?SearchPattern=car", 1, []string{"Carol"}},
		{"?SearchPattern=zzz", 0, nil},
		{"?Offset=1&Limit=2", 5, []string{"alice", "bob"}},
		{"?Limit=2&Offset=1", 5, []string{"alice", "bob"}},
		{"?Offset=4", 5, []string{"dave"}},
		{"?Offset=9", 5, nil},
		{"?Limit=0", 5, nil},
		{"?Limit=100", 5, []string{"administrator", "alice", "bob", "Carol", "dave"}},
		{"?SearchPattern=a&Sort=nameDesc&Offset=1&Limit=2", 4, []string{"Carol", "alice"}},
		{"?Sort=mfaEnabledDesc&Limit=1", 5, []string{"bob"}},
	}
	for _, c := range cases {
		total, got := names(c.q)
		if total != c.total || !slices.Equal(got, c.want) {
			t.Errorf("%q: total %d %v, want %d %v", c.q, total, got, c.total, c.want)
		}
	}
	for _, q := range []string{"?Offset=-1", "?Limit=x", "?Sort=ageAsc", "?Offset=1.5"} {
		h.api("GET", "/api/v1/users"+q, admin, nil).problem(400, emulator.CodeUnexpectedContent)
	}
	// Empty results are [] in JSON, not null.
	r := h.api("GET", "/api/v1/users?SearchPattern=zzz", admin, nil)
	if !strings.Contains(string(r.Body), `"results":[]`) {
		t.Errorf("empty page = %s", r.Body)
	}
}

func TestAWSSingleSignOn(t *testing.T) {
	h := newHarness(t)
	r := h.do(req{method: "GET", path: "/api/v1/identityProvider/signOnUrl?userName=sara_baker@companymail.com", host: "127.0.0.1:11005"}).want(200)
	redirect := decode[map[string]string](r)["redirectToUrl"]
	if !strings.HasPrefix(redirect, "http://127.0.0.1:11005/idp/sso?SAMLRequest=") {
		t.Fatalf("redirectToUrl = %q", redirect)
	}
	u, err := url.Parse(redirect)
	if err != nil {
		t.Fatal(err)
	}
	idpPath := u.RequestURI()
	// The document posts JSON with a form content type.
	post := func(body, ct string) *resp {
		return h.do(req{method: "POST", path: idpPath, body: body, contentType: ct, noVersion: true})
	}
	post(`{"UserName":"sara_baker@companymail.com","Password":"wrong"}`, "x-www-form-urlencoded").problem(401, emulator.CodeAccessDenied)
	post(`{"UserName":"administrator","Password":"Password1"}`, "application/json").problem(401, emulator.CodeAccessDenied)
	post(`{"UserName":"sara_baker@companymail.com"}`, "application/json").problem(400, emulator.CodeUnexpectedContent)
	post(`{"UserName":`, "application/json").problem(400, emulator.CodeUnexpectedContent)
	saml := decode[map[string]string](post(`{"UserName":"sara_baker@companymail.com","Password":"Admin345Dept01"}`, "x-www-form-urlencoded").want(200))
	if saml["name"] != "SAMLResponse" || saml["value"] == "" {
		t.Fatalf("IdP answer = %v", saml)
	}
	if _, err := base64.StdEncoding.DecodeString(saml["value"]); err != nil {
		t.Errorf("SAMLResponse is not base64: %v", err)
	}
	// A form body works too, and the SAMLRequest may be reused until it expires.
	saml2 := decode[map[string]string](post("UserName=sara_baker%40companymail.com&Password=Admin345Dept01", "application/x-www-form-urlencoded").want(200))

	samlToken := func(v string) *resp {
		return h.do(req{method: "POST", path: "/api/v1/identityProvider/token", contentType: "application/x-www-form-urlencoded", body: "SamlResponse=" + v})
	}
	tok := decode[emulator.AWSToken](samlToken(url.QueryEscape(saml["value"])).want(200))
	if tok.Username != "sara_baker@companymail.com" || tok.AccessToken == "" {
		t.Errorf("SSO token = %+v", tok)
	}
	h.api("GET", "/api/v1/users/sara_baker@companymail.com", tok.AccessToken, nil).want(200)
	samlToken(url.QueryEscape(saml["value"])).problem(401, emulator.CodeInvalidToken) // single use
	// Unescaped base64, as the document sends it.
	h.clock.Advance(4 * time.Minute)
	samlToken(saml2["value"]).want(200)

	saml3 := decode[map[string]string](post(`{"UserName":"sara_baker@companymail.com","Password":"Admin345Dept01"}`, "").want(200))
	h.clock.Advance(5*time.Minute + time.Second)
	samlToken(url.QueryEscape(saml3["value"])).problem(401, emulator.CodeExpiredToken)
	samlToken("").problem(400, emulator.CodeUnexpectedContent)
	samlToken("bogus").problem(401, emulator.CodeInvalidToken)
	// The SAMLRequest expires after 10 minutes.
	h.clock.Advance(58 * time.Second) // 9m59s since signOnUrl
	post(`{"UserName":"sara_baker@companymail.com","Password":"Admin345Dept01"}`, "").want(200)
	h.clock.Advance(time.Second)
	post(`{"UserName":"sara_baker@companymail.com","Password":"Admin345Dept01"}`, "").problem(401, emulator.CodeExpiredToken)
	h.do(req{method: "POST", path: "/idp/sso?SAMLRequest=bogus", body: "{}", noVersion: true}).problem(401, emulator.CodeInvalidToken)
	h.do(req{method: "POST", path: "/idp/sso", body: "{}", noVersion: true}).problem(400, emulator.CodeUnexpectedContent)
	h.do(req{method: "GET", path: "/api/v1/identityProvider/signOnUrl"}).problem(400, emulator.CodeUnexpectedContent)
	h.do(req{method: "GET", path: "/idp/sso?SAMLRequest=x", noVersion: true}).want(200)
	if c := h.e.Counters(emulator.AWS); c.Logins != 2 {
		t.Errorf("SSO logins = %d", c.Logins)
	}
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

func TestAWSAddUserValidation(t *testing.T) {
	h := newHarness(t)
	bad := []emulator.SeedUser{
		{Name: "", Password: "x"},
		{Name: "administrator", Password: "x"},
		{Name: "x", Password: "x", Role: "Emperor"},
		{Name: "x", Password: "x", MFASecret: "not base32!"},
		{Name: "x", Password: "x", MFASecret: mfaSecret, ScratchCodes: []string{"123"}},
		{Name: "x", Password: "x", MFASecret: mfaSecret, IdentityProvider: true},
	}
	for _, u := range bad {
		if err := h.e.AddUser(emulator.AWS, u); err == nil {
			t.Errorf("AddUser(%+v) succeeded", u)
		}
	}
	if err := h.e.AddUser("nope", emulator.SeedUser{Name: "x"}); err == nil {
		t.Error("AddUser for an unknown product succeeded")
	}
	if _, ok := h.e.AWSUser("x"); ok {
		t.Error("a rejected user was added")
	}
	if _, err := emulator.New(emulator.Options{Seed: &emulator.Seed{Users: map[emulator.Product][]emulator.SeedUser{"zz": nil}}}); err == nil {
		t.Error("New accepted a seed for an unknown product")
	}
	if _, err := emulator.New(emulator.Options{Faults: emulator.Faults{DropRate: 2}}); err == nil {
		t.Error("New accepted a drop rate of 2")
	}
}
