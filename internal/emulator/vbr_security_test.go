package emulator_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// TestVBRAuthorizationCodeRemovedIn13 checks that POST
// /api/oauth2/authorization_code exists up to 1.2-rev1 on builds before 13.0,
// and answers 404 naming the revision and build otherwise.
func TestVBRAuthorizationCodeRemovedIn13(t *testing.T) {
	for _, c := range []struct {
		build, version string
		status         int
	}{
		{"12.3.1", "1.2-rev1", http.StatusOK},
		{"12.3", "1.0-rev1", http.StatusOK},
		{"13.0", "1.2-rev1", http.StatusNotFound}, // the build no longer has it, whatever the revision
		{"13.0", "1.3-rev0", http.StatusNotFound},
		{"13.1", "1.3-rev2", http.StatusNotFound},
	} {
		h := newVBRBuild(t, c.build, c.version)
		r := h.vbrCall(req{method: "POST", path: "/api/oauth2/authorization_code", token: h.vbrAdmin()})
		if r.Status != c.status {
			t.Errorf("build %s, %s: status %d, want %d: %s", c.build, c.version, r.Status, c.status, r.Body)
			continue
		}
		if c.status == http.StatusNotFound {
			e := r.vbrError(http.StatusNotFound, emulator.CodeNotFound)
			if !strings.Contains(e.Message, c.version) || !strings.Contains(e.Message, c.build) || !strings.HasPrefix(e.Message, "Resource does not exist") {
				t.Errorf("build %s: message %q should name the revision and build", c.build, e.Message)
			}
		}
	}
}

// TestVBRSecurityEndpointsFrom13Rev1: the Users and Roles area exists from 1.3-rev1.
func TestVBRSecurityEndpointsFrom13Rev1(t *testing.T) {
	h := newVBRBuild(t, "13.1", "1.3-rev0")
	tok := h.vbrAdmin()
	id := emulator.VBRUserID("jsmith")
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/security/users", ""}, {"GET", "/api/v1/security/users/" + id, ""},
		{"GET", "/api/v1/security/settings", ""}, {"PUT", "/api/v1/security/settings", `{"mfaEnabled":true}`},
		{"POST", "/api/v1/security/users/" + id + "/resetMFA", ""},
		{"POST", "/api/v1/security/users/" + id + "/changeServiceAccountMode", `{"isServiceAccountEnable":true}`},
	} {
		h.vbrJSON(c.method, c.path, tok, c.body).vbrError(http.StatusNotFound, emulator.CodeNotFound)
		want := http.StatusOK
		if strings.HasSuffix(c.path, "resetMFA") {
			want = http.StatusNoContent
		}
		h.vbrCall(req{method: c.method, path: c.path, token: tok, version: "1.3-rev1", body: c.body, contentType: "application/json"}).want(want)
	}
	if !h.e.VBRMFAEnabled() {
		t.Fatal("the 1.3-rev1 PUT did not apply")
	}
}

func TestVBRSecurityUserShapeAt13Rev2(t *testing.T) {
	h := newVBRBuild(t, "13.1", "1.3-rev2")
	tok := h.vbrAdmin()
	page := decode[emulator.VBRSecurityUsers](h.vbrJSON("GET", "/api/v1/security/users?orderColumn=MfaEnabled&orderAsc=false", tok, "").want(http.StatusOK))
	if len(page.Data) != 2 || page.Data[0].Name != "jsmith" || page.Data[0].MFAEnabled == nil || !*page.Data[0].MFAEnabled ||
		page.Data[1].MFAEnabled == nil || *page.Data[1].MFAEnabled {
		t.Fatalf("1.3-rev2 listing ordered by MfaEnabled desc: %+v", page.Data)
	}
	admin := page.Data[1]
	if admin.Roles[0].IsBuiltIn == nil || !*admin.Roles[0].IsBuiltIn || admin.Roles[0].ID != emulator.VBRRoleID(emulator.VBRRoleAdministrator) {
		t.Fatalf("1.3-rev2 role %+v", admin.Roles[0])
	}
	for q, want := range map[string]string{
		"?mfaEnabledFilter=true": "jsmith", "?isServiceAccountFilter=true": "administrator",
		"?roleNameFilter=veeam%20backup%20administrator": "administrator", "?roleIdFilter=" + emulator.VBRRoleID("Veeam Backup Operator"): "jsmith",
		"?typeFilter=InternalUser&nameFilter=js": "jsmith", "?typeFilter=ExternalGroup": "",
	} {
		page := decode[emulator.VBRSecurityUsers](h.vbrJSON("GET", "/api/v1/security/users"+q, tok, "").want(http.StatusOK))
		var names []string
		for _, u := range page.Data {
			names = append(names, u.Name)
		}
		if strings.Join(names, ",") != want {
			t.Errorf("%s: %q, want %q", q, names, want)
		}
	}
	h.vbrJSON("GET", "/api/v1/security/users?mfaEnabledFilter=maybe", tok, "").vbrError(http.StatusBadRequest, emulator.CodeUnexpectedContent)
	one := decode[emulator.VBRSecurityUser](h.vbrJSON("GET", "/api/v1/security/users/"+strings.ToUpper(emulator.VBRUserID("jsmith")), tok, "").want(http.StatusOK))
	if one.Name != "jsmith" || one.MFAEnabled == nil || one.Type != "InternalUser" {
		t.Fatalf("GET user by id: %+v", one)
	}
	e := h.vbrJSON("GET", "/api/v1/security/users/00000000-0000-4000-8000-000000000000", tok, "").vbrError(http.StatusNotFound, emulator.CodeNotFound)
	if e.ResourceID != "00000000-0000-4000-8000-000000000000" {
		t.Fatalf("resourceId %q", e.ResourceID)
	}
}

