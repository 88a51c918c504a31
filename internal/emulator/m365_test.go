package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// wantShape checks that a JSON object answer has every field of required
// and nothing outside allowed (required plus optional), as the published
// schema lists them.
func wantShape(r *resp, required []string, optional ...string) map[string]any {
	r.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		r.t.Fatalf("answer %s is not a JSON object: %v", r.Body, err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
		if !slices.Contains(required, k) && !slices.Contains(optional, k) {
			r.t.Errorf("field %q is not in the published schema (answer %s)", k, r.Body)
		}
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			sort.Strings(keys)
			r.t.Errorf("required field %q missing; fields %v", k, keys)
		}
	}
	return m
}

func m365Post(h *harness, path, contentType, body string, token string) *resp {
	h.t.Helper()
	return h.do(req{method: "POST", path: path, noVersion: true, contentType: contentType, body: body, token: token})
}

// m365Token asserts an OAuthTokenResponse (vb365_rest_v8.json) and returns it.
func m365Token(r *resp) emulator.M365Token {
	r.t.Helper()
	r.want(http.StatusOK)
	wantShape(r, []string{".expires", ".issued", "access_token", "expires_in", "refresh_token", "token_type"}, "userName")
	return decode[emulator.M365Token](r)
}

// m365Error asserts a RESTExceptionInfo answer with errorCode code.
func m365Error(r *resp, status int, code string) emulator.M365Error {
	r.t.Helper()
	r.want(status)
	wantShape(r, nil, "message", "errorCode", "stackTrace")
	e := decode[emulator.M365Error](r)
	if e.ErrorCode == nil || *e.ErrorCode != code || e.Message == "" {
		r.t.Fatalf("error = %s, want errorCode %s and a message", r.Body, code)
	}
	return e
}

const formType = "application/x-www-form-urlencoded"

// TestM365Conformance follows the v8 specification: the password grant as a
// form and as JSON, refresh (rotated), AuthCode, logout 204; 60-minute
// access tokens; RESTExceptionInfo failures.
func TestM365Conformance(t *testing.T) {
	h := orchHarness(t, emulator.M365)
	tok := m365Token(m365Post(h, "/v8/token", formType, passwordForm("administrator", "Password1").Encode(), ""))
	if tok.ExpiresIn != 3600 || tok.UserName != "administrator" || tok.Issued != t0.Format(time.RFC3339) || tok.Expires != t0.Add(time.Hour).Format(time.RFC3339) {
		t.Fatalf("token = %+v", tok)
	}
	jtok := m365Token(m365Post(h, "/v8/token", "application/json",
		`{"grant_type":"password","username":"administrator","password":"Password1","disable_antiforgery_token":true}`, ""))

	code := m365Post(h, "/v8/token/AuthCode", "", "", tok.AccessToken).want(http.StatusOK)
	wantShape(code, []string{"authCode"})
	if decode[emulator.M365AuthCode](code).AuthCode == "" {
		t.Fatal("empty authCode")
	}
	m365Error(m365Post(h, "/v8/token/AuthCode", "", "", ""), 401, "ResourceAccessDenied")

	tok2 := m365Token(m365Post(h, "/v8/token", formType, refreshForm(tok.RefreshToken).Encode(), ""))
	m365Error(m365Post(h, "/v8/token", formType, refreshForm(tok.RefreshToken).Encode(), ""), 401, "ResourceAccessDenied")
	m365Post(h, "/v8/token/logout", "", "", tok2.AccessToken).want(http.StatusNoContent)
	m365Error(m365Post(h, "/v8/token/logout", "", "", tok2.AccessToken), 401, "ResourceAccessDenied")
	m365Error(m365Post(h, "/v8/token", formType, refreshForm(tok2.RefreshToken).Encode(), ""), 401, "ResourceAccessDenied")

	m365Error(m365Post(h, "/v8/token", formType, passwordForm("administrator", "wrong").Encode(), ""), 401, "ResourceAccessDenied")
	m365Error(m365Post(h, "/v8/token", formType, "grant_type=client_credentials", ""), 400, "ParameterValidationFailure")
	m365Error(m365Post(h, "/v8/token", "application/json", `{"grant_type":"password","username":7}`, ""), 400, "ParameterValidationFailure")
	// Only v8 is served.
	m365Error(m365Post(h, "/v7/token", formType, passwordForm("administrator", "Password1").Encode(), ""), 404, "ResourceNotFound")
	h.do(req{method: "GET", path: "/v8/token", noVersion: true}).want(http.StatusMethodNotAllowed)

	h.clock.Advance(time.Hour + time.Second)
	m365Error(m365Post(h, "/v8/token/logout", "", "", jtok.AccessToken), 401, "ResourceAccessDenied")

	c := h.e.Counters(emulator.M365)
	if c.Logins != 2 || c.Refreshes != 1 || c.Logouts != 1 || c.Endpoints["POST /v8/token grant=password"] != 3 {
		t.Fatalf("counters = %+v", c)
	}
}

// TestM365AssertionGrants: operator and jwt-bearer log in the seeded
// restore operator and application by client_id and assertion, each only
// with its own grant; neither logs in with the password grant.
func TestM365AssertionGrants(t *testing.T) {
	h := orchHarness(t, emulator.M365)
	grant := func(g, id, assertion string) *resp {
		return m365Post(h, "/v8/token", formType, url.Values{"grant_type": {g}, "client_id": {id}, "assertion": {assertion}}.Encode(), "")
	}
	const jwt = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	if tok := m365Token(grant("operator", emulator.M365SeedOperator, "Operator-Assertion1")); tok.UserName != emulator.M365SeedOperator {
		t.Errorf("operator userName = %q", tok.UserName)
	}
	m365Token(grant(jwt, emulator.M365SeedApplication, "App-Assertion1"))
	m365Error(grant(jwt, emulator.M365SeedOperator, "Operator-Assertion1"), 401, "ResourceAccessDenied")
	m365Error(grant("operator", emulator.M365SeedApplication, "App-Assertion1"), 401, "ResourceAccessDenied")
	m365Error(grant("operator", emulator.M365SeedOperator, "wrong"), 401, "ResourceAccessDenied")
	m365Error(grant("operator", "", "Operator-Assertion1"), 400, "ParameterValidationFailure")
	m365Error(m365Post(h, "/v8/token", formType, passwordForm(emulator.M365SeedApplication, "App-Assertion1").Encode(), ""), 401, "ResourceAccessDenied")
	if n := len(h.e.Sessions(emulator.M365)); n != 2 {
		t.Errorf("sessions = %d, want 2", n)
	}
}
