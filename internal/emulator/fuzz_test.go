package emulator_test

import (
	"encoding/json"
	"net/http/httptest"
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
