package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// azureHarness drives the Backup for Microsoft Azure listener.
func azureHarness(t *testing.T) *harness {
	h := newHarness(t)
	h.h = h.e.Handler(emulator.AZURE)
	return h
}

func azureToken(h *harness, form url.Values) *resp {
	h.t.Helper()
	return h.do(req{method: "POST", path: "/api/oauth2/token", noVersion: true, contentType: "application/x-www-form-urlencoded", body: form.Encode()})
}

func azureLogin(t *testing.T, h *harness, user string) emulator.AzureLogin {
	t.Helper()
	l := decode[emulator.AzureLogin](azureToken(h, url.Values{"grant_type": {"Password"}, "username": {user}, "password": {"Password1"}}).want(200))
	if l.AccessToken == "" || l.RefreshToken == "" || l.MFAEnabled {
		t.Fatalf("login %s = %+v", user, l)
	}
	return l
}

func azureAPI(h *harness, method, path, token string, body any) *resp {
	h.t.Helper()
	r := req{method: method, path: path, token: token, noVersion: true}
	if body != nil {
		b, _ := json.Marshal(body)
		r.body, r.contentType = string(b), "application/json"
	}
	return h.do(r)
}

// azureProblem asserts a problem-details answer.
func azureProblem(t *testing.T, r *resp, status int) emulator.ProblemDetails {
	t.Helper()
	r.want(status)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type = %q", ct)
	}
	p := decode[emulator.ProblemDetails](r)
	if p.Status != status || p.Title == "" || p.Type == "" || p.TraceID == "" {
		t.Fatalf("problem = %+v", p)
	}
	return p
}

func TestAzureLoginLifetimesAndShortLivedRefresh(t *testing.T) {
	h := azureHarness(t)
	l := azureLogin(t, h, "administrator")
	if l.ExpiresIn != 3600 || l.RoleName != "PortalAdmin" || l.Username != "administrator" || l.UserID == "" || l.ShortLived {
		t.Fatalf("login = %+v", l)
	}
	short := decode[emulator.AzureLogin](azureToken(h, url.Values{"grant_type": {"Password"}, "username": {"administrator"}, "password": {"Password1"}, "short_lived_refresh_token": {"true"}}).want(200))
	if !short.ShortLived {
		t.Fatalf("short-lived login = %+v", short)
	}
	h.clock.Advance(16 * time.Minute)
	azureProblem(t, azureToken(h, url.Values{"grant_type": {"Refresh_token"}, "refresh_token": {short.RefreshToken}}), 401)
	// The 14-day one still works, once.
	azureToken(h, url.Values{"grant_type": {"Refresh_token"}, "refresh_token": {l.RefreshToken}}).want(200)
	azureProblem(t, azureToken(h, url.Values{"grant_type": {"Refresh_token"}, "refresh_token": {l.RefreshToken}}), 401)
	// Logout ends the session: 204, then its token is refused.
	l = azureLogin(t, h, "administrator")
	azureAPI(h, "DELETE", "/api/oauth2/token", l.AccessToken, nil).want(204)
	azureProblem(t, azureAPI(h, "GET", "/api/v8.1/users", l.AccessToken, nil), 401)
	azureProblem(t, azureToken(h, url.Values{"grant_type": {"Unknown"}}), 400)
}

func TestAzureMFAEnrollLoginDisable(t *testing.T) {
	h := azureHarness(t)
	admin := azureLogin(t, h, "administrator").AccessToken
	page := decode[emulator.AzureUserPage](azureAPI(h, "GET", "/api/v8.1/users?NameFilter=operator", admin, nil).want(200))
	if page.TotalCount != 1 || len(page.Results) != 1 || page.Results[0].Name != "operator" || page.Results[0].Role != "PortalOperator" {
		t.Fatalf("users = %+v", page)
	}
	id := page.Results[0].ID
	users := "/api/v8.1/users/" + id
	en := decode[emulator.AzureMFAData](azureAPI(h, "POST", users+"/enableMfa", admin, map[string]bool{"recreate": false}).want(200))
	if en.UserID != id || !base32Re.MatchString(en.SecretKey) || len(en.ScratchCodes) != 5 || en.Token == "" || !strings.HasPrefix(en.QRString, "otpauth://totp/operator") {
		t.Fatalf("enableMfa = %+v", en)
	}
	azureProblem(t, azureAPI(h, "POST", users+"/acceptMfa", admin, map[string]string{"code": "000000", "token": en.Token}), 400)
	azureAPI(h, "POST", users+"/acceptMfa", admin, map[string]string{"code": totpAt(t, en.SecretKey, h.clock.Now()), "token": en.Token}).want(204)
	if u := decode[emulator.AzureUser](azureAPI(h, "GET", users, admin, nil).want(200)); !u.MFAEnabled {
		t.Fatal("mfaEnabled false after acceptMfa")
	}

	// MFA step one answers 200 with mfa_enabled and mfa_token, no tokens.
	step := decode[emulator.AzureLogin](azureToken(h, url.Values{"grant_type": {"Password"}, "username": {"operator"}, "password": {"Password1"}}).want(200))
	if !step.MFAEnabled || step.MFAToken == "" || step.AccessToken != "" {
		t.Fatalf("step one = %+v", step)
	}
	tok := decode[emulator.AzureLogin](azureToken(h, url.Values{"grant_type": {"Mfa"}, "mfa_token": {step.MFAToken}, "mfa_code": {totpAt(t, en.SecretKey, h.clock.Now())}}).want(200))
	if tok.AccessToken == "" || tok.Username != "operator" {
		t.Fatalf("mfa login = %+v", tok)
	}
	// An operator may not manage the administrator's MFA.
	adminID := decode[emulator.AzureUserPage](azureAPI(h, "GET", "/api/v8.1/users?NameFilter=administrator", admin, nil).want(200)).Results[0].ID
	azureProblem(t, azureAPI(h, "POST", "/api/v8.1/users/"+adminID+"/disableMfa", tok.AccessToken, nil), 403)

	azureAPI(h, "POST", users+"/disableMfa", admin, nil).want(204)
	azureLogin(t, h, "operator")
	azureProblem(t, azureAPI(h, "POST", "/api/v8.1/users/no-such-id/disableMfa", admin, nil), 404)
	// Only the 8.1 path version is served.
	azureProblem(t, azureAPI(h, "GET", "/api/v8.0/users", admin, nil), 404)
}

