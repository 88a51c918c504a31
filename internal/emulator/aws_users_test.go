package emulator_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

func TestAWSMFAEnrollAndLogin(t *testing.T) {
	for _, body := range []string{`{"recreate": "false"}`, `{"recreate": false}`, `{}`, ``} {
		t.Run("body "+body, func(t *testing.T) {
			h := newHarness(t)
			admin := h.adminToken()
			r := h.do(req{method: "POST", path: "/api/v1/users/operator/enableMfa", token: admin, body: body, contentType: "application/json", host: "veeam.example:11005"}).want(200)
			en := decode[emulator.AWSEnableMFA](r)
			if en.UserName != "operator" || !base32Re.MatchString(en.SecretKey) || len(en.ScratchCodes) != 5 || en.Token == "" {
				t.Fatalf("enableMfa = %+v", en)
			}
			for _, c := range en.ScratchCodes {
				if !scratchRe.MatchString(c) {
					t.Errorf("scratch code %q", c)
				}
			}
			wantQR := "otpauth://totp/operator&40veeam.example?secret=" + en.SecretKey + "&issuer=veeam.example"
			if en.QRString != wantQR {
				t.Errorf("qrString = %q, want %q", en.QRString, wantQR)
			}
			st, _ := h.e.AWSUser("operator")
			if st.MFAEnabled || st.PendingMFASecret != en.SecretKey {
				t.Fatalf("before accept: %+v", st)
			}
			// Not enabled until accepted: the password grant still answers tokens.
			h.login("operator", "Password1")

			now := h.clock.Now()
			good := totpAt(t, en.SecretKey, now)
			bad := fmt.Sprintf("%06d", (mustAtoi(good)+1)%1000000)
			cases := []struct {
				name string
				body any
			}{
				{"wrong code", map[string]string{"code": bad, "token": en.Token}},
				{"wrong token", map[string]string{"code": good, "token": "nope"}},
				{"missing token", map[string]string{"code": good}},
				{"scratch code instead of TOTP", map[string]string{"code": en.ScratchCodes[0], "token": en.Token}},
				{"not JSON", "code=1"},
			}
			for _, c := range cases {
				h.api("POST", "/api/v1/users/operator/acceptMfa", admin, c.body).problem(400, emulator.CodeUnexpectedContent)
			}
			h.api("POST", "/api/v1/users/operator/acceptMfa", admin, map[string]string{"code": good, "token": en.Token}).want(201)
			st, _ = h.e.AWSUser("operator")
			if !st.MFAEnabled || st.MFASecret != en.SecretKey || st.PendingMFASecret != "" || len(st.ScratchCodes) != 5 {
				t.Fatalf("after accept: %+v", st)
			}
			// A second accept has nothing pending.
			h.api("POST", "/api/v1/users/operator/acceptMfa", admin, map[string]string{"code": good, "token": en.Token}).problem(400, emulator.CodeUnexpectedContent)
			// The user read shows it.
			if u := decode[emulator.AWSUser](h.api("GET", "/api/v1/users/operator", admin, nil).want(200)); !u.MFAEnabled {
				t.Error("GET user: mfaEnabled false")
			}

			mt := mfaToken(t, h, "operator")
			tok := decode[emulator.AWSToken](mfaGrant(h, mt, totpAt(t, en.SecretKey, h.clock.Now())).want(200))
			if tok.Username != "operator" || tok.RoleName != "Portal Operator" {
				t.Errorf("mfa token = %+v", tok)
			}
			// The mfa_token is single use.
			mfaGrant(h, mt, totpAt(t, en.SecretKey, h.clock.Now())).problem(401, emulator.CodeInvalidToken)
		})
	}
}

