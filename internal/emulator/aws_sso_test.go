package emulator_test

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

func TestAWSSingleSignOn(t *testing.T) {
	h := newHarness(t)
	r := h.do(req{method: "GET", path: "/api/v1/identityProvider/signOnUrl?userName=sara_baker@companymail.com", host: "127.0.0.1:11005"}).want(200)
	redirect := decode[map[string]string](r)["redirectToUrl"]
	if !strings.HasPrefix(redirect, "http://127.0.0.1:11005/idp/sso?SAMLRequest=") {
		t.Fatalf("redirectToUrl = %q", redirect)
	}
	u, err := url.Parse(redirect)
	if err != nil {
		t.Fatal(err)
	}
	idpPath := u.RequestURI()
	// The document posts JSON with a form content type.
	post := func(body, ct string) *resp {
		return h.do(req{method: "POST", path: idpPath, body: body, contentType: ct, noVersion: true})
	}
	post(`{"UserName":"sara_baker@companymail.com","Password":"wrong"}`, "x-www-form-urlencoded").problem(401, emulator.CodeAccessDenied)
	post(`{"UserName":"administrator","Password":"Password1"}`, "application/json").problem(401, emulator.CodeAccessDenied)
	post(`{"UserName":"sara_baker@companymail.com"}`, "application/json").problem(400, emulator.CodeUnexpectedContent)
	post(`{"UserName":`, "application/json").problem(400, emulator.CodeUnexpectedContent)
	saml := decode[map[string]string](post(`{"UserName":"sara_baker@companymail.com","Password":"Admin345Dept01"}`, "x-www-form-urlencoded").want(200))
	if saml["name"] != "SAMLResponse" || saml["value"] == "" {
		t.Fatalf("IdP answer = %v", saml)
	}
	if _, err := base64.StdEncoding.DecodeString(saml["value"]); err != nil {
		t.Errorf("SAMLResponse is not base64: %v", err)
	}
	// A form body works too, and the SAMLRequest may be reused until it expires.
	saml2 := decode[map[string]string](post("UserName=sara_baker%40companymail.com&Password=Admin345Dept01", "application/x-www-form-urlencoded").want(200))

	samlToken := func(v string) *resp {
		return h.do(req{method: "POST", path: "/api/v1/identityProvider/token", contentType: "application/x-www-form-urlencoded", body: "SamlResponse=" + v})
	}
	tok := decode[emulator.AWSToken](samlToken(url.QueryEscape(saml["value"])).want(200))
	if tok.Username != "sara_baker@companymail.com" || tok.AccessToken == "" {
		t.Errorf("SSO token = %+v", tok)
	}
	h.api("GET", "/api/v1/users/sara_baker@companymail.com", tok.AccessToken, nil).want(200)
	samlToken(url.QueryEscape(saml["value"])).problem(401, emulator.CodeInvalidToken) // single use
	// Unescaped base64, as the document sends it.
	h.clock.Advance(4 * time.Minute)
	samlToken(saml2["value"]).want(200)

	saml3 := decode[map[string]string](post(`{"UserName":"sara_baker@companymail.com","Password":"Admin345Dept01"}`, "").want(200))
	h.clock.Advance(5*time.Minute + time.Second)
	samlToken(url.QueryEscape(saml3["value"])).problem(401, emulator.CodeExpiredToken)
	samlToken("").problem(400, emulator.CodeUnexpectedContent)
	samlToken("bogus").problem(401, emulator.CodeInvalidToken)
	// The SAMLRequest expires after 10 minutes.
	h.clock.Advance(58 * time.Second) // 9m59s since signOnUrl
	post(`{"UserName":"sara_baker@companymail.com","Password":"Admin345Dept01"}`, "").want(200)
	h.clock.Advance(time.Second)
	post(`{"UserName":"sara_baker@companymail.com","Password":"Admin345Dept01"}`, "").problem(401, emulator.CodeExpiredToken)
	h.do(req{method: "POST", path: "/idp/sso?SAMLRequest=bogus", body: "{}", noVersion: true}).problem(401, emulator.CodeInvalidToken)
	h.do(req{method: "POST", path: "/idp/sso", body: "{}", noVersion: true}).problem(400, emulator.CodeUnexpectedContent)
	h.do(req{method: "GET", path: "/api/v1/identityProvider/signOnUrl"}).problem(400, emulator.CodeUnexpectedContent)
	h.do(req{method: "GET", path: "/idp/sso?SAMLRequest=x", noVersion: true}).want(200)
	if c := h.e.Counters(emulator.AWS); c.Logins != 2 {
		t.Errorf("SSO logins = %d", c.Logins)
	}
}
