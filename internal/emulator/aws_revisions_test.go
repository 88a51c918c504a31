package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// TestAWSEndpointsPerRevision: the authorization-code path's spelling,
// disableMfa's status and single sign-on follow the request's revision.
func TestAWSEndpointsPerRevision(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		version, path string
		status        int
	}{
		{"1.0-rev0", "/api/v1/token/authorizationCode", 200},
		{"1.0-rev0", "/api/v1/token/authorization_code", 404},
		{"1.1-rev0", "/api/v1/token/authorizationCode", 404},
		{"1.1-rev0", "/api/v1/token/authorization_code", 200},
		{"1.8-rev0", "/api/v1/token/authorization_code", 200},
	} {
		h.version = c.version
		r := h.api("POST", c.path, h.login("operator", "Password1").AccessToken, nil)
		if r.Status != c.status {
			t.Errorf("%s %s: status %d, want %d: %s", c.version, c.path, r.Status, c.status, r.Body)
		}
		if c.status == 404 {
			if p := r.problem(404, emulator.CodeNotFound); !strings.Contains(p.Details, c.version) {
				t.Errorf("404 details %q should name the revision", p.Details)
			}
		}
	}
	for version, status := range map[string]int{"1.0-rev0": http.StatusOK, "1.1-rev0": http.StatusNoContent, "1.7-rev0": http.StatusNoContent} {
		h.version = version
		r := h.api("POST", "/api/v1/users/operator/disableMfa", h.login("operator", "Password1").AccessToken, nil).want(status)
		if len(r.Body) != 0 {
			t.Errorf("%s: disableMfa body %q", version, r.Body)
		}
	}
	for version, status := range map[string]int{"1.0-rev0": 404, "1.1-rev0": 404, "1.2-rev0": 200, "1.8-rev0": 200} {
		h.version = version
		if r := h.do(req{method: "GET", path: "/api/v1/identityProvider/signOnUrl?userName=x"}); r.Status != status {
			t.Errorf("%s signOnUrl: status %d, want %d", version, r.Status, status)
		}
		if r := h.do(req{method: "POST", path: "/api/v1/identityProvider/token", contentType: "application/x-www-form-urlencoded", body: "SamlResponse=x"}); (r.Status == 404) != (status == 404) {
			t.Errorf("%s identityProvider/token: status %d", version, r.Status)
		}
	}
}

func TestAWSUserSortsAndLimitAll(t *testing.T) {
	h := newHarness(t)
	tok := h.adminToken()
	for _, u := range []emulator.SeedUser{
		{Name: "zed", Password: "x", Description: "a first"},
		{Name: "amy", Password: "x", Description: "z last"},
	} {
		if err := h.e.AddUser(emulator.AWS, u); err != nil {
			t.Fatal(err)
		}
	}
	names := func(q string) string {
		t.Helper()
		page := decode[emulator.AWSUserPage](h.api("GET", "/api/v1/users"+q, tok, nil).want(200))
		var out []string
		for _, u := range page.Results {
			out = append(out, u.Name)
		}
		return strings.Join(out, ",")
	}
	all := names("")
	for q, want := range map[string]string{
		"?Sort=isDefaultDesc&Limit=1":               "administrator",
		"?Sort=isDefaultAsc&Limit=1":                "amy",
		"?Sort=descriptionAsc&Limit=1":              "zed",
		"?Sort=DescriptionDesc&Limit=1":             "amy",
		"?Sort=isDefaultDesc&Sort=nameDesc&Limit=2": "administrator,zed",
		"?Limit=-1":          all,
		"?Limit=-1&Offset=5": "zed",
	} {
		if got := names(q); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
	for _, q := range []string{"?Limit=-2", "?Sort=name", "?Sort=isDefault", "?Sort=nameUp"} {
		h.api("GET", "/api/v1/users"+q, tok, nil).problem(400, emulator.CodeUnexpectedContent)
	}
}
