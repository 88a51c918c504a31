package emulator_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

func TestRequestLogMasksSecrets(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, nil))
	h := newHarness(t, func(o *emulator.Options) { o.Logger = logger })
	addMFAUser(t, h, "mfa", "87654321")
	tok := h.login("administrator", "Password1")
	mt := mfaToken(t, h, "mfa")
	mfaGrant(h, mt, "87654321").want(200)
	h.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}).want(200)
	code := decode[map[string]string](h.api("POST", "/api/v1/token/authorization_code", tok.AccessToken, nil).want(200))["code"]
	h.token(url.Values{"grant_type": {"authorization_code"}, "code": {code}}).want(200)
	en := decode[emulator.AWSEnableMFA](h.api("POST", "/api/v1/users/operator/enableMfa", tok.AccessToken, `{"recreate":false}`).want(200))
	h.api("POST", "/api/v1/users", tok.AccessToken, map[string]string{"name": "n", "password": "VerySecretPw"}).want(201)
	// SSO puts secrets in the query string and in a form field.
	redirect := decode[map[string]string](h.do(req{method: "GET", path: "/api/v1/identityProvider/signOnUrl?userName=sara_baker@companymail.com"}).want(200))["redirectToUrl"]
	ru, err := url.Parse(redirect)
	if err != nil {
		t.Fatal(err)
	}
	samlReq := ru.Query().Get("SAMLRequest")
	saml := decode[map[string]string](h.do(req{method: "POST", path: ru.RequestURI(), noVersion: true, contentType: "application/x-www-form-urlencoded",
		body: "UserName=sara_baker%40companymail.com&Password=Admin345Dept01"}).want(200))["value"]
	h.do(req{method: "POST", path: "/api/v1/identityProvider/token", contentType: "application/x-www-form-urlencoded", body: url.Values{"SamlResponse": {saml}}.Encode()}).want(200)

	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, secret := range []string{"Password1", "VerySecretPw", "Admin345Dept01", tok.AccessToken, tok.RefreshToken, mt, "87654321", code, en.SecretKey, en.Token,
		samlReq, url.QueryEscape(samlReq), saml, url.QueryEscape(saml)} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains a secret %q", secret)
		}
	}
	if !strings.Contains(out, "[REDACTED]") || !strings.Contains(out, `"grant":"password"`) || !strings.Contains(out, `"user":"administrator"`) {
		t.Errorf("log lacks expected fields:\n%s", out)
	}
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Errorf("log line is not JSON: %q", line)
		}
	}
}