func TestAWSRecreateKeepsOldSecretUntilAccept(t *testing.T) {
	h := newHarness(t)
	addMFAUser(t, h, "mfa", "12345678")
	admin := h.adminToken()
	for _, body := range []string{`{"recreate":false}`, `{"recreate":"false"}`, `{}`} {
		p := h.api("POST", "/api/v1/users/mfa/enableMfa", admin, body).problem(400, emulator.CodeUnexpectedContent)
		if !strings.Contains(p.Details, "recreate=true") {
			t.Errorf("details = %q", p.Details)
		}
	}
	h.api("POST", "/api/v1/users/mfa/enableMfa", admin, `{"recreate":"maybe"}`).problem(400, emulator.CodeUnexpectedContent)
	h.api("POST", "/api/v1/users/mfa/enableMfa", admin, `{"recreate":1}`).problem(400, emulator.CodeUnexpectedContent)
	en := decode[emulator.AWSEnableMFA](h.api("POST", "/api/v1/users/mfa/enableMfa", admin, `{"recreate":"true"}`).want(200))
	if en.SecretKey == mfaSecret {
		t.Fatal("recreate returned the old secret")
	}
	st, _ := h.e.AWSUser("mfa")
	if !st.MFAEnabled || st.MFASecret != mfaSecret || st.PendingMFASecret != en.SecretKey {
		t.Fatalf("pending recreate state = %+v", st)
	}
	now := h.clock.Now()
	oldCode, newCode := totpAt(t, mfaSecret, now), totpAt(t, en.SecretKey, now)
	if oldCode == newCode {
		t.Skip("codes collide by chance")
	}
	// Until acceptMfa, logins use the old secret and old scratch codes.
	mfaGrant(h, mfaToken(t, h, "mfa"), newCode).problem(401, emulator.CodeAccessDenied)
	mfaGrant(h, mfaToken(t, h, "mfa"), oldCode).want(200)
	mfaGrant(h, mfaToken(t, h, "mfa"), en.ScratchCodes[0]).problem(401, emulator.CodeAccessDenied)
	// A second recreate replaces the pending enrollment; the first token is void.
	en2 := decode[emulator.AWSEnableMFA](h.api("POST", "/api/v1/users/mfa/enableMfa", admin, `{"recreate":true}`).want(200))
	h.api("POST", "/api/v1/users/mfa/acceptMfa", admin, map[string]string{"code": totpAt(t, en.SecretKey, now), "token": en.Token}).problem(400, emulator.CodeUnexpectedContent)
	// Accept with a numeric code works too.
	code2 := totpAt(t, en2.SecretKey, now)
	h.api("POST", "/api/v1/users/mfa/acceptMfa", admin, fmt.Sprintf(`{"code":%d,"token":%q}`, mustAtoi(code2), en2.Token)).want(201)
	if oldCode == code2 {
		t.Skip("codes collide by chance")
	}
	mfaGrant(h, mfaToken(t, h, "mfa"), oldCode).problem(401, emulator.CodeAccessDenied)
	mfaGrant(h, mfaToken(t, h, "mfa"), "12345678").problem(401, emulator.CodeAccessDenied)
	mfaGrant(h, mfaToken(t, h, "mfa"), code2).want(200)
	mfaGrant(h, mfaToken(t, h, "mfa"), en2.ScratchCodes[4]).want(200)
	// recreate=true on a user without MFA simply enrolls.
	h.api("POST", "/api/v1/users/operator/enableMfa", admin, `{"recreate":true}`).want(200)
}

func TestAWSDisableMFA(t *testing.T) {
	h := newHarness(t)
	addMFAUser(t, h, "mfa", "12345678")
	admin := h.adminToken()
	h.api("POST", "/api/v1/users/mfa/disableMfa", admin, nil).want(204)
	st, _ := h.e.AWSUser("mfa")
	if st.MFAEnabled || st.MFASecret != "" || len(st.ScratchCodes) != 0 || st.PendingMFASecret != "" {
		t.Fatalf("after disable: %+v", st)
	}
	h.login("mfa", "Password1")
	// Idempotent, and it cancels a pending enrollment.
	h.api("POST", "/api/v1/users/mfa/enableMfa", admin, `{"recreate":false}`).want(200)
	h.api("POST", "/api/v1/users/mfa/disableMfa", admin, nil).want(204)
	if st, _ := h.e.AWSUser("mfa"); st.PendingMFASecret != "" {
		t.Error("disable kept the pending enrollment")
	}
	h.api("POST", "/api/v1/users/ghost/disableMfa", admin, nil).problem(404, emulator.CodeNotFound)
	// An mfa_token issued before MFA was disabled still completes the login.
	addMFAUser(t, h, "mfa2")
	mt := mfaToken(t, h, "mfa2")
	h.api("POST", "/api/v1/users/mfa2/disableMfa", admin, nil).want(204)
	mfaGrant(h, mt, "000000").want(200)
}

