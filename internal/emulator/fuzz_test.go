package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// FuzzTokenForm posts arbitrary bodies and content types to the token
// endpoints: the emulator must never answer 5xx or panic, and every error
// must be a well-formed AWS problem body.
func FuzzTokenForm(f *testing.F) {
	seeds := []struct{ body, ct string }{
		{"grant_type=password&username=administrator&password=Password1", "application/x-www-form-urlencoded"},
		{"grant_type=mfa&mfa_token=abc&mfa_code=123456", "application/x-www-form-urlencoded"},
		{"grant_type=refresh_token&refresh_token=a.b.c", ""},
		{"grant_type=authorization_code&code=AAEAA+x/y==", "application/x-www-form-urlencoded; charset=utf-8"},
		{"%zz&&==;", "application/x-www-form-urlencoded"},
		{`{"grant_type":"password"}`, "application/json"},
		{"SamlResponse=PHNhbWw+", "application/x-www-form-urlencoded"},
		{"\x00\xff", "text/plain"},
	}
	for _, s := range seeds {
		f.Add(s.body, s.ct)
	}
	e, err := emulator.New(emulator.Options{Clock: emulator.NewClock(t0)})
	if err != nil {
		f.Fatal(err)
	}
	h := e.Handler(emulator.AWS)
	f.Fuzz(func(t *testing.T, body, ct string) {
		for _, path := range []string{"/api/v1/token", "/api/v1/identityProvider/token", "/idp/sso?SAMLRequest=x"} {
			r := httptest.NewRequest("POST", path, strings.NewReader(body))
			r.Header.Set("x-api-version", "1.8-rev0")
			if ct != "" {
				r.Header.Set("Content-Type", ct)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code >= 500 {
				t.Fatalf("%s: status %d for body %q ct %q: %s", path, rec.Code, body, ct, rec.Body)
			}
			if rec.Code >= 400 {
				var p emulator.AWSProblem
				if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.ErrorCode == "" || p.Status != rec.Code {
					t.Fatalf("%s: bad error body %q", path, rec.Body)
				}
			}
		}
	})
}

// FuzzUsersJSON posts arbitrary JSON to the user and MFA endpoints.
func FuzzUsersJSON(f *testing.F) {
	for _, s := range []string{`{"recreate":"false"}`, `{"recreate":true}`, `{"code":123456,"token":"x"}`, `{"name":"a","password":"b"}`, `{"description":null}`, `[`, `{"name":"\u0000"}`} {
		f.Add(s)
	}
	e, err := emulator.New(emulator.Options{Clock: emulator.NewClock(t0)})
	if err != nil {
		f.Fatal(err)
	}
	h := e.Handler(emulator.AWS)
	lr := httptest.NewRequest("POST", "/api/v1/token", strings.NewReader("grant_type=password&username=administrator&password=Password1"))
	lr.Header.Set("x-api-version", "1.8-rev0")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, lr)
	var tok emulator.AWSToken
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, rt := range []struct{ method, path string }{
			{"POST", "/api/v1/users"}, {"PUT", "/api/v1/users/operator"},
			{"POST", "/api/v1/users/operator/enableMfa"}, {"POST", "/api/v1/users/operator/acceptMfa"},
		} {
			r := httptest.NewRequest(rt.method, rt.path, strings.NewReader(body))
			r.Header.Set("x-api-version", "1.8-rev0")
			r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			r.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code >= 500 {
				t.Fatalf("%s %s: status %d for %q: %s", rt.method, rt.path, rec.Code, body, rec.Body)
			}
		}
	})
}

// fuzzEmulator is a fresh emulator with the control API and the tokens of
// the seeded administrators of the products with bearer tokens.
type fuzzEmulator struct {
	e                *emulator.Emulator
	aws, vbr, vro    string // access tokens
	vao, emSessionID string
}

