package emulator_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// orchHarness drives product p (VRO or VAO) of a fresh emulator.
func orchHarness(t *testing.T, p emulator.Product, mutate ...func(*emulator.Options)) *harness {
	t.Helper()
	h := newHarness(t, mutate...)
	h.h = h.e.Handler(p)
	return h
}

// orchPost posts form to path as application/x-www-form-urlencoded.
func orchPost(h *harness, path string, form url.Values) *resp {
	h.t.Helper()
	return h.do(req{method: "POST", path: path, noVersion: true, contentType: "application/x-www-form-urlencoded", body: form.Encode()})
}

func passwordForm(user, pw string) url.Values {
	return url.Values{"grant_type": {"password"}, "username": {user}, "password": {pw}}
}

func refreshForm(rt string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
}

func clientForm(id, secret string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
}

// orchToken asserts a 200 token answer and returns it.
func orchToken(r *resp) emulator.OrchestratorToken {
	r.t.Helper()
	r.want(http.StatusOK)
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		r.t.Errorf("Cache-Control = %q, want no-store (RFC 6749 §5.1)", cc)
	}
	tok := decode[emulator.OrchestratorToken](r)
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.TokenType != "bearer" || tok.ExpiresIn <= 0 {
		r.t.Fatalf("incomplete token answer %s", r.Body)
	}
	return tok
}

// oauthError asserts an orchestrator error body with status and error code.
func (r *resp) oauthError(status int, code string) emulator.OrchestratorError {
	r.t.Helper()
	r.want(status)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		r.t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	e := decode[emulator.OrchestratorError](r)
	if e.Error != code || e.ErrorDescription == "" {
		r.t.Fatalf("error = %+v, want error %q with a description", e, code)
	}
	return e
}

func (h *harness) vroClients(token string) *resp {
	h.t.Helper()
	return h.do(req{method: "GET", path: "/api/v7.21/Clients", noVersion: true, token: token})
}

func (h *harness) orchLogout(token string) *resp {
	h.t.Helper()
	return h.do(req{method: "DELETE", path: "/api/token", noVersion: true, token: token})
}

// TestVROConformance replays the Recovery Orchestrator document: log in at
// /api/token, use the access token, trade the refresh token for a new pair,
// log out with DELETE /api/token (204); 15-minute access tokens.
func TestVROConformance(t *testing.T) {
	h := orchHarness(t, emulator.VRO)
	tok := orchToken(orchPost(h, "/api/token", passwordForm("administrator", "Password1")))
	if tok.ExpiresIn != 900 || tok.UserName != "administrator" {
		t.Fatalf("token = %+v, want expires_in 900 (15 min) for administrator", tok)
	}
	if claims := jwtClaims(t, tok.AccessToken); claims["unique_name"] != "administrator" {
		t.Fatalf("claims = %v", claims)
	}
	h.vroClients(tok.AccessToken).want(http.StatusOK)

	// The refresh token gives a new pair and is then spent.
	tok2 := orchToken(orchPost(h, "/api/token", refreshForm(tok.RefreshToken)))
	if tok2.AccessToken == tok.AccessToken || tok2.RefreshToken == tok.RefreshToken {
		t.Fatal("refresh returned the same tokens")
	}
	orchPost(h, "/api/token", refreshForm(tok.RefreshToken)).oauthError(400, "invalid_grant")
	h.vroClients(tok2.AccessToken).want(http.StatusOK)

	// Access tokens last 15 minutes.
	h.clock.Advance(15*time.Minute - time.Second)
	h.vroClients(tok2.AccessToken).want(http.StatusOK)
	h.clock.Advance(2 * time.Second)
	r := h.vroClients(tok2.AccessToken)
	r.oauthError(401, "invalid_token")
	if !strings.Contains(r.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("WWW-Authenticate = %q", r.Header.Get("WWW-Authenticate"))
	}
	tok3 := orchToken(orchPost(h, "/api/token", refreshForm(tok2.RefreshToken)))

	// Logout: 204, and the session's tokens stop working.
	h.orchLogout(tok3.AccessToken).want(http.StatusNoContent)
	h.vroClients(tok3.AccessToken).oauthError(401, "invalid_token")
	orchPost(h, "/api/token", refreshForm(tok3.RefreshToken)).oauthError(400, "invalid_grant")
	h.orchLogout(tok3.AccessToken).oauthError(401, "invalid_token")
	h.orchLogout("").oauthError(401, "invalid_token")

	c := h.e.Counters(emulator.VRO)
	if c.Logins != 1 || c.Refreshes != 2 || c.Logouts != 1 || c.Status5xx != 0 {
		t.Fatalf("counters = %+v", c)
	}
	if c.Endpoints["POST /api/token grant=password"] != 1 || c.Endpoints["POST /api/token grant=refresh_token"] != 4 || c.Endpoints["DELETE /api/token"] != 3 {
		t.Fatalf("endpoints = %v", c.Endpoints)
	}
}