func TestGCPLoginMFAStepAnswers202(t *testing.T) {
	h := newHarness(t)
	h.h, h.version = h.e.Handler(emulator.GCP), "1.4-rev0"
	r := h.token(url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}, "use_short_term_refresh": {"true"}}).want(200)
	tok := decode[emulator.GCPToken](r)
	if tok.ExpiresIn != 900 || tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatalf("login = %+v", tok)
	}
	h.clock.Advance(61 * time.Minute)
	azureProblem(t, h.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}), 401)

	step := decode[emulator.GCPMFARequired](h.token(url.Values{"grant_type": {"password"}, "username": {"jsmith"}, "password": {"Password1"}}).want(http.StatusAccepted))
	if !step.MFAEnabled || step.MFAToken == "" {
		t.Fatalf("step one = %+v", step)
	}
	azureProblem(t, h.token(url.Values{"grant_type": {"mfa"}, "mfa_token": {step.MFAToken}, "mfa_code": {"000000"}}), 401)
	tok = decode[emulator.GCPToken](h.token(url.Values{"grant_type": {"mfa"}, "mfa_token": {step.MFAToken}, "mfa_code": {totpAt(t, "JBSWY3DPEHPK3PXP", h.clock.Now())}}).want(200))
	if tok.Username != "jsmith" {
		t.Fatalf("mfa login = %+v", tok)
	}
	h.do(req{method: "DELETE", path: "/api/v1/token", token: tok.AccessToken}).want(204)
	azureProblem(t, h.do(req{method: "POST", path: "/api/v1/token", version: "1.3-rev0"}), 400)
	// No per-user MFA endpoints: they are not published.
	azureProblem(t, h.api("POST", "/api/v1/users/jsmith/enableMfa", tok.AccessToken, map[string]bool{}), 404)
}

// TestCloudTokensRefusedByOtherListeners: an access token of one product
// of the family is refused by the others' listeners, on an endpoint that
// accepts the listener's own token.
func TestCloudTokensRefusedByOtherListeners(t *testing.T) {
	h := azureHarness(t)
	tokens := map[emulator.Product]string{emulator.AZURE: azureLogin(t, h, "administrator").AccessToken}
	h.h, h.version = h.e.Handler(emulator.GCP), "1.4-rev0"
	tokens[emulator.GCP] = decode[emulator.GCPToken](h.token(url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}}).want(200)).AccessToken
	h.h, h.version = h.e.Handler(emulator.AWS), ""
	tokens[emulator.AWS] = h.adminToken()
	// An authenticated request of each listener.
	probe := map[emulator.Product]req{
		emulator.AZURE: {method: "GET", path: "/api/v8.1/users", noVersion: true},
		emulator.GCP:   {method: "DELETE", path: "/api/v1/token", version: "1.4-rev0"}, // logout: its own token is not probed
		emulator.AWS:   {method: "GET", path: "/api/v1/users", version: apiVersion},
	}
	for to, p := range probe {
		h.h = h.e.Handler(to)
		for from, tok := range tokens {
			p.token = tok
			r := h.do(p)
			switch {
			case from == to && to != emulator.GCP && r.Status != 200:
				t.Errorf("%s token refused by its own listener: %d %s", from, r.Status, r.Body)
			case from != to && r.Status != 401:
				t.Errorf("%s token on the %s listener: %d, want 401: %s", from, to, r.Status, r.Body)
			}
		}
	}
}
