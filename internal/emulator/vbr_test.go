package emulator_test

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// vbrVersion is the x-api-version the Backup & Replication tests send.
const vbrVersion = "1.3-rev1"

// newVBR is a harness on the Backup & Replication handler.
func newVBR(t testing.TB, mutate ...func(*emulator.Options)) *harness {
	t.Helper()
	h := newHarness(t, mutate...)
	h.h = h.e.Handler(emulator.VBR)
	return h
}

// newVBRBuild is a harness on Backup & Replication build whose requests
// speak revision version.
func newVBRBuild(t testing.TB, build, version string) *harness {
	t.Helper()
	h := newVBR(t, func(o *emulator.Options) { o.Builds = map[emulator.Product]string{emulator.VBR: build} })
	h.version = version
	return h
}

// newVBRDocument is a harness on the build the reference document describes
// (REST API 1.1-rev0, Backup & Replication 12.0).
func newVBRDocument(t testing.TB) *harness { return newVBRBuild(t, "12.0", "1.1-rev0") }

// vbrCall sends a request with the VBR version header (unless r sets one).
func (h *harness) vbrCall(r req) *resp {
	h.t.Helper()
	if r.version == "" && !r.noVersion {
		r.version = cmp.Or(h.version, vbrVersion)
	}
	return h.do(r)
}

// vbrTokenBody posts a raw form body to /api/oauth2/token.
func (h *harness) vbrTokenBody(body string) *resp {
	h.t.Helper()
	return h.vbrCall(req{method: "POST", path: "/api/oauth2/token", contentType: "application/x-www-form-urlencoded", body: body})
}

func (h *harness) vbrTokenForm(form url.Values) *resp {
	h.t.Helper()
	return h.vbrTokenBody(form.Encode())
}

// vbrLogin does a password grant for a seeded user (password Password1) that must succeed.
func (h *harness) vbrLogin(user string) emulator.VBRToken {
	h.t.Helper()
	r := h.vbrTokenForm(url.Values{"grant_type": {"password"}, "username": {user}, "password": {"Password1"}}).want(http.StatusOK)
	tok := decode[emulator.VBRToken](r)
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		h.t.Fatalf("login %s: no tokens in %s", user, r.Body)
	}
	return tok
}

// vbrCode is the answer of POST /api/oauth2/authorization_code.
type vbrCode struct {
	Code string `json:"code"`
}

func (h *harness) vbrAdmin() string { return h.vbrLogin("administrator").AccessToken }

// vbrJSON sends a JSON body (or none) with a bearer token.
func (h *harness) vbrJSON(method, path, token, body string) *resp {
	h.t.Helper()
	r := req{method: method, path: path, token: token, body: body}
	if body != "" {
		r.contentType = "application/json"
	}
	return h.vbrCall(r)
}

// vbrError asserts a Backup & Replication error body with status and errorCode.
func (r *resp) vbrError(status int, code emulator.ErrorCode) emulator.VBRError {
	r.t.Helper()
	r.want(status)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		r.t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	e := decode[emulator.VBRError](r)
	if e.ErrorCode != string(code) || e.Message == "" {
		r.t.Fatalf("error = %+v, want errorCode %s and a message", e, code)
	}
	return e
}

func TestVBRVersionHeaderRequiredAndChecked(t *testing.T) {
	h := newVBR(t)
	form := "grant_type=password&username=administrator&password=Password1"
	for name, r := range map[string]req{
		"missing":         {noVersion: true},
		"unsupported":     {version: "1.4-rev0"},
		"aws style":       {version: "1.7-rev0"},
		"refused by 13.1": {version: "1.0-rev2"},
	} {
		r.method, r.path, r.contentType, r.body = "POST", "/api/oauth2/token", "application/x-www-form-urlencoded", form
		e := h.vbrCall(r).vbrError(http.StatusBadRequest, emulator.CodeNotImplemented)
		// The 1.3-rev2 specification's ErrorNotImplementedExample, word for word.
		if e.Message != "The specified API version is not supported." {
			t.Errorf("%s: message %q", name, e.Message)
		}
		if !slices.Equal(e.SupportedVersions, emulator.VBRVersions()) {
			t.Errorf("%s: supportedVersions %q, want %q", name, e.SupportedVersions, emulator.VBRVersions())
		}
	}
	// Authenticated endpoints check the version before the token.
	h.vbrCall(req{method: "GET", path: "/api/v1/security/settings", version: "2.0"}).vbrError(http.StatusBadRequest, emulator.CodeNotImplemented)
	for _, v := range emulator.VBRVersions() {
		h.vbrCall(req{method: "POST", path: "/api/oauth2/token", version: v, contentType: "application/x-www-form-urlencoded", body: form}).want(http.StatusOK)
	}
	// 13.1 accepts 1.1-rev0 … 1.3-rev2 (its overview lists 1.0-rev* as unsupported).
	if got := strings.Join(emulator.VBRVersions(), ","); got != "1.1-rev0,1.1-rev1,1.1-rev2,1.2-rev0,1.2-rev1,1.3-rev0,1.3-rev1,1.3-rev2" {
		t.Fatalf("versions %s", got)
	}
}

