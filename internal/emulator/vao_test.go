package emulator_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// TestVAOConformance replays the Availability Orchestrator document: log in
// at /token with DOMAIN\USERNAME, refresh at /token, log out with
// DELETE api/token (204); 15-minute access tokens.
func TestVAOConformance(t *testing.T) {
	h := orchHarness(t, emulator.VAO)
	tok := orchToken(orchPost(h, "/token", passwordForm(`VEEAM\administrator`, "Password1")))
	if tok.ExpiresIn != 900 || tok.UserName != `VEEAM\administrator` {
		t.Fatalf("token = %+v", tok)
	}
	// Domain and user are case-insensitive.
	orchToken(orchPost(h, "/token", passwordForm(`veeam\Administrator`, "Password1")))

	tok2 := orchToken(orchPost(h, "/token", refreshForm(tok.RefreshToken)))
	orchPost(h, "/token", refreshForm(tok.RefreshToken)).oauthError(400, "invalid_grant")

	h.clock.Advance(15*time.Minute + time.Second)
	h.orchLogout(tok2.AccessToken).oauthError(401, "invalid_token") // expired
	tok3 := orchToken(orchPost(h, "/token", refreshForm(tok2.RefreshToken)))
	h.orchLogout(tok3.AccessToken).want(http.StatusNoContent)
	orchPost(h, "/token", refreshForm(tok3.RefreshToken)).oauthError(400, "invalid_grant")
	h.orchLogout(tok3.AccessToken).oauthError(401, "invalid_token")

	c := h.e.Counters(emulator.VAO)
	if c.Logins != 2 || c.Refreshes != 2 || c.Logouts != 1 || c.Status5xx != 0 || c.Endpoints["POST /token grant=password"] != 2 {
		t.Fatalf("counters = %+v", c)
	}
}

// TestVAOUsernameMustHaveADomain: USER alone is refused before any password
// check, with a message naming the expected format.
func TestVAOUsernameMustHaveADomain(t *testing.T) {
	h := orchHarness(t, emulator.VAO)
	for _, n := range []string{"administrator", `\administrator`, `VEEAM\`, "administrator@veeam"} {
		e := orchPost(h, "/token", passwordForm(n, "Password1")).oauthError(400, "invalid_request")
		if !strings.Contains(e.ErrorDescription, `DOMAIN\USERNAME`) || !strings.Contains(e.ErrorDescription, n) {
			t.Errorf("%q: description %q should name the format and the value", n, e.ErrorDescription)
		}
	}
	orchPost(h, "/token", passwordForm(`CORP\administrator`, "Password1")).oauthError(400, "invalid_grant")
	orchPost(h, "/token", passwordForm(`VEEAM\administrator`, "wrong")).oauthError(400, "invalid_grant")
	// An account added without a domain belongs to VEEAM.
	if err := h.e.AddUser(emulator.VAO, emulator.SeedUser{Name: "dave", Password: "Dave-Pass1"}); err != nil {
		t.Fatal(err)
	}
	orchToken(orchPost(h, "/token", passwordForm(`VEEAM\dave`, "Dave-Pass1")))
	orchPost(h, "/token", passwordForm("dave", "Dave-Pass1")).oauthError(400, "invalid_request")
}

func TestVAORoutes(t *testing.T) {
	h := orchHarness(t, emulator.VAO)
	// 3.0 has client accounts (client_credentials); the default seed has none.
	orchPost(h, "/token", clientForm("terraform-client", "Client-Secret1")).oauthError(401, "invalid_client")
	orchPost(h, "/token", url.Values{"grant_type": {"mfa"}}).oauthError(400, "unsupported_grant_type")
	orchPost(h, "/api/token", passwordForm(`VEEAM\administrator`, "Password1")).oauthError(405, "method_not_allowed")
	if allow := h.do(req{method: "POST", path: "/api/token", noVersion: true}).Header.Get("Allow"); allow != "DELETE" {
		t.Errorf("POST /api/token Allow = %q, want DELETE", allow)
	}
	if allow := h.do(req{method: "DELETE", path: "/token", noVersion: true}).Header.Get("Allow"); allow != "POST" {
		t.Errorf("DELETE /token Allow = %q, want POST", allow)
	}
	h.do(req{method: "GET", path: "/api/v7.21/Clients", noVersion: true}).oauthError(404, "not_found")

	// Tokens of one orchestrator mean nothing to the other.
	vro := orchHarness(t, emulator.VRO)
	vro.e = h.e
	vro.h = h.e.Handler(emulator.VRO)
	vt := orchToken(orchPost(vro, "/api/token", passwordForm("administrator", "Password1")))
	h.orchLogout(vt.AccessToken).oauthError(401, "invalid_token")
	orchPost(h, "/token", refreshForm(vt.RefreshToken)).oauthError(400, "invalid_grant")
}

func FuzzVAOTokenForm(f *testing.F) {
	fuzzOrchestratorToken(f, emulator.VAO, "/token", []string{
		`grant_type=password&username=VEEAM%5Cadministrator&password=Password1`,
		"grant_type=password&username=administrator&password=Password1",
		"grant_type=refresh_token&refresh_token=a.b.c",
		"grant_type=client_credentials&client_id=a&client_secret=b",
	})
}