func newFuzzEmulator(f *testing.F) *fuzzEmulator {
	f.Helper()
	e, err := emulator.New(emulator.Options{Clock: emulator.NewClock(t0), Control: true})
	if err != nil {
		f.Fatal(err)
	}
	fe := &fuzzEmulator{e: e}
	token := func(p emulator.Product, path, body string, hdr ...string) string {
		rec := call(e.Handler(p), "POST", path, body, append(hdr, "Content-Type", "application/x-www-form-urlencoded")...)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
			f.Fatalf("%s login: %d %s", p, rec.Code, rec.Body)
		}
		return tok.AccessToken
	}
	pw := "grant_type=password&username=administrator&password=Password1"
	fe.aws = token(emulator.AWS, "/api/v1/token", pw, "x-api-version", "1.8-rev0")
	fe.vbr = token(emulator.VBR, "/api/oauth2/token", pw, "x-api-version", "1.3-rev1")
	fe.vro = token(emulator.VRO, "/api/token", pw)
	fe.vao = token(emulator.VAO, "/token", `grant_type=password&username=VEEAM%5Cadministrator&password=Password1`)
	rec := call(e.Handler(emulator.EM), "POST", "/api/sessionMngr/?v=latest", "", "Authorization", "Basic YWRtaW5pc3RyYXRvcjpQYXNzd29yZDE=")
	for k, v := range rec.Header() { // spelled as documented, not canonically: Get would miss it
		if strings.EqualFold(k, emulator.EMSessionHeader) && len(v) == 1 {
			fe.emSessionID = v[0]
		}
	}
	if fe.emSessionID == "" {
		f.Fatalf("em logon: %d %s", rec.Code, rec.Body)
	}
	return fe
}

// serve sends a request built from fuzzed parts; it reports false when the
// parts do not make an HTTP request at all (a client could not send them).
func serve(t *testing.T, h http.Handler, method, target, body string, hdr ...string) (*httptest.ResponseRecorder, bool) {
	t.Helper()
	r, err := http.NewRequest(method, "http://emulator.test"+target, strings.NewReader(body))
	if err != nil || !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \t\r\n\x00") {
		return nil, false
	}
	r.RequestURI = target
	for i := 0; i+1 < len(hdr); i += 2 {
		if strings.ContainsFunc(hdr[i+1], func(c rune) bool { return (c < 0x20 && c != '\t') || c == 0x7f }) {
			return nil, false
		}
		r.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code >= 500 {
		t.Fatalf("%s %s %v: status %d: %s", method, target, hdr, rec.Code, rec.Body)
	}
	return rec, true
}

// FuzzQueryParameters sends arbitrary query strings to every endpoint that
// reads query parameters: the Backup for AWS users listing (Offset, Limit,
// SearchPattern, Sort) and signOnUrl (userName), the Backup & Replication
// users listing (skip, limit, nameFilter, orderColumn, orderAsc), the
// Enterprise Manager logon (v) and backup servers (format), and the control
// API. Never a 5xx; the AWS listing answers 200 or a problem body.
func FuzzQueryParameters(f *testing.F) {
	for _, q := range []string{
		"Offset=2", "Limit=3", "SearchPattern=ubuntu", "Sort=nameDesc", "Limit=1&Offset=1&Sort=mfaEnabledDesc", "Offset=-1", "Limit=99999999999999999999",
		"Sort=%zz", "SearchPattern=%00", "userName=sara_baker@companymail.com", "skip=1&limit=0&nameFilter=*a*&orderColumn=name&orderAsc=false",
		"v=latest", "v=V1_7", "v=" + strings.Repeat("x", 300), "format=Entity", "seconds=1e309", "seconds=NaN", "product=AWS&user=administrator",
		"secret=JBSWY3DPEHPK3PXP", ";;&&==", "a=%ff%fe",
	} {
		f.Add(q)
	}
	fe := newFuzzEmulator(f)
	f.Fuzz(func(t *testing.T, q string) {
		aws := []string{"x-api-version", "1.8-rev0", "Authorization", "Bearer " + fe.aws}
		if rec, ok := serve(t, fe.e.Handler(emulator.AWS), "GET", "/api/v1/users?"+q, "", aws...); ok && rec.Code != 200 {
			var p emulator.AWSProblem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.ErrorCode == "" || p.Status != rec.Code {
				t.Fatalf("users?%s: %d with a bad error body %s", q, rec.Code, rec.Body)
			}
		}
		serve(t, fe.e.Handler(emulator.AWS), "GET", "/api/v1/identityProvider/signOnUrl?"+q, "", aws...)
		serve(t, fe.e.Handler(emulator.VBR), "GET", "/api/v1/security/users?"+q, "", "x-api-version", "1.3-rev1", "Authorization", "Bearer "+fe.vbr)
		em := []string{"Authorization", "Basic YWRtaW5pc3RyYXRvcjpQYXNzd29yZDE="}
		serve(t, fe.e.Handler(emulator.EM), "POST", "/api/sessionMngr/?"+q, "", em...)
		serve(t, fe.e.Handler(emulator.EM), "GET", "/api/backupServers?"+q, "", emulator.EMSessionHeader, fe.emSessionID)
		for _, path := range []string{"/emulator/counters", "/emulator/totp", "/emulator/sessions", "/emulator/users"} {
			method := "GET"
			if path == "/emulator/users" {
				method = "POST"
			}
			serve(t, fe.e.Handler(emulator.VRO), method, path+"?"+q, `{"name":"fz","password":"x"}`)
		}
	})
}