func TestAWSRoleEnforcement(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	for _, role := range []string{"operator", "restore"} {
		t.Run(role, func(t *testing.T) {
			h.t = t
			tok := h.login(role, "Password1").AccessToken
			forbidden := []struct {
				method, path string
				body         any
			}{
				{"GET", "/api/v1/users", nil},
				{"GET", "/api/v1/users/administrator", nil},
				{"POST", "/api/v1/users", map[string]string{"name": "x", "password": "y"}},
				{"PUT", "/api/v1/users/administrator", map[string]string{"description": "x"}},
				{"DELETE", "/api/v1/users/administrator", nil},
				{"DELETE", "/api/v1/users/" + role, nil},
				{"POST", "/api/v1/users/administrator/enableMfa", map[string]bool{"recreate": false}},
				{"POST", "/api/v1/users/administrator/acceptMfa", map[string]string{"code": "123456", "token": "x"}},
				{"POST", "/api/v1/users/administrator/disableMfa", nil},
				{"GET", "/api/v1/users/ghost", nil},
			}
			for _, f := range forbidden {
				h.api(f.method, f.path, tok, f.body).problem(403, emulator.CodeAccessDenied)
			}
			// Their own account and MFA are theirs to manage.
			h.api("GET", "/api/v1/users/"+role, tok, nil).want(200)
			h.api("PUT", "/api/v1/users/"+role, tok, map[string]string{"description": "mine"}).want(200)
			en := decode[emulator.AWSEnableMFA](h.api("POST", "/api/v1/users/"+role+"/enableMfa", tok, map[string]bool{"recreate": false}).want(200))
			h.api("POST", "/api/v1/users/"+role+"/acceptMfa", tok, map[string]string{"code": totpAt(t, en.SecretKey, h.clock.Now()), "token": en.Token}).want(201)
			h.api("POST", "/api/v1/users/"+role+"/disableMfa", tok, nil).want(204)
		})
	}
	h.t = t
	// The administrator manages others' MFA.
	h.api("POST", "/api/v1/users/operator/enableMfa", admin, map[string]bool{"recreate": false}).want(200)
	// Identity-provider users cannot enable MFA.
	h.api("POST", "/api/v1/users/sara_baker@companymail.com/enableMfa", admin, map[string]bool{"recreate": false}).problem(400, emulator.CodeUnexpectedContent)
	h.api("POST", "/api/v1/users/ghost/enableMfa", admin, map[string]bool{"recreate": false}).problem(404, emulator.CodeNotFound)
	h.api("POST", "/api/v1/users/ghost/acceptMfa", admin, map[string]string{"code": "123456", "token": "x"}).problem(404, emulator.CodeNotFound)
}