// TestVBRConformancePasswordGrant replays the reference document's token
// request payload byte for byte: the unused fields of other grants are ignored.
func TestVBRConformancePasswordGrant(t *testing.T) {
	h := newVBRDocument(t)
	if err := h.e.AddUser(emulator.VBR, emulator.SeedUser{Name: "string", Password: "pa$$word"}); err != nil {
		t.Fatal(err)
	}
	const payload = "grant_type=password&username=string&password=pa%24%24word&refresh_token=string&code=string&use_short_term_refresh=true&vbr_token=string"
	r := h.vbrTokenBody(payload).want(http.StatusOK)
	var raw map[string]any
	if err := json.Unmarshal(r.Body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"access_token", "token_type", "refresh_token", "expires_in", ".issued", ".expires"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("token response lacks %q: %s", k, r.Body)
		}
	}
	tok := decode[emulator.VBRToken](r) // no field beyond the documented ones
	if tok.TokenType != "bearer" || tok.ExpiresIn != 900 {
		t.Fatalf("token_type %q, expires_in %d; want bearer, 900", tok.TokenType, tok.ExpiresIn)
	}
	offset := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$`)
	if !offset.MatchString(tok.Issued) || !offset.MatchString(tok.Expires) {
		t.Fatalf(".issued %q / .expires %q lack the documented UTC offset", tok.Issued, tok.Expires)
	}
	issued, err1 := time.Parse(time.RFC3339, tok.Issued)
	expires, err2 := time.Parse(time.RFC3339, tok.Expires)
	if err1 != nil || err2 != nil || !issued.Equal(t0) || expires.Sub(issued) != 15*time.Minute {
		t.Fatalf(".issued %s .expires %s (%v %v): want t0 and t0+15m", tok.Issued, tok.Expires, err1, err2)
	}
	for _, jwt := range []string{tok.AccessToken, tok.RefreshToken} {
		if strings.Count(jwt, ".") != 2 {
			t.Fatalf("token %q is not JWT-shaped like the documented ones", jwt)
		}
	}
	// The payload sets use_short_term_refresh=true: the refresh token dies
	// 15 minutes after the access token.
	h.clock.Advance(30*time.Minute + time.Second)
	h.vbrTokenForm(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}).vbrError(http.StatusUnauthorized, emulator.CodeExpiredToken)
}

// TestVBRConformanceAuthorizationCodeAndLogout replays the document's
// authorization_code and logout requests.
func TestVBRConformanceAuthorizationCodeAndLogout(t *testing.T) {
	h := newVBRDocument(t)
	tok := h.vbrLogin("administrator")
	r := h.vbrCall(req{method: "POST", path: "/api/oauth2/authorization_code", token: tok.AccessToken}).want(http.StatusOK)
	code := decode[vbrCode](r)
	if !strings.HasPrefix(code.Code, "AAEAA") {
		t.Fatalf("code %q is not shaped like the documented one", code.Code)
	}
	// The code logs in once, as its issuer; the grant name is matched case-insensitively.
	r = h.vbrTokenForm(url.Values{"grant_type": {"Authorization_Code"}, "code": {code.Code}}).want(http.StatusOK)
	other := decode[emulator.VBRToken](r)
	h.vbrTokenForm(url.Values{"grant_type": {"authorization_code"}, "code": {code.Code}}).vbrError(http.StatusUnauthorized, emulator.CodeInvalidToken)
	// An unescaped '+' in the code (as curl examples send it) still works.
	r = h.vbrCall(req{method: "POST", path: "/api/oauth2/authorization_code", token: tok.AccessToken}).want(http.StatusOK)
	code = decode[vbrCode](r)
	h.vbrTokenBody("grant_type=authorization_code&code=" + code.Code).want(http.StatusOK)

	// Logout: 200 {} and both tokens of that session stop working; the other session lives.
	r = h.vbrCall(req{method: "POST", path: "/api/oauth2/logout", token: tok.AccessToken}).want(http.StatusOK)
	if strings.TrimSpace(string(r.Body)) != "{}" {
		t.Fatalf("logout body %q, want {}", r.Body)
	}
	// (1.1-rev0 has no security endpoints: the authorization-code request is the bearer probe.)
	h.vbrCall(req{method: "POST", path: "/api/oauth2/authorization_code", token: tok.AccessToken}).vbrError(http.StatusUnauthorized, emulator.CodeInvalidToken)
	h.vbrTokenForm(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}).vbrError(http.StatusUnauthorized, emulator.CodeInvalidToken)
	h.vbrCall(req{method: "POST", path: "/api/oauth2/authorization_code", token: other.AccessToken}).want(http.StatusOK)
	h.vbrCall(req{method: "POST", path: "/api/oauth2/logout"}).vbrError(http.StatusUnauthorized, emulator.CodeAccessDenied)
	c := h.e.Counters(emulator.VBR)
	if c.Logouts != 1 || c.Logins != 3 || c.Endpoints["POST /api/oauth2/token grant=authorization_code"] != 3 || c.Endpoints["POST /api/oauth2/authorization_code"] != 4 {
		t.Fatalf("counters %+v", c)
	}
}

func TestVBRAuthorizationCodeExpiresAfter60s(t *testing.T) {
	h := newVBRBuild(t, "12.3.1", "1.2-rev1")
	code := decode[vbrCode](h.vbrCall(req{method: "POST", path: "/api/oauth2/authorization_code", token: h.vbrAdmin()}).want(http.StatusOK))
	h.clock.Advance(60 * time.Second)
	h.vbrTokenForm(url.Values{"grant_type": {"authorization_code"}, "code": {code.Code}}).vbrError(http.StatusUnauthorized, emulator.CodeExpiredToken)
	h.vbrCall(req{method: "POST", path: "/api/oauth2/authorization_code"}).vbrError(http.StatusUnauthorized, emulator.CodeAccessDenied)
}

func TestVBRRefreshTokensAreSingleUse(t *testing.T) {
	h := newVBR(t)
	first := h.vbrLogin("administrator")
	r := h.vbrTokenForm(url.Values{"grant_type": {"Refresh_token"}, "refresh_token": {first.RefreshToken}}).want(http.StatusOK)
	second := decode[emulator.VBRToken](r)
	if second.RefreshToken == "" || second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatal("a refresh must return a new access and a new refresh token")
	}
	h.vbrTokenForm(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first.RefreshToken}}).vbrError(http.StatusUnauthorized, emulator.CodeInvalidToken)
	r = h.vbrTokenForm(url.Values{"grant_type": {"REFRESH_TOKEN"}, "refresh_token": {second.RefreshToken}}).want(http.StatusOK)
	third := decode[emulator.VBRToken](r)
	h.vbrJSON("GET", "/api/v1/security/settings", third.AccessToken, "").want(http.StatusOK)
	// An access token is not a refresh token.
	h.vbrTokenForm(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {third.AccessToken}}).vbrError(http.StatusUnauthorized, emulator.CodeInvalidToken)
	if c := h.e.Counters(emulator.VBR); c.Refreshes != 2 || c.Logins != 1 || c.Endpoints["POST /api/oauth2/token grant=refresh_token"] != 4 {
		t.Fatalf("counters %+v", c)
	}
}

func TestVBRLifetimes(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		// 12.3 and later: access 60 minutes (the overview's Credentials
		// Lifetime table from 1.2-rev1 on).
		h := newVBR(t)
		tok := h.vbrLogin("administrator")
		if tok.ExpiresIn != 3600 {
			t.Fatalf("expires_in %d, want 3600", tok.ExpiresIn)
		}
		h.clock.Advance(60*time.Minute - time.Second)
		h.vbrJSON("GET", "/api/v1/security/settings", tok.AccessToken, "").want(http.StatusOK)
		h.clock.Advance(time.Second)
		h.vbrJSON("GET", "/api/v1/security/settings", tok.AccessToken, "").vbrError(http.StatusUnauthorized, emulator.CodeExpiredToken)
		// The refresh token lives 14 days.
		h.clock.Advance(14*24*time.Hour - 60*time.Minute - time.Second)
		h.vbrTokenForm(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}).want(http.StatusOK)
	})
	t.Run("12.0 to 12.2: 15 minutes", func(t *testing.T) {
		for _, b := range []string{"12.0", "12.1", "12.2"} {
			h := newVBRBuild(t, b, "1.1-rev0")
			if tok := h.vbrLogin("administrator"); tok.ExpiresIn != 900 {
				t.Fatalf("build %s: expires_in %d, want 900", b, tok.ExpiresIn)
			}
		}
		if got := newVBRBuild(t, "12.3", "1.1-rev0").vbrLogin("administrator").ExpiresIn; got != 3600 {
			t.Fatalf("build 12.3: expires_in %d, want 3600", got)
		}
	})
	t.Run("refresh token expires after 14 days", func(t *testing.T) {
		h := newVBR(t)
		tok := h.vbrLogin("administrator")
		h.clock.Advance(14 * 24 * time.Hour)
		h.vbrTokenForm(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}).vbrError(http.StatusUnauthorized, emulator.CodeExpiredToken)
	})
	t.Run("short-term refresh", func(t *testing.T) {
		h := newVBR(t)
		form := url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}, "use_short_term_refresh": {"True"}}
		tok := decode[emulator.VBRToken](h.vbrTokenForm(form).want(http.StatusOK))
		h.clock.Advance(75*time.Minute - time.Second)
		r := h.vbrTokenForm(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}).want(http.StatusOK)
		next := decode[emulator.VBRToken](r)
		// The rotated refresh token of a short-term session is short-term too.
		h.clock.Advance(75 * time.Minute)
		h.vbrTokenForm(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {next.RefreshToken}}).vbrError(http.StatusUnauthorized, emulator.CodeExpiredToken)
		form.Set("use_short_term_refresh", "maybe")
		h.vbrTokenForm(form).vbrError(http.StatusBadRequest, emulator.CodeUnexpectedContent)
	})
	t.Run("overridden", func(t *testing.T) {
		h := newVBR(t, func(o *emulator.Options) { o.Lifetimes.AccessToken = time.Minute })
		tok := h.vbrLogin("administrator")
		if tok.ExpiresIn != 60 {
			t.Fatalf("expires_in %d, want 60", tok.ExpiresIn)
		}
	})
}

func TestVBRTokenGrantErrors(t *testing.T) {
	h := newVBR(t)
	for _, tc := range []struct {
		form   url.Values
		status int
		code   emulator.ErrorCode
	}{
		{url.Values{}, 400, emulator.CodeUnexpectedContent},
		{url.Values{"grant_type": {"mfa"}}, 400, emulator.CodeUnexpectedContent},
		{url.Values{"grant_type": {"password"}, "username": {"administrator"}}, 400, emulator.CodeUnexpectedContent},
		{url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"wrong"}}, 401, emulator.CodeAccessDenied},
		{url.Values{"grant_type": {"password"}, "username": {"nobody"}, "password": {"Password1"}}, 401, emulator.CodeAccessDenied},
		{url.Values{"grant_type": {"refresh_token"}}, 400, emulator.CodeUnexpectedContent},
		{url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"a.b.c"}}, 401, emulator.CodeInvalidToken},
		{url.Values{"grant_type": {"authorization_code"}}, 400, emulator.CodeUnexpectedContent},
		{url.Values{"grant_type": {"authorization_code"}, "code": {"AAEAAnope"}}, 401, emulator.CodeInvalidToken},
		{url.Values{"grant_type": {"vbr_token"}}, 400, emulator.CodeUnexpectedContent},
		{url.Values{"grant_type": {"vbr_token"}, "vbr_token": {"vbrpst_unknown"}}, 401, emulator.CodeInvalidToken},
	} {
		r := h.vbrTokenForm(tc.form)
		if r.Status != tc.status {
			t.Errorf("%v: status %d, want %d: %s", tc.form, r.Status, tc.status, r.Body)
			continue
		}
		r.vbrError(tc.status, tc.code)
	}
	// A JSON body is not a form.
	h.vbrCall(req{method: "POST", path: "/api/oauth2/token", contentType: "application/json", body: `{"grant_type":"password"}`}).vbrError(400, emulator.CodeUnexpectedContent)
	if c := h.e.Counters(emulator.VBR); c.Endpoints["POST /api/oauth2/token grant=(none)"] != 1 || c.Endpoints["POST /api/oauth2/token grant=(other)"] != 1 || c.Logins != 0 {
		t.Fatalf("counters %+v", c)
	}
}

func TestVBRPlatformServiceTokenGrant(t *testing.T) {
	h := newVBR(t)
	pst, ok := h.e.VBRPlatformToken("Administrator")
	if !ok || pst == "" {
		t.Fatal("no platform service token for administrator")
	}
	if _, ok := h.e.VBRPlatformToken("nobody"); ok {
		t.Fatal("a platform service token for an unknown user")
	}
	r := h.vbrTokenForm(url.Values{"grant_type": {"VBR_Token"}, "vbr_token": {pst}}).want(http.StatusOK)
	tok := decode[emulator.VBRToken](r)
	// The session acts as administrator: it may change settings.
	h.vbrJSON("PUT", "/api/v1/security/settings", tok.AccessToken, `{"mfaEnabled":true}`).want(http.StatusOK)
	// Reusable (it is not a single-use secret) ...
	h.vbrTokenForm(url.Values{"grant_type": {"vbr_token"}, "vbr_token": {pst}}).want(http.StatusOK)
	// ... but only on the emulator that issued it.
	other := newVBR(t)
	other.vbrTokenForm(url.Values{"grant_type": {"vbr_token"}, "vbr_token": {pst}}).vbrError(http.StatusUnauthorized, emulator.CodeInvalidToken)
}

func TestVBRSecurityUsersListing(t *testing.T) {
	h := newVBR(t)
	tok := h.vbrAdmin()
	list := func(query string) emulator.VBRSecurityUsers {
		t.Helper()
		return decode[emulator.VBRSecurityUsers](h.vbrJSON("GET", "/api/v1/security/users"+query, tok, "").want(http.StatusOK))
	}
	all := list("")
	if all.Pagination != (emulator.VBRPagination{Total: 2, Count: 2, Skip: 0, Limit: 200}) || len(all.Data) != 2 {
		t.Fatalf("default listing %+v", all)
	}
	admin, jsmith := all.Data[0], all.Data[1]
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	// 1.3-rev1: roles are RoleModel objects, type an EUserType, no mfaEnabled yet.
	if admin.Name != "administrator" || !admin.IsServiceAccount || admin.MFAEnabled != nil || admin.Type != "InternalUser" ||
		len(admin.Roles) != 1 || admin.Roles[0].Name != emulator.VBRRoleAdministrator || !uuid.MatchString(admin.Roles[0].ID) ||
		admin.Roles[0].Description == "" || admin.Roles[0].IsBuiltIn != nil || !uuid.MatchString(admin.ID) || admin.ID != emulator.VBRUserID("ADMINISTRATOR") {
		t.Fatalf("administrator %+v", admin)
	}
	if jsmith.Name != "jsmith" || jsmith.IsServiceAccount || jsmith.MFAEnabled != nil || jsmith.ID == admin.ID || !uuid.MatchString(jsmith.ID) {
		t.Fatalf("jsmith %+v", jsmith)
	}
	for i := range 3 {
		if err := h.e.AddUser(emulator.VBR, emulator.SeedUser{Name: "svc-backup-" + string(rune('a'+i)), Password: "x", Role: "Veeam Backup Viewer"}); err != nil {
			t.Fatal(err)
		}
	}
	got := list("?nameFilter=SVC-&orderColumn=name&orderAsc=false&skip=1&limit=1")
	if got.Pagination != (emulator.VBRPagination{Total: 3, Count: 1, Skip: 1, Limit: 1}) || got.Data[0].Name != "svc-backup-b" {
		t.Fatalf("filtered page %+v", got)
	}
	if got := list("?nameFilter=*ADMIN*"); len(got.Data) != 1 || got.Data[0].Name != "administrator" {
		t.Fatalf("wildcard filter %+v", got)
	}
	if got := list("?skip=10"); got.Pagination.Total != 5 || got.Pagination.Count != 0 || got.Data == nil {
		t.Fatalf("skip past the end %+v", got)
	}
	for _, q := range []string{"?skip=-1", "?limit=x", "?orderColumn=mfaEnabled", "?orderAsc=up"} {
		h.vbrJSON("GET", "/api/v1/security/users"+q, tok, "").vbrError(http.StatusBadRequest, emulator.CodeUnexpectedContent)
	}
	// Backup Administrator only ("Available to"); nobody anonymous.
	op := h.vbrLogin("jsmith").AccessToken
	h.vbrJSON("GET", "/api/v1/security/users", op, "").vbrError(http.StatusForbidden, emulator.CodeAccessDenied)
	h.vbrJSON("GET", "/api/v1/security/users", "", "").vbrError(http.StatusUnauthorized, emulator.CodeAccessDenied)
}

func TestVBRResetMFA(t *testing.T) {
	h := newVBR(t)
	tok := h.vbrAdmin()
	id := emulator.VBRUserID("jsmith")
	// jsmith logs in with a password although MFA is on: REST logins are not MFA-checked.
	op := h.vbrLogin("jsmith").AccessToken
	h.vbrJSON("POST", "/api/v1/security/users/"+id+"/resetMFA", op, "").vbrError(http.StatusForbidden, emulator.CodeAccessDenied)
	if st, _ := h.e.User(emulator.VBR, "jsmith"); !st.MFAEnabled {
		t.Fatal("a forbidden reset changed the user")
	}
	r := h.vbrJSON("POST", "/api/v1/security/users/"+strings.ToUpper(id)+"/resetMFA", tok, "").want(http.StatusNoContent)
	if len(r.Body) != 0 {
		t.Fatalf("204 with a body %q", r.Body)
	}
	if st, _ := h.e.User(emulator.VBR, "jsmith"); st.MFAEnabled {
		t.Fatal("MFA still on after resetMFA")
	}
	h.vbrJSON("POST", "/api/v1/security/users/"+id+"/resetMFA", tok, "").want(http.StatusNoContent) // idempotent
	e := h.vbrJSON("POST", "/api/v1/security/users/00000000-0000-4000-8000-000000000000/resetMFA", tok, "").vbrError(http.StatusNotFound, emulator.CodeNotFound)
	if e.ResourceID != "00000000-0000-4000-8000-000000000000" {
		t.Fatalf("resourceId %q", e.ResourceID)
	}
	h.vbrJSON("GET", "/api/v1/security/users/"+id+"/resetMFA", tok, "").vbrError(http.StatusMethodNotAllowed, emulator.CodeMethodNotAllowed)
}

func TestVBRSecuritySettings(t *testing.T) {
	h := newVBR(t)
	tok := h.vbrAdmin()
	get := func() emulator.VBRSecuritySettings {
		t.Helper()
		return decode[emulator.VBRSecuritySettings](h.vbrJSON("GET", "/api/v1/security/settings", tok, "").want(http.StatusOK))
	}
	if get().MFAEnabled || h.e.VBRMFAEnabled() {
		t.Fatal("global MFA must start disabled")
	}
	op := h.vbrLogin("jsmith").AccessToken // before MFA is on: jsmith is no service account
	r := h.vbrJSON("PUT", "/api/v1/security/settings", tok, `{"mfaEnabled":true}`).want(http.StatusOK)
	if !decode[emulator.VBRSecuritySettings](r).MFAEnabled || !get().MFAEnabled || !h.e.VBRMFAEnabled() {
		t.Fatal("PUT mfaEnabled=true did not stick")
	}
	for _, body := range []string{``, `{}`, `{"mfaEnabled":null}`, `{"mfaEnabled":"yes"}`, `[true]`, `{"mfaEnabled":true}{}`, `not json`} {
		h.vbrJSON("PUT", "/api/v1/security/settings", tok, body).vbrError(http.StatusBadRequest, emulator.CodeUnexpectedContent)
	}
	// Backup Administrator only, reading too.
	h.vbrJSON("GET", "/api/v1/security/settings", op, "").vbrError(http.StatusForbidden, emulator.CodeAccessDenied)
	e := h.vbrJSON("PUT", "/api/v1/security/settings", op, `{"mfaEnabled":false}`).vbrError(http.StatusForbidden, emulator.CodeAccessDenied)
	if !strings.Contains(e.Message, emulator.VBRRoleAdministrator) {
		t.Fatalf("403 message %q should name the role needed", e.Message)
	}
	h.vbrJSON("PUT", "/api/v1/security/settings", tok, `{"mfaEnabled":false}`).want(http.StatusOK)
	if get().MFAEnabled {
		t.Fatal("PUT mfaEnabled=false did not stick")
	}
	h.vbrJSON("PUT", "/api/v1/security/settings", tok, `{"mfaEnabled":true}`).want(http.StatusOK)
	if err := h.e.Reset(); err != nil {
		t.Fatal(err)
	}
	if h.e.VBRMFAEnabled() {
		t.Fatal("Reset must restore the default setting")
	}
}

func TestVBRRoutingErrors(t *testing.T) {
	h := newVBR(t)
	r := h.vbrCall(req{method: "GET", path: "/api/oauth2/token"})
	r.vbrError(http.StatusMethodNotAllowed, emulator.CodeMethodNotAllowed)
	if r.Header.Get("Allow") != "POST" {
		t.Fatalf("Allow = %q", r.Header.Get("Allow"))
	}
	h.vbrCall(req{method: "GET", path: "/api/v1/jobs"}).vbrError(http.StatusNotFound, emulator.CodeNotFound)
	h.vbrJSON("GET", "/api/v1/security/settings", "not-a-token", "").vbrError(http.StatusUnauthorized, emulator.CodeInvalidToken)
	if h.e.Counters(emulator.VBR).Status5xx != 0 {
		t.Fatal("5xx answered")
	}
}

// FuzzVBRTokenForm posts arbitrary bodies and content types to the VBR token
// endpoint: never a 5xx or a panic, and every error is a VBR error body.
func FuzzVBRTokenForm(f *testing.F) {
	for _, s := range []struct{ body, ct string }{
		{"grant_type=password&username=string&password=pa%24%24word&refresh_token=string&code=string&use_short_term_refresh=true&vbr_token=string", "application/x-www-form-urlencoded"},
		{"grant_type=Password&username=administrator&password=Password1&use_short_term_refresh=TRUE", "application/x-www-form-urlencoded"},
		{"grant_type=refresh_token&refresh_token=a.b.c", ""},
		{"grant_type=authorization_code&code=AAEAA+x/y==", "application/x-www-form-urlencoded; charset=utf-8"},
		{"grant_type=vbr_token&vbr_token=vbrpst_x", "application/x-www-form-urlencoded"},
		{"use_short_term_refresh=%ff&grant_type=", "application/x-www-form-urlencoded"},
		{"%zz&&==;", "application/x-www-form-urlencoded"},
		{`{"grant_type":"password"}`, "application/json"},
		{"\x00\xff", "text/plain"},
	} {
		f.Add(s.body, s.ct)
	}
	e, err := emulator.New(emulator.Options{Clock: emulator.NewClock(t0)})
	if err != nil {
		f.Fatal(err)
	}
	h := e.Handler(emulator.VBR)
	f.Fuzz(func(t *testing.T, body, ct string) {
		r := httptest.NewRequest("POST", "/api/oauth2/token", strings.NewReader(body))
		r.Header.Set("x-api-version", vbrVersion)
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code >= 500 {
			t.Fatalf("status %d for body %q ct %q: %s", rec.Code, body, ct, rec.Body)
		}
		if rec.Code >= 400 {
			var ve emulator.VBRError
			if err := json.Unmarshal(rec.Body.Bytes(), &ve); err != nil || ve.ErrorCode == "" || ve.Message == "" {
				t.Fatalf("bad error body %q", rec.Body)
			}
		}
	})
}