// FuzzCredentialHeaders sends arbitrary Authorization headers (and
// X-RestSvcSessionId headers and cookies) to an authenticated endpoint of
// every product: never a 5xx, and never a 2xx for a value that is not the
// product's credential.
func FuzzCredentialHeaders(f *testing.F) {
	for _, s := range []string{"Bearer x", "bearer  ", "Bearer", "Basic YWRtaW5pc3RyYXRvcjpQYXNzd29yZDE=", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x",
		"Bearer \x7f", "Negotiate abc", "", "Bearer " + strings.Repeat("A", 5000), "O9Msj3rq7EGUhtSMBQx+mw=="} {
		f.Add(s)
	}
	fe := newFuzzEmulator(f)
	f.Fuzz(func(t *testing.T, v string) {
		if strings.Contains(v, fe.aws) || strings.Contains(v, fe.vbr) || strings.Contains(v, fe.vro) || strings.Contains(v, fe.vao) || strings.Contains(v, fe.emSessionID) {
			return
		}
		for _, c := range []struct {
			p            emulator.Product
			method, path string
			hdr          []string
		}{
			{emulator.AWS, "GET", "/api/v1/users/administrator", []string{"x-api-version", "1.8-rev0", "Authorization", v}},
			{emulator.AWS, "POST", "/api/v1/token/authorization_code", []string{"x-api-version", "1.8-rev0", "Authorization", v}},
			{emulator.VBR, "GET", "/api/v1/security/settings", []string{"x-api-version", "1.3-rev1", "Authorization", v}},
			{emulator.VRO, "GET", "/api/v7.21/Clients", []string{"Authorization", v}},
			{emulator.VAO, "DELETE", "/api/token", []string{"Authorization", v}},
			{emulator.EM, "GET", "/api/logonSessions", []string{emulator.EMSessionHeader, v}},
			{emulator.EM, "GET", "/api/logonSessions", []string{"Cookie", emulator.EMSessionHeader + "=" + v}},
		} {
			rec, ok := serve(t, fe.e.Handler(c.p), c.method, c.path, "", c.hdr...)
			if ok && rec.Code < 300 {
				t.Fatalf("%s %s %s with %q: %d", c.p, c.method, c.path, v, rec.Code)
			}
		}
	})
}

