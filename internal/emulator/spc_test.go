package emulator_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// spcToken asserts an OAuth2Result and returns it.
func spcToken(r *resp) emulator.SPCToken {
	r.t.Helper()
	r.want(http.StatusOK)
	wantShape(r, nil, "access_token", "token_type", "refresh_token", "mfa_token", "encrypted_code", "expires_in")
	tok := decode[emulator.SPCToken](r)
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		r.t.Fatalf("incomplete token %s", r.Body)
	}
	return tok
}

// spcErrors asserts an ErrorResponse and returns its first error.
func spcErrors(r *resp, status int, kind string) emulator.SPCAPIError {
	r.t.Helper()
	r.want(status)
	wantShape(r, []string{"errors"})
	e := decode[emulator.SPCErrorResponse](r)
	if len(e.Errors) != 1 || e.Errors[0].Type != kind || e.Errors[0].Message == "" {
		r.t.Fatalf("errors = %s, want one of type %s", r.Body, kind)
	}
	return e.Errors[0]
}

// spcMultipart posts form as multipart/form-data, the documents' example.
func spcMultipart(h *harness, form url.Values) *resp {
	h.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	_ = mw.Close()
	return h.do(req{method: "POST", path: "/api/v3/token", noVersion: true, contentType: mw.FormDataContentType(), body: b.String()})
}

// spcWithVersion is GET /api/v3/users/me with X-Client-Version v.
func spcWithVersion(h *harness, token, v string) *resp {
	h.t.Helper()
	r := httptest.NewRequest("GET", "/api/v3/users/me", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	r.Header.Set("X-Client-Version", v)
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, r)
	return &resp{t: h.t, Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// TestSPCConformance follows the Service Provider Console v3 reference:
// password (multipart or form) and refresh_token at /api/v3/token, 1-hour
// tokens, GET /users/me, DELETE /users/{userId}/tokens revoking every token
// of the user (200 data true); OAuth2Error and ErrorResponse failures.
func TestSPCConformance(t *testing.T) {
	h := orchHarness(t, emulator.SPC)
	tok := spcToken(spcMultipart(h, passwordForm("administrator", "Password1")))
	if tok.ExpiresIn != 3600 {
		t.Fatalf("expires_in = %d, want 3600", tok.ExpiresIn)
	}
	other := spcToken(orchPost(h, "/api/v3/token", passwordForm("administrator", "Password1")))
	tok2 := spcToken(orchPost(h, "/api/v3/token", refreshForm(tok.RefreshToken)))
	orchPost(h, "/api/v3/token", refreshForm(tok.RefreshToken)).oauthError(400, "invalid_grant")
	orchPost(h, "/api/v3/token", passwordForm("administrator", "wrong")).oauthError(400, "invalid_grant")
	orchPost(h, "/api/v3/token", url.Values{"grant_type": {"refresh"}}).oauthError(400, "unsupported_grant_type")

	me := h.do(req{method: "GET", path: "/api/v3/users/me", noVersion: true, token: tok2.AccessToken}).want(http.StatusOK)
	wantShape(me, []string{"data", "meta"})
	uid := decode[struct {
		Data emulator.SPCUser
		Meta any
	}](me).Data.InstanceUID
	if uid != emulator.SPCUserUID("administrator") || len(uid) != 36 {
		t.Fatalf("instanceUid = %q", uid)
	}
	spcWithVersion(h, tok2.AccessToken, "3.6").want(http.StatusOK)
	spcErrors(spcWithVersion(h, tok2.AccessToken, "latest"), 400, "logical")

	spcErrors(h.do(req{method: "DELETE", path: "/api/v3/users/" + emulator.SPCUserUID("someone") + "/tokens", noVersion: true, token: tok2.AccessToken}), 403, "security")
	spcErrors(h.do(req{method: "DELETE", path: "/api/v3/users/" + uid + "/tokens?userLoginId=1", noVersion: true, token: tok2.AccessToken}), 501, "unspecified")
	rv := h.do(req{method: "DELETE", path: "/api/v3/users/" + uid + "/tokens", noVersion: true, token: tok2.AccessToken}).want(http.StatusOK)
	if string(bytes.TrimSpace(rv.Body)) != `{"data":true,"meta":null}` {
		t.Errorf("revoke answer = %s", rv.Body)
	}
	// Every session of the user ended, the other login's too.
	spcErrors(h.do(req{method: "GET", path: "/api/v3/users/me", noVersion: true, token: other.AccessToken}), 401, "security")
	orchPost(h, "/api/v3/token", refreshForm(tok2.RefreshToken)).oauthError(400, "invalid_grant")
	if n := len(h.e.Sessions(emulator.SPC)); n != 0 {
		t.Errorf("sessions = %d, want 0", n)
	}

	late := spcToken(orchPost(h, "/api/v3/token", passwordForm("administrator", "Password1")))
	h.clock.Advance(time.Hour + time.Second)
	spcErrors(h.do(req{method: "GET", path: "/api/v3/users/me", noVersion: true, token: late.AccessToken}), 401, "security")

	c := h.e.Counters(emulator.SPC)
	if c.Logins != 3 || c.Refreshes != 1 || c.Logouts != 2 {
		t.Fatalf("counters = %+v", c)
	}
}