func TestAWSUsersCRUD(t *testing.T) {
	h := newHarness(t)
	admin := h.adminToken()
	r := h.api("POST", "/api/v1/users", admin, map[string]string{"name": "alice", "description": "Alice", "password": "S3cret!"}).want(201)
	u := decode[emulator.AWSUser](r)
	if u.Name != "alice" || u.Description != "Alice" || u.MFAEnabled || u.IsDefault || len(u.Links) == 0 {
		t.Fatalf("created = %+v", u)
	}
	if loc := r.Header.Get("Location"); loc != "/api/v1/users/alice" {
		t.Errorf("Location = %q", loc)
	}
	if st, _ := h.e.AWSUser("alice"); st.Role != emulator.RolePortalAdministrator {
		t.Errorf("default role = %q", st.Role)
	}
	cases := []struct {
		name   string
		body   any
		status int
	}{
		{"duplicate", map[string]string{"name": "ALICE", "password": "x"}, 409},
		{"no password", map[string]string{"name": "bob"}, 400},
		{"no name", map[string]string{"password": "x"}, 400},
		{"slash in name", map[string]string{"name": "a/b", "password": "x"}, 400},
		{"bad role", map[string]string{"name": "bob", "password": "x", "role": "King"}, 400},
		{"malformed", `{"name":`, 400},
		{"array", `[]`, 400},
		{"wrong type", `{"name": 5, "password": "x"}`, 400},
		{"trailing data", `{"name":"bob","password":"x"} {}`, 400},
	}
	for _, c := range cases {
		h.api("POST", "/api/v1/users", admin, c.body).problem(c.status, emulator.CodeUnexpectedContent)
	}
	h.api("POST", "/api/v1/users", admin, map[string]string{"name": "bob", "password": "x", "role": "Restore Operator"}).want(201)
	if st, _ := h.e.AWSUser("bob"); st.Role != emulator.RoleRestoreOperator {
		t.Errorf("role = %q", st.Role)
	}

	alice := h.login("alice", "S3cret!").AccessToken
	// Self password change needs the old password.
	h.api("PUT", "/api/v1/users/alice", alice, map[string]string{"password": "New1"}).problem(400, emulator.CodeUnexpectedContent)
	h.api("PUT", "/api/v1/users/alice", alice, map[string]string{"password": "New1", "oldPassword": "wrong"}).problem(400, emulator.CodeUnexpectedContent)
	h.api("PUT", "/api/v1/users/alice", alice, map[string]string{"password": "New1", "oldPassword": "S3cret!"}).want(200)
	h.token(url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"S3cret!"}}).problem(401, emulator.CodeAccessDenied)
	h.login("alice", "New1")
	// An administrator sets another user's password without the old one.
	u = decode[emulator.AWSUser](h.api("PUT", "/api/v1/users/alice", admin, map[string]string{"password": "New2", "description": "changed"}).want(200))
	if u.Description != "changed" {
		t.Errorf("description = %q", u.Description)
	}
	h.login("alice", "New2")
	h.api("PUT", "/api/v1/users/alice", admin, map[string]string{"password": ""}).problem(400, emulator.CodeUnexpectedContent)
	h.api("PUT", "/api/v1/users/sara_baker@companymail.com", admin, map[string]string{"password": "x"}).problem(400, emulator.CodeUnexpectedContent)
	h.api("PUT", "/api/v1/users/ghost", admin, map[string]string{"description": "x"}).problem(404, emulator.CodeNotFound)

	// Deleting a user ends its sessions.
	aliceTok := h.login("alice", "New2")
	h.api("DELETE", "/api/v1/users/alice", admin, nil).want(204)
	h.api("GET", "/api/v1/users/alice", aliceTok.AccessToken, nil).problem(401, emulator.CodeInvalidToken)
	h.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {aliceTok.RefreshToken}}).problem(401, emulator.CodeInvalidToken)
	h.api("GET", "/api/v1/users/alice", admin, nil).problem(404, emulator.CodeNotFound)
	h.api("DELETE", "/api/v1/users/alice", admin, nil).problem(404, emulator.CodeNotFound)
	h.api("DELETE", "/api/v1/users/administrator", admin, nil).problem(400, emulator.CodeUnexpectedContent)
	// A second administrator cannot delete itself either.
	h.api("POST", "/api/v1/users", admin, map[string]string{"name": "admin2", "password": "x"}).want(201)
	a2 := h.login("admin2", "x").AccessToken
	h.api("DELETE", "/api/v1/users/admin2", a2, nil).problem(400, emulator.CodeUnexpectedContent)
	h.api("DELETE", "/api/v1/users/bob", a2, nil).want(204)

	// The default administrator is reported as such.
	if u := decode[emulator.AWSUser](h.api("GET", "/api/v1/users/administrator", admin, nil).want(200)); !u.IsDefault {
		t.Error("administrator isDefault false")
	}
}

