package emulator_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// oneToken asserts the token answer of the Veeam ONE reference and returns it.
func oneToken(r *resp) emulator.OneToken {
	r.t.Helper()
	r.want(http.StatusOK)
	wantShape(r, []string{"access_token", "refresh_token", "token_type", "expires_in", "user", "user_role"})
	return decode[emulator.OneToken](r)
}

// oneProblem asserts a problem-details answer.
func oneProblem(r *resp, status int) emulator.OneProblem {
	r.t.Helper()
	r.want(status)
	wantShape(r, []string{"type", "title", "status", "detail", "instance"})
	p := decode[emulator.OneProblem](r)
	if p.Status != status || p.Detail == "" {
		r.t.Fatalf("problem = %s", r.Body)
	}
	return p
}

func oneRevoke(h *harness, token string, form url.Values) *resp {
	h.t.Helper()
	return h.do(req{method: "POST", path: "/api/revoke", noVersion: true, token: token, contentType: formType, body: form.Encode()})
}

// TestONEConformance follows the Veeam ONE reference: password and
// refresh_token at /api/token (15-minute tokens, Bearer), revoke by token
// (200), failures 400 problem details.
func TestONEConformance(t *testing.T) {
	h := orchHarness(t, emulator.ONE)
	tok := oneToken(orchPost(h, "/api/token", passwordForm("administrator", "Password1")))
	if tok.ExpiresIn != 900 || tok.TokenType != "Bearer" || tok.User != "administrator" || tok.UserRole != "Admin" {
		t.Fatalf("token = %+v", tok)
	}
	tok2 := oneToken(orchPost(h, "/api/token", refreshForm(tok.RefreshToken)))
	oneProblem(orchPost(h, "/api/token", refreshForm(tok.RefreshToken)), 400)
	oneProblem(orchPost(h, "/api/token", passwordForm("administrator", "wrong")), 400)
	oneProblem(orchPost(h, "/api/token", url.Values{"grant_type": {"client_credentials"}}), 400)

	// Revoke another session's token, then the caller's own (no token in the form).
	other := oneToken(orchPost(h, "/api/token", passwordForm("administrator", "Password1")))
	oneRevoke(h, tok2.AccessToken, url.Values{"token": {other.AccessToken}}).want(http.StatusOK)
	oneProblem(orchPost(h, "/api/token", refreshForm(other.RefreshToken)), 400)
	oneRevoke(h, tok2.AccessToken, nil).want(http.StatusOK)
	oneProblem(oneRevoke(h, tok2.AccessToken, nil), 401)
	oneProblem(oneRevoke(h, "", nil), 401)

	last := oneToken(orchPost(h, "/api/token", passwordForm("administrator", "Password1")))
	oneProblem(oneRevoke(h, last.AccessToken, url.Values{"UserSid": {"S-1-5-21-1"}}), 501)
	h.clock.Advance(15*time.Minute + time.Second)
	oneProblem(oneRevoke(h, last.AccessToken, nil), 401)

	c := h.e.Counters(emulator.ONE)
	if c.Logins != 3 || c.Refreshes != 1 || c.Logouts != 2 || c.Endpoints["POST /api/token grant=password"] != 4 {
		t.Fatalf("counters = %+v", c)
	}
}