// TestVBRChangeServiceAccountMode: 200 UserModel; on turns the user's MFA
// off; Backup Administrator only.
func TestVBRChangeServiceAccountMode(t *testing.T) {
	h := newVBRBuild(t, "13.1", "1.3-rev2")
	tok := h.vbrAdmin()
	op := h.vbrLogin("jsmith").AccessToken
	path := "/api/v1/security/users/" + emulator.VBRUserID("jsmith") + "/changeServiceAccountMode"
	h.vbrJSON("POST", path, op, `{"isServiceAccountEnable":true}`).vbrError(http.StatusForbidden, emulator.CodeAccessDenied)
	for _, body := range []string{``, `{}`, `{"isServiceAccountEnable":"yes"}`, `{"isServiceAccountEnable":null}`} {
		h.vbrJSON("POST", path, tok, body).vbrError(http.StatusBadRequest, emulator.CodeUnexpectedContent)
	}
	u := decode[emulator.VBRSecurityUser](h.vbrJSON("POST", path, tok, `{"isServiceAccountEnable":true}`).want(http.StatusOK))
	if !u.IsServiceAccount || u.MFAEnabled == nil || *u.MFAEnabled || u.Name != "jsmith" {
		t.Fatalf("after turning service-account mode on: %+v", u)
	}
	if st, _ := h.e.User(emulator.VBR, "jsmith"); !st.ServiceAccount || st.MFAEnabled {
		t.Fatalf("stored user %+v", st)
	}
	u = decode[emulator.VBRSecurityUser](h.vbrJSON("POST", path, tok, `{"isServiceAccountEnable":false}`).want(http.StatusOK))
	if u.IsServiceAccount {
		t.Fatalf("after turning it off: %+v", u)
	}
	h.vbrJSON("POST", "/api/v1/security/users/00000000-0000-4000-8000-000000000000/changeServiceAccountMode", tok, `{"isServiceAccountEnable":true}`).
		vbrError(http.StatusNotFound, emulator.CodeNotFound)
}

// TestVBRGlobalMFALocksOutNonServiceAccounts: with the global MFA setting
// on, a REST password login of an account that is not a service account is
// refused (MFA does not apply to REST); service accounts still log in.
func TestVBRGlobalMFALocksOutNonServiceAccounts(t *testing.T) {
	h := newVBR(t)
	tok := h.vbrAdmin()
	h.vbrJSON("PUT", "/api/v1/security/settings", tok, `{"mfaEnabled":true}`).want(http.StatusOK)
	form := url.Values{"grant_type": {"password"}, "username": {"jsmith"}, "password": {"Password1"}}
	e := h.vbrTokenForm(form).vbrError(http.StatusForbidden, emulator.CodeAccessDenied)
	if !strings.Contains(e.Message, "service account") || !strings.Contains(e.Message, "changeServiceAccountMode") {
		t.Fatalf("lockout message %q should name the fix", e.Message)
	}
	// A wrong password is still the ordinary 401.
	form.Set("password", "wrong")
	h.vbrTokenForm(form).vbrError(http.StatusUnauthorized, emulator.CodeAccessDenied)
	form.Set("password", "Password1")
	h.vbrLogin("administrator") // a service account
	h.vbrJSON("POST", "/api/v1/security/users/"+emulator.VBRUserID("jsmith")+"/changeServiceAccountMode", tok, `{"isServiceAccountEnable":true}`).want(http.StatusOK)
	h.vbrTokenForm(form).want(http.StatusOK)
	h.vbrJSON("PUT", "/api/v1/security/settings", tok, `{"mfaEnabled":false}`).want(http.StatusOK)
	h.vbrJSON("POST", "/api/v1/security/users/"+emulator.VBRUserID("jsmith")+"/changeServiceAccountMode", tok, `{"isServiceAccountEnable":false}`).want(http.StatusOK)
	h.vbrTokenForm(form).want(http.StatusOK)
}