func TestAWSListUsers(t *testing.T) {
	h := newHarness(t, func(o *emulator.Options) {
		o.Seed = &emulator.Seed{Users: map[emulator.Product][]emulator.SeedUser{emulator.AWS: {
			{Name: "administrator", Password: "p", IsDefault: true},
			{Name: "Carol", Password: "p", MFASecret: mfaSecret},
			{Name: "alice", Password: "p"},
			{Name: "bob", Password: "p", MFASecret: mfaSecret},
			{Name: "dave", Password: "p"},
		}}}
	})
	admin := h.login("administrator", "p").AccessToken
	names := func(q string) (int, []string) {
		p := decode[emulator.AWSUserPage](h.api("GET", "/api/v1/users"+q, admin, nil).want(200))
		var out []string
		for _, u := range p.Results {
			out = append(out, u.Name)
		}
		if len(p.Links) == 0 {
			t.Errorf("%s: no _links", q)
		}
		return p.TotalCount, out
	}
	cases := []struct {
		q     string
		total int
		want  []string
	}{
		{"", 5, []string{"administrator", "alice", "bob", "Carol", "dave"}},
		{"?Sort=nameAsc", 5, []string{"administrator", "alice", "bob", "Carol", "dave"}},
		{"?Sort=nameDesc", 5, []string{"dave", "Carol", "bob", "alice", "administrator"}},
		{"?Sort=mfaEnabledAsc", 5, []string{"administrator", "alice", "dave", "bob", "Carol"}},
		{"?Sort=mfaEnabledDesc", 5, []string{"bob", "Carol", "administrator", "alice", "dave"}},
		{"?SearchPattern=A", 4, []string{"administrator", "alice", "Carol", "dave"}},
		{"?SearchPattern=car", 1, []string{"Carol"}},
		{"?SearchPattern=zzz", 0, nil},
		{"?Offset=1&Limit=2", 5, []string{"alice", "bob"}},
		{"?Limit=2&Offset=1", 5, []string{"alice", "bob"}},
		{"?Offset=4", 5, []string{"dave"}},
		{"?Offset=9", 5, nil},
		{"?Limit=0", 5, nil},
		{"?Limit=100", 5, []string{"administrator", "alice", "bob", "Carol", "dave"}},
		{"?SearchPattern=a&Sort=nameDesc&Offset=1&Limit=2", 4, []string{"Carol", "alice"}},
		{"?Sort=mfaEnabledDesc&Limit=1", 5, []string{"bob"}},
	}
	for _, c := range cases {
		total, got := names(c.q)
		if total != c.total || !slices.Equal(got, c.want) {
			t.Errorf("%q: total %d %v, want %d %v", c.q, total, got, c.total, c.want)
		}
	}
	for _, q := range []string{"?Offset=-1", "?Limit=x", "?Sort=ageAsc", "?Offset=1.5"} {
		h.api("GET", "/api/v1/users"+q, admin, nil).problem(400, emulator.CodeUnexpectedContent)
	}
	// Empty results are [] in JSON, not null.
	r := h.api("GET", "/api/v1/users?SearchPattern=zzz", admin, nil)
	if !strings.Contains(string(r.Body), `"results":[]`) {
		t.Errorf("empty page = %s", r.Body)
	}
}

func TestAWSAddUserValidation(t *testing.T) {
	h := newHarness(t)
	bad := []emulator.SeedUser{
		{Name: "", Password: "x"},
		{Name: "administrator", Password: "x"},
		{Name: "x", Password: "x", Role: "Emperor"},
		{Name: "x", Password: "x", MFASecret: "not base32!"},
		{Name: "x", Password: "x", MFASecret: mfaSecret, ScratchCodes: []string{"123"}},
		{Name: "x", Password: "x", MFASecret: mfaSecret, IdentityProvider: true},
	}
	for _, u := range bad {
		if err := h.e.AddUser(emulator.AWS, u); err == nil {
			t.Errorf("AddUser(%+v) succeeded", u)
		}
	}
	if err := h.e.AddUser("nope", emulator.SeedUser{Name: "x"}); err == nil {
		t.Error("AddUser for an unknown product succeeded")
	}
	if _, ok := h.e.AWSUser("x"); ok {
		t.Error("a rejected user was added")
	}
	if _, err := emulator.New(emulator.Options{Seed: &emulator.Seed{Users: map[emulator.Product][]emulator.SeedUser{"zz": nil}}}); err == nil {
		t.Error("New accepted a seed for an unknown product")
	}
	if _, err := emulator.New(emulator.Options{Faults: emulator.Faults{DropRate: 2}}); err == nil {
		t.Error("New accepted a drop rate of 2")
	}
}