// FuzzVBRSettingsJSON puts arbitrary JSON to Backup & Replication's security
// settings: never a 5xx, and a 200 only for a boolean mfaEnabled.
func FuzzVBRSettingsJSON(f *testing.F) {
	for _, s := range []string{`{"mfaEnabled":true}`, `{"mfaEnabled":true}}`, `{"mfaEnabled":"true"}`, `{"mfaEnabled":null}`, `{}`, `[`, `{"mfaEnabled":true}{}`, `{"mfaEnabled":1e999}`, "\x00"} {
		f.Add(s, "application/json")
	}
	f.Add(`{"mfaEnabled":false}`, "")
	f.Add(`{"mfaEnabled":false}`, "text/plain")
	fe := newFuzzEmulator(f)
	f.Fuzz(func(t *testing.T, body, ct string) {
		hdr := []string{"x-api-version", "1.3-rev1", "Authorization", "Bearer " + fe.vbr}
		if ct != "" {
			hdr = append(hdr, "Content-Type", ct)
		}
		rec, ok := serve(t, fe.e.Handler(emulator.VBR), "PUT", "/api/v1/security/settings", body, hdr...)
		if !ok {
			return
		}
		if rec.Code == 200 {
			var v struct {
				MFAEnabled *bool `json:"mfaEnabled"`
			}
			if err := json.Unmarshal([]byte(body), &v); err != nil || v.MFAEnabled == nil {
				t.Fatalf("200 for %q", body)
			}
		}
	})
}

// FuzzRoutes sends arbitrary methods and paths to every product, with a
// valid credential: the routing (path values such as {userId}, {id},
// {version}) never answers 5xx.
func FuzzRoutes(f *testing.F) {
	for _, s := range []struct{ method, path string }{
		{"GET", "/api/v1/users/%2F"}, {"DELETE", "/api/v1/users/administrator"}, {"POST", "/api/v1/users/x/enableMfa"}, {"PATCH", "/api/v1/token"},
		{"POST", "/api/v1/security/users/00000000-0000-0000-0000-000000000000/resetMFA"}, {"GET", "/api/v13.1/Clients"}, {"GET", "/api/../Clients"},
		{"DELETE", "/api/logonSessions/x"}, {"GET", "/api/backupServers/urn:veeam:BackupServer:x"}, {"OPTIONS", "*"}, {"GET", "//"}, {"GET", "/emulator/users/aws/%00"},
	} {
		f.Add(s.method, s.path)
	}
	fe := newFuzzEmulator(f)
	f.Fuzz(func(t *testing.T, method, path string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		// Never delete or change the credentials (or the clock) the next
		// inputs need.
		if method != "GET" && (strings.Contains(path, "token") || strings.Contains(path, "logonSessions") || strings.Contains(path, "emulator") || strings.Contains(path, "/users")) {
			return
		}
		tok := map[emulator.Product][]string{
			emulator.AWS: {"x-api-version", "1.8-rev0", "Authorization", "Bearer " + fe.aws},
			emulator.VBR: {"x-api-version", "1.3-rev1", "Authorization", "Bearer " + fe.vbr},
			emulator.VRO: {"Authorization", "Bearer " + fe.vro},
			emulator.VAO: {"Authorization", "Bearer " + fe.vao},
			emulator.EM:  {emulator.EMSessionHeader, fe.emSessionID},
		}
		for _, p := range emulator.AllProducts() {
			serve(t, fe.e.Handler(p), method, path, "", tok[p]...)
		}
	})
}

// FuzzParseSeed reads arbitrary seed files: never a panic, and a seed that
// ParseSeed accepts is one the emulator starts with.
func FuzzParseSeed(f *testing.F) {
	b, err := os.ReadFile(exampleSeed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	def, _ := json.Marshal(emulator.DefaultSeed())
	f.Add(string(def))
	for _, s := range []string{`{"users":{}}`, `{"users":{"aws":[{"name":"a","password":"p","mfaSecret":"a"}]}}`, `{"users":{"vro":[{"name":"VEEAM\\a","password":"p"},{"name":"a","password":"p","client":true}]}}`,
		`{"users":{"aws":[{"name":"a","password":"p","scratchCodes":["00000000"],"mfaSecret":"AA"}]}}`, `{"users":{"em":[{"name":"","password":""}]}}`, `null`, `[]`, `{"users":null}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		s, err := emulator.ParseSeed([]byte(doc))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		e, err := emulator.New(emulator.Options{Clock: emulator.NewClock(t0), Seed: s})
		if err != nil {
			t.Fatalf("ParseSeed accepted %q, New refused it: %v", doc, err)
		}
		if err := emulator.ValidateSeed(s); err != nil {
			t.Fatalf("ValidateSeed refused what ParseSeed accepted: %v", err)
		}
		_ = e.Close()
	})
}
