package emulator_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

const vroMFASecret = "JBSWY3DPEHPK3PXP"

// vroMFAHarness is a Recovery Orchestrator of build with a user "mfa" whose MFA is on.
func vroMFAHarness(t *testing.T, build string) *harness {
	t.Helper()
	h := orchHarness(t, emulator.VRO, func(o *emulator.Options) { o.Builds = map[emulator.Product]string{emulator.VRO: build} })
	if err := h.e.AddUser(emulator.VRO, emulator.SeedUser{Name: "mfa", Password: "Mfa-Pass1", MFASecret: vroMFASecret}); err != nil {
		t.Fatal(err)
	}
	return h
}

// multipartPost posts fields as multipart/form-data.
func multipartPost(h *harness, path string, fields url.Values) *resp {
	h.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	_ = mw.Close()
	return h.do(req{method: "POST", path: path, noVersion: true, contentType: mw.FormDataContentType(), body: buf.String()})
}

// TestVROMFAGrant: from 7.21 a password login of a user with MFA answers an
// mfa_token; grant_type=mfa with mfa_token and mfa_passcode (or mfa_code)
// finishes it, in a form or a multipart body.
func TestVROMFAGrant(t *testing.T) {
	for _, build := range []string{"7.21", "13", "13.1"} {
		h := vroMFAHarness(t, build)
		step1 := func() string {
			r := multipartPost(h, "/api/token", passwordForm(`VEEAM\mfa`, "Mfa-Pass1")).want(http.StatusOK)
			m := decode[emulator.VROMFARequired](r)
			if !m.MFAEnabled || m.MFAToken == "" || m.UserName != "mfa" {
				t.Fatalf("%s: step 1 answer %s", build, r.Body)
			}
			return m.MFAToken
		}
		code := totpAt(t, vroMFASecret, t0)
		orchPost(h, "/api/token", url.Values{"grant_type": {"mfa"}, "mfa_token": {step1()}, "mfa_passcode": {"000000"}}).oauthError(400, "invalid_grant")
		tok := orchToken(multipartPost(h, "/api/token", url.Values{"grant_type": {"mfa"}, "mfa_token": {step1()}, "mfa_passcode": {code}}))
		if tok.UserName != "mfa" {
			t.Errorf("%s: token for %q", build, tok.UserName)
		}
		h.clock.Advance(30 * time.Second)
		orchToken(orchPost(h, "/api/token", url.Values{"grant_type": {"mfa"}, "mfa_token": {step1()}, "mfa_code": {totpAt(t, vroMFASecret, h.clock.Now())}}))
		orchPost(h, "/api/token", url.Values{"grant_type": {"mfa"}, "mfa_token": {step1()}}).oauthError(400, "invalid_request")
		// Users without MFA are unaffected.
		orchToken(orchPost(h, "/api/token", passwordForm("administrator", "Password1")))
	}
}

// TestVROMFAGrantAbsentIn72: 7.2 has no mfa grant; its users log in with the password alone.
func TestVROMFAGrantAbsentIn72(t *testing.T) {
	h := vroMFAHarness(t, "7.2")
	orchPost(h, "/api/token", url.Values{"grant_type": {"mfa"}, "mfa_token": {"x"}, "mfa_passcode": {"123456"}}).oauthError(400, "unsupported_grant_type")
	orchToken(orchPost(h, "/api/token", passwordForm("mfa", "Mfa-Pass1")))
}

// TestVAOClientCredentials: Availability Orchestrator 3.0 client accounts
// log in at /token with client_credentials.
func TestVAOClientCredentials(t *testing.T) {
	h := orchHarness(t, emulator.VAO)
	if err := h.e.AddUser(emulator.VAO, emulator.SeedUser{Name: "ci-client", Password: "Ci-Secret1", Client: true}); err != nil {
		t.Fatal(err)
	}
	tok := orchToken(orchPost(h, "/token", clientForm("ci-client", "Ci-Secret1")))
	if tok.UserName != "ci-client" {
		t.Fatalf("token for %q", tok.UserName)
	}
	orchPost(h, "/token", clientForm("ci-client", "wrong")).oauthError(401, "invalid_client")
	// A client account never logs in with the password grant.
	orchPost(h, "/token", passwordForm(`VEEAM\ci-client`, "Ci-Secret1")).oauthError(400, "invalid_grant")
	h.do(req{method: "DELETE", path: "/api/token", noVersion: true, token: tok.AccessToken}).want(http.StatusNoContent)
}