// TestVROUsernameForms: DOMAIN\USER and USER find the same account when the
// domain is the orchestrator's (VEEAM), whichever form the account was
// seeded with; another domain finds only its own accounts.
func TestVROUsernameForms(t *testing.T) {
	h := orchHarness(t, emulator.VRO)
	for _, n := range []string{"administrator", `VEEAM\administrator`, `veeam\ADMINISTRATOR`} {
		if tok := orchToken(orchPost(h, "/api/token", passwordForm(n, "Password1"))); tok.UserName != "administrator" {
			t.Errorf("%s: userName = %q, want the account's name", n, tok.UserName)
		}
	}
	for _, n := range []string{`CORP\administrator`, `\administrator`, `VEEAM\`, `administrator\`} {
		orchPost(h, "/api/token", passwordForm(n, "Password1")).oauthError(400, "invalid_grant")
	}
	orchPost(h, "/api/token", passwordForm("administrator", "wrong")).oauthError(400, "invalid_grant")

	for _, u := range []emulator.SeedUser{{Name: `VEEAM\bob`, Password: "Bob-Pass1"}, {Name: `CORP\carol`, Password: "Carol-Pass1"}} {
		if err := h.e.AddUser(emulator.VRO, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"bob", `VEEAM\bob`, `Veeam\BOB`} {
		if tok := orchToken(orchPost(h, "/api/token", passwordForm(n, "Bob-Pass1"))); tok.UserName != `VEEAM\bob` {
			t.Errorf("%s: userName = %q", n, tok.UserName)
		}
	}
	orchToken(orchPost(h, "/api/token", passwordForm(`corp\carol`, "Carol-Pass1")))
	for _, n := range []string{"carol", `VEEAM\carol`} {
		orchPost(h, "/api/token", passwordForm(n, "Carol-Pass1")).oauthError(400, "invalid_grant")
	}
}

func TestVROClientCredentials(t *testing.T) {
	h := orchHarness(t, emulator.VRO)
	tok := orchToken(orchPost(h, "/api/token", clientForm("terraform-client", "Client-Secret1")))
	if tok.UserName != "terraform-client" {
		t.Fatalf("userName = %q", tok.UserName)
	}
	// A client session refreshes like any other.
	tok = orchToken(orchPost(h, "/api/token", refreshForm(tok.RefreshToken)))

	// The same credentials in an Authorization: Basic header (RFC 6749 §2.3.1).
	basic := func(id, secret, body string) *resp {
		r := httptest.NewRequest("POST", "/api/token", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret))))
		rec := httptest.NewRecorder()
		h.h.ServeHTTP(rec, r)
		return &resp{t: t, Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	}
	orchToken(basic("terraform-client", "Client-Secret1", "grant_type=client_credentials"))
	r := basic("terraform-client", "wrong", "grant_type=client_credentials")
	r.oauthError(401, "invalid_client")
	if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Basic") {
		t.Errorf("WWW-Authenticate = %q, want Basic", r.Header.Get("WWW-Authenticate"))
	}
	basic("terraform-client", "Client-Secret1", clientForm("terraform-client", "Client-Secret1").Encode()).oauthError(400, "invalid_request")

	orchPost(h, "/api/token", clientForm("terraform-client", "wrong")).oauthError(401, "invalid_client")
	orchPost(h, "/api/token", clientForm("terraform-client", "")).oauthError(400, "invalid_request")
	// A user is not a client, and a client is not a user.
	orchPost(h, "/api/token", clientForm("administrator", "Password1")).oauthError(401, "invalid_client")
	orchPost(h, "/api/token", passwordForm("terraform-client", "Client-Secret1")).oauthError(400, "invalid_grant")

	// GET Clients: a user sees every client; a client only itself.
	if err := h.e.AddUser(emulator.VRO, emulator.SeedUser{Name: "backup-script", Password: "Script-Secret1", Client: true}); err != nil {
		t.Fatal(err)
	}
	admin := orchToken(orchPost(h, "/api/token", passwordForm("administrator", "Password1")))
	if got := decode[[]emulator.VROClientAccount](h.vroClients(admin.AccessToken).want(200)); len(got) != 2 || got[0].ClientID != "backup-script" || got[1].ClientID != "terraform-client" {
		t.Errorf("user's Clients = %+v", got)
	}
	if got := decode[[]emulator.VROClientAccount](h.vroClients(tok.AccessToken).want(200)); len(got) != 1 || got[0].ClientID != "terraform-client" {
		t.Errorf("client's Clients = %+v", got)
	}
	if st, ok := h.e.User(emulator.VRO, "terraform-client"); !ok || !st.Client {
		t.Errorf("seeded client account = %+v", st)
	}
}

// TestVROSingleSession: with Options.VROSingleSession a password login ends
// the user's other sessions; client_credentials sessions and other users'
// sessions are untouched. Without it, sessions coexist.
func TestVROSingleSession(t *testing.T) {
	t.Run("off by default", func(t *testing.T) {
		h := orchHarness(t, emulator.VRO)
		a := orchToken(orchPost(h, "/api/token", passwordForm("administrator", "Password1")))
		b := orchToken(orchPost(h, "/api/token", passwordForm("administrator", "Password1")))
		h.vroClients(a.AccessToken).want(200)
		h.vroClients(b.AccessToken).want(200)
	})
	t.Run("on", func(t *testing.T) {
		h := orchHarness(t, emulator.VRO, func(o *emulator.Options) { o.VROSingleSession = true })
		if err := h.e.AddUser(emulator.VRO, emulator.SeedUser{Name: "operator", Password: "Operator-1"}); err != nil {
			t.Fatal(err)
		}
		cl := orchToken(orchPost(h, "/api/token", clientForm("terraform-client", "Client-Secret1")))
		op := orchToken(orchPost(h, "/api/token", passwordForm("operator", "Operator-1")))
		a := orchToken(orchPost(h, "/api/token", passwordForm("administrator", "Password1")))
		// The second login (under the other spelling of the same account) ends the first.
		b := orchToken(orchPost(h, "/api/token", passwordForm(`VEEAM\administrator`, "Password1")))
		h.vroClients(a.AccessToken).oauthError(401, "invalid_token")
		orchPost(h, "/api/token", refreshForm(a.RefreshToken)).oauthError(400, "invalid_grant")
		h.vroClients(b.AccessToken).want(200)
		h.vroClients(cl.AccessToken).want(200)
		h.vroClients(op.AccessToken).want(200)
		// A refresh is not a new login: it ends nothing.
		b2 := orchToken(orchPost(h, "/api/token", refreshForm(b.RefreshToken)))
		h.vroClients(b2.AccessToken).want(200)
		// A client login ends nothing either, not even the client's other sessions.
		cl2 := orchToken(orchPost(h, "/api/token", clientForm("terraform-client", "Client-Secret1")))
		h.vroClients(cl.AccessToken).want(200)
		h.vroClients(cl2.AccessToken).want(200)
		h.vroClients(b2.AccessToken).want(200)
		if n := len(h.e.Sessions(emulator.VRO)); n != 4 {
			t.Errorf("live sessions = %d, want 4 (administrator, operator, two client sessions)", n)
		}
	})
}

func TestVROBadRequests(t *testing.T) {
	h := orchHarness(t, emulator.VRO)
	orchPost(h, "/api/token", url.Values{}).oauthError(400, "invalid_request")
	orchPost(h, "/api/token", url.Values{"grant_type": {"mfa"}}).oauthError(400, "invalid_request") // 7.21 and later have it
	orchPost(h, "/api/token", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}).oauthError(400, "unsupported_grant_type")
	orchPost(h, "/api/token", url.Values{"grant_type": {"password"}, "username": {"administrator"}}).oauthError(400, "invalid_request")
	orchPost(h, "/api/token", url.Values{"grant_type": {"refresh_token"}}).oauthError(400, "invalid_request")
	orchPost(h, "/api/token", refreshForm("not-a-token")).oauthError(400, "invalid_grant")
	h.do(req{method: "POST", path: "/api/token", noVersion: true, contentType: "application/json", body: `{"grant_type":"password"}`}).oauthError(400, "invalid_request")
	h.do(req{method: "POST", path: "/api/token", noVersion: true, contentType: "multipart/form-data", body: "x"}).oauthError(400, "invalid_request")
	// Grant names are matched case-insensitively.
	orchToken(orchPost(h, "/api/token", url.Values{"grant_type": {"Password"}, "username": {"administrator"}, "password": {"Password1"}}))

	// multipart/form-data, as the published specification describes the body.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"grant_type": "password", "username": `VEEAM\administrator`, "password": "Password1"} {
		_ = mw.WriteField(k, v)
	}
	_ = mw.Close()
	orchToken(h.do(req{method: "POST", path: "/api/token", noVersion: true, contentType: mw.FormDataContentType(), body: buf.String()}))

	r := h.do(req{method: "PUT", path: "/api/token", noVersion: true})
	r.oauthError(405, "method_not_allowed")
	if allow := r.Header.Get("Allow"); allow != "POST, DELETE" {
		t.Errorf("Allow = %q", allow)
	}
	h.do(req{method: "GET", path: "/api/nothing", noVersion: true}).oauthError(404, "not_found")
	h.do(req{method: "GET", path: "/api/v7.x/Clients", noVersion: true}).oauthError(404, "not_found")
	h.do(req{method: "GET", path: "/api/v13/Clients", noVersion: true}).oauthError(401, "invalid_token")
	if c := h.e.Counters(emulator.VRO); c.Status5xx != 0 || c.Endpoints["POST /api/token grant=(other)"] != 1 || c.Endpoints["POST /api/token grant=mfa"] != 1 || c.Endpoints["POST /api/token grant=(none)"] != 1 {
		t.Errorf("counters = %+v", c)
	}
}

func TestVROInjected503UsesTheOrchestratorShape(t *testing.T) {
	h := orchHarness(t, emulator.VRO, func(o *emulator.Options) { o.Faults.ServiceUnavailableRate = 1 })
	orchPost(h, "/api/token", passwordForm("administrator", "Password1")).oauthError(503, "temporarily_unavailable")
}

// TestVROClientAccountsAreOrchestratorOnly: client accounts exist in the
// two orchestrators only (VAO since 3.0), never with MFA.
func TestVROClientAccountsAreOrchestratorOnly(t *testing.T) {
	h := orchHarness(t, emulator.VRO)
	for _, c := range []struct {
		p emulator.Product
		u emulator.SeedUser
	}{
		{emulator.VBR, emulator.SeedUser{Name: "c1", Password: "x", Client: true}},
		{emulator.AWS, emulator.SeedUser{Name: "c2", Password: "x", Client: true}},
		{emulator.VRO, emulator.SeedUser{Name: "c3", Password: "x", Client: true, MFASecret: mfaSecret}},
	} {
		if err := h.e.AddUser(c.p, c.u); err == nil {
			t.Errorf("AddUser(%s, %+v) succeeded", c.p, c.u)
		}
	}
}

// fuzzOrchestratorToken posts arbitrary bodies, content types and
// Authorization headers to an orchestrator's token endpoint: never a 5xx or a
// panic; every error is an OAuth error body; every 200 carries tokens.
func fuzzOrchestratorToken(f *testing.F, p emulator.Product, path string, seeds []string) {
	for _, s := range seeds {
		f.Add(s, "application/x-www-form-urlencoded", "")
	}
	f.Add("grant_type=client_credentials", "application/x-www-form-urlencoded", "Basic dGVycmFmb3JtLWNsaWVudDpDbGllbnQtU2VjcmV0MQ==")
	f.Add("grant_type=client_credentials", "", "Basic %%%")
	f.Add("--b\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\npassword\r\n--b--\r\n", "multipart/form-data; boundary=b", "")
	f.Add(`{"grant_type":"password"}`, "application/json", "Bearer x")
	f.Add("%zz&&==;", "application/x-www-form-urlencoded", "")
	f.Add("\x00\xff", "multipart/form-data", "")
	e, err := emulator.New(emulator.Options{Clock: emulator.NewClock(t0), VROSingleSession: true})
	if err != nil {
		f.Fatal(err)
	}
	h := e.Handler(p)
	f.Fuzz(func(t *testing.T, body, ct, auth string) {
		r := httptest.NewRequest("POST", path, strings.NewReader(body))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		switch {
		case rec.Code >= 500:
			t.Fatalf("status %d for body %q ct %q: %s", rec.Code, body, ct, rec.Body)
		case rec.Code >= 400:
			var oe emulator.OrchestratorError
			if err := json.Unmarshal(rec.Body.Bytes(), &oe); err != nil || oe.Error == "" || oe.ErrorDescription == "" {
				t.Fatalf("bad error body %q", rec.Body)
			}
		case rec.Code == 200:
			var tok emulator.OrchestratorToken
			if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" || tok.RefreshToken == "" {
				t.Fatalf("bad token body %q", rec.Body)
			}
		default:
			t.Fatalf("unexpected status %d", rec.Code)
		}
	})
}

func FuzzVROTokenForm(f *testing.F) {
	fuzzOrchestratorToken(f, emulator.VRO, "/api/token", []string{
		"grant_type=password&username=administrator&password=Password1",
		`grant_type=password&username=VEEAM%5Cadministrator&password=Password1`,
		"grant_type=client_credentials&client_id=terraform-client&client_secret=Client-Secret1",
		"grant_type=refresh_token&refresh_token=a.b.c",
		"grant_type=mfa&mfa_token=x&mfa_code=123456",
	})
}
