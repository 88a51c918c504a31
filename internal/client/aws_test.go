package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

func TestAWSPasswordLoginAndCall(t *testing.T) {
	srv := startEmulator(t)
	c := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	u, err := c.GetUser(ctxT(t), "administrator")
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	if u.Name != "administrator" || !u.IsDefault || u.MFAEnabled {
		t.Fatalf("unexpected user %+v", u)
	}
	if got := srv.Emulator.Counters(emulator.AWS).Logins; got != 1 {
		t.Fatalf("logins = %d, want 1", got)
	}
}

func TestAWSWrongPasswordIsAuthenticationFailure(t *testing.T) {
	srv := startEmulator(t)
	c := newAWS(t, awsConfig(srv, "administrator", "wrong"))
	_, err := c.Credential(ctxT(t))
	if !IsAuthenticationFailed(err) {
		t.Fatalf("want an authentication failure, got %v", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode != "AccessDenied" || apiErr.Product != AWS {
		t.Fatalf("want a decoded AccessDenied APIError, got %#v", err)
	}
}

func TestAWSMissingCredentialsNameTheAttribute(t *testing.T) {
	srv := startEmulator(t)
	c := newAWS(t, awsConfig(srv, "administrator", ""))
	_, err := c.Credential(ctxT(t))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != FieldPassword || ce.Reason != ReasonMissing {
		t.Fatalf("want a ConfigError: password missing, got %v", err)
	}
}

// enrollAlice creates alice and enables MFA for her as the administrator.
func enrollAlice(t *testing.T, srv *emulatortest.Servers, admin *AWSClient) *MFAEnrollment {
	t.Helper()
	if err := srv.Emulator.AddUser(emulator.AWS, emulator.SeedUser{Name: "alice", Password: "Alice-Pass1", Role: "Portal Operator"}); err != nil {
		t.Fatal(err)
	}
	e, err := admin.EnrollMFA(ctxT(t), "alice", false)
	if err != nil {
		t.Fatalf("EnrollMFA: %v", err)
	}
	return e
}

func TestAWSEnrollMFAThenLoginWithTOTPSecret(t *testing.T) {
	srv := startEmulator(t)
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	e := enrollAlice(t, srv, admin)
	if len(e.ScratchCodes) != 5 || !strings.HasPrefix(e.QRString, "otpauth://totp/") {
		t.Fatalf("enrollment lacks scratch codes or otpauth URI: %+v", e)
	}
	st, _ := srv.Emulator.AWSUser("alice")
	if !st.MFAEnabled || st.MFASecret != e.SecretKey {
		t.Fatalf("emulator state after EnrollMFA: enabled=%v secret matches=%v", st.MFAEnabled, st.MFASecret == e.SecretKey)
	}

	// Without a secret or code, the login says what to set.
	cfg := awsConfig(srv, "alice", "Alice-Pass1")
	_, err := newAWS(t, cfg).Credential(ctxT(t))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "totp_secret" {
		t.Fatalf("want a ConfigError naming totp_secret, got %v", err)
	}

	cfg.Credentials.TOTPSecret = e.SecretKey
	alice := newAWS(t, cfg)
	u, err := alice.GetUser(ctxT(t), "alice")
	if err != nil {
		t.Fatalf("MFA login with the TOTP secret: %v", err)
	}
	if !u.MFAEnabled {
		t.Fatal("alice should have MFA enabled")
	}
}

func TestAWSScratchCodeWorksOnce(t *testing.T) {
	srv := startEmulator(t)
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	e := enrollAlice(t, srv, admin)
	cfg := awsConfig(srv, "alice", "Alice-Pass1")
	cfg.Credentials.MFACode = e.ScratchCodes[2]
	if _, err := newAWS(t, cfg).Credential(ctxT(t)); err != nil {
		t.Fatalf("first use of a scratch code: %v", err)
	}
	_, err := newAWS(t, cfg).Credential(ctxT(t))
	if !errors.Is(err, ErrMFACodeRejected) || !IsAuthenticationFailed(err) {
		t.Fatalf("second use of the scratch code must be rejected, got %v", err)
	}
}

func TestAWSRotateKeepsOldSecretUntilAccepted(t *testing.T) {
	srv := startEmulator(t)
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	first := enrollAlice(t, srv, admin)
	// Start a rotation but do not accept it: the first secret still logs in.
	if _, err := admin.EnableMFA(ctxT(t), "alice", true); err != nil {
		t.Fatalf("EnableMFA recreate: %v", err)
	}
	cfg := awsConfig(srv, "alice", "Alice-Pass1")
	cfg.Credentials.TOTPSecret = first.SecretKey
	if _, err := newAWS(t, cfg).Credential(ctxT(t)); err != nil {
		t.Fatalf("old secret during a pending rotation: %v", err)
	}
	second, err := admin.EnrollMFA(ctxT(t), "alice", true)
	if err != nil {
		t.Fatalf("EnrollMFA recreate: %v", err)
	}
	if second.SecretKey == first.SecretKey {
		t.Fatal("rotation returned the same secret")
	}
	srv.Emulator.Clock().Advance(30 * time.Second) // a fresh code step for the next login
	cfg.Credentials.TOTPSecret = second.SecretKey
	if _, err := newAWS(t, cfg).Credential(ctxT(t)); err != nil {
		t.Fatalf("new secret after rotation: %v", err)
	}
}

func TestAWSDisableMFA(t *testing.T) {
	srv := startEmulator(t)
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	enrollAlice(t, srv, admin)
	if err := admin.DisableMFA(ctxT(t), "alice"); err != nil {
		t.Fatalf("DisableMFA: %v", err)
	}
	u, err := admin.GetUser(ctxT(t), "alice")
	if err != nil || u.MFAEnabled {
		t.Fatalf("after DisableMFA: %+v, %v", u, err)
	}
	// A plain password login works again.
	if _, err := newAWS(t, awsConfig(srv, "alice", "Alice-Pass1")).Credential(ctxT(t)); err != nil {
		t.Fatalf("password login after DisableMFA: %v", err)
	}
}

// A Backup for AWS 1.0 appliance (REST API 1.0-rev0) spells the path /token/authorizationCode:
// with api_version unset the session negotiates 1.0-rev0 and asks there; the code logs in.
func TestAWSAuthorizationCodeOnRevision1_0(t *testing.T) {
	srv := emulatortest.Start(t, emulator.Options{Clock: emulator.NewClock(t0), Builds: map[emulator.Product]string{emulator.AWS: "1.0"}})
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	code, err := admin.AuthorizationCode(ctxT(t))
	if err != nil {
		t.Fatalf("AuthorizationCode on a 1.0 build: %v", err)
	}
	if got := admin.APIVersion(); got != "1.0-rev0" {
		t.Fatalf("negotiated %q, want 1.0-rev0", got)
	}
	cfg := awsConfig(srv, "", "")
	cfg.Credentials.AuthorizationCode = code
	if _, err := newAWS(t, cfg).Credential(ctxT(t)); err != nil {
		t.Fatalf("authorization_code grant with the 1.0-rev0 code: %v", err)
	}
	if n := srv.Emulator.Counters(emulator.AWS).Endpoints["POST /api/v1/token/authorizationCode"]; n != 1 {
		t.Fatalf("POST /api/v1/token/authorizationCode served %d times, want 1", n)
	}
}

func TestAWSAuthorizationCodeLogsInOnce(t *testing.T) {
	srv := startEmulator(t)
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	code, err := admin.AuthorizationCode(ctxT(t))
	if err != nil {
		t.Fatalf("AuthorizationCode: %v", err)
	}
	cfg := awsConfig(srv, "", "")
	cfg.Credentials.AuthorizationCode = code
	other := newAWS(t, cfg)
	tok, err := other.Credential(ctxT(t))
	if err != nil {
		t.Fatalf("authorization_code grant: %v", err)
	}
	if tok.Username != "" && tok.Username != "administrator" {
		t.Fatalf("the code logs in as its issuer, got %q", tok.Username)
	}
	_, err = newAWS(t, cfg).Credential(ctxT(t))
	if !IsAuthenticationFailed(err) && !isStatus(err, 400) {
		t.Fatalf("a used authorization code must be refused, got %v", err)
	}
}

func isStatus(err error, status int) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == status
}

func TestAWSNotFoundAndForbidden(t *testing.T) {
	srv := startEmulator(t)
	if err := srv.Emulator.AddUser(emulator.AWS, emulator.SeedUser{Name: "op", Password: "Op-Pass1", Role: "Portal Operator"}); err != nil {
		t.Fatal(err)
	}
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	if _, err := admin.GetUser(ctxT(t), "nobody"); !IsNotFound(err) {
		t.Fatalf("want not found, got %v", err)
	}
	op := newAWS(t, awsConfig(srv, "op", "Op-Pass1"))
	if _, err := op.EnableMFA(ctxT(t), "administrator", false); !IsForbidden(err) {
		t.Fatalf("an operator enabling MFA for another user: want forbidden, got %v", err)
	}
	// ... but an operator manages their own MFA.
	if _, err := op.EnrollMFA(ctxT(t), "op", false); err != nil {
		t.Fatalf("an operator enrolling themselves: %v", err)
	}
}

func TestAWSUserCRUDAndListing(t *testing.T) {
	srv := startEmulator(t)
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	for _, n := range []string{"zz-carol", "zz-bob", "zz-dave"} {
		if _, err := admin.CreateUser(ctx, n, "user "+n, "Pass-"+n+"1!"); err != nil {
			t.Fatalf("CreateUser %s: %v", n, err)
		}
	}
	p, err := admin.ListUsers(ctx, AWSUserQuery{SearchPattern: "ZZ-", Sort: "nameDesc", Offset: 1, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range p.Results {
		names = append(names, u.Name)
	}
	// Filtered (case-insensitively) and sorted first: zz-dave, zz-carol, zz-bob; then offset 1, limit 2.
	if p.TotalCount != 3 || strings.Join(names, ",") != "zz-carol,zz-bob" {
		t.Fatalf("got total %d, names %v", p.TotalCount, names)
	}
	if _, err := admin.UpdateUser(ctx, "zz-bob", "changed", "", ""); err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	if u, _ := admin.GetUser(ctx, "zz-bob"); u == nil || u.Description != "changed" {
		t.Fatalf("description not updated: %+v", u)
	}
	if err := admin.DeleteUser(ctx, "zz-bob"); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	all, err := admin.ListAllUsers(ctx, AWSUserQuery{SearchPattern: "zz-"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("ListAllUsers(SearchPattern=zz-) = %d users, want 2", len(all))
	}
}

func TestTOTPCodeRejectsBadSecret(t *testing.T) {
	if _, err := TOTPCode("not base32!", time.Now()); err == nil {
		t.Fatal("want an error for a secret that is not base32")
	}
	code, err := TOTPCode("JBSWY3DPEHPK3PXP", time.Unix(59, 0))
	if err != nil || len(code) != 6 {
		t.Fatalf("TOTPCode = %q, %v", code, err)
	}
}

func TestAWSSpentSingleUseCredentialsNameTheAttribute(t *testing.T) {
	srv := startEmulator(t)
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	code, err := admin.AuthorizationCode(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := newAWS(t, awsConfig(srv, "administrator", "Password1")).Credential(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	for attr, set := range map[string]func(*Credentials){
		"authorization_code": func(c *Credentials) { c.AuthorizationCode = code },
		"refresh_token":      func(c *Credentials) { c.RefreshToken = tok.RefreshToken },
	} {
		cfg := awsConfig(srv, "", "")
		set(&cfg.Credentials)
		if _, err := newAWS(t, cfg).Credential(ctxT(t)); err != nil {
			t.Fatalf("%s, first use: %v", attr, err)
		}
		// A new session (the next Terraform command) with the same value.
		_, err := newAWS(t, cfg).Credential(ctxT(t))
		var ce *ConfigError
		if !errors.As(err, &ce) || string(ce.Field) != attr || ce.Reason != ReasonRejected || !strings.Contains(err.Error(), "the server refused") {
			t.Fatalf("%s, second use: want a ConfigError: %s rejected, got %v", attr, attr, err)
		}
		if !IsAuthenticationFailed(err) {
			t.Fatalf("%s, second use: the server's 401 must stay visible, got %v", attr, err)
		}
	}
}

func TestAWSSAMLResponseLogsInOnce(t *testing.T) {
	srv := startEmulator(t)
	saml := samlResponse(t, srv, "sara_baker@companymail.com", "Admin345Dept01")
	cfg := awsConfig(srv, "", "")
	cfg.Credentials.SAMLResponse = saml
	sara := newAWS(t, cfg)
	u, err := sara.GetUser(ctxT(t), "sara_baker@companymail.com")
	if err != nil {
		t.Fatalf("SAML login: %v", err)
	}
	if u.Name != "sara_baker@companymail.com" {
		t.Fatalf("logged in as %+v", u)
	}
	_, err = newAWS(t, cfg).Credential(ctxT(t))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "saml_response" {
		t.Fatalf("a spent SAML response: want a ConfigError naming saml_response, got %v", err)
	}
}

// samlResponse runs the emulator's SSO sign-on (signOnUrl, then the identity provider's form)
// and returns the SAMLResponse.
func samlResponse(t *testing.T, srv *emulatortest.Servers, user, password string) string {
	t.Helper()
	u, err := newAWS(t, awsConfig(srv, "", "")).SignOnURL(ctxT(t), user)
	if err != nil {
		t.Fatalf("SignOnURL: %v", err)
	}
	body, _ := json.Marshal(map[string]string{"UserName": user, "Password": password})
	resp, err := srv.HTTPClient().Post(u, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct{ Value string }
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != 200 || r.Value == "" {
		t.Fatalf("identity provider sign-on: %d, %v", resp.StatusCode, err)
	}
	return r.Value
}

func TestAWSSignOnURLNeedsNoLogin(t *testing.T) {
	srv := startEmulator(t)
	u, err := newAWS(t, awsConfig(srv, "", "")).SignOnURL(ctxT(t), "sara_baker@companymail.com")
	if err != nil || !strings.Contains(u, "SAMLRequest=") {
		t.Fatalf("SignOnURL = %q, %v", u, err)
	}
	if c := srv.Emulator.Counters(emulator.AWS); c.Logins != 0 {
		t.Fatalf("SignOnURL logged in %d times", c.Logins)
	}
}

func TestAWSNoCredentialsNameEveryLoginMethod(t *testing.T) {
	srv := startEmulator(t)
	_, err := newAWS(t, awsConfig(srv, "", "")).Credential(ctxT(t))
	var ce *ConfigError
	// The provider names every login method (TestDiagnosticsNameTheSettingAndTheFix).
	if !errors.As(err, &ce) || ce.Field != FieldUsername || ce.Reason != ReasonNoCredentials {
		t.Fatalf("want a ConfigError: no credentials, got %v", err)
	}
}

func TestAWSUpdateUserPassword(t *testing.T) {
	srv := startEmulator(t)
	ctx := ctxT(t)
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	if _, err := admin.CreateUser(ctx, "alice", "", "Alice-Pass1"); err != nil {
		t.Fatal(err)
	}
	// An administrator sets another user's password without the old one: no oldPassword is sent.
	u, err := admin.UpdateUser(ctx, "alice", "with a new password", "Alice-Pass2", "")
	if err != nil || u.Description != "with a new password" {
		t.Fatalf("UpdateUser as administrator: %+v, %v", u, err)
	}
	if _, err := newAWS(t, awsConfig(srv, "alice", "Alice-Pass1")).Credential(ctx); !IsAuthenticationFailed(err) {
		t.Fatalf("the old password must stop working, got %v", err)
	}
	alice := newAWS(t, awsConfig(srv, "alice", "Alice-Pass2"))
	// Changing one's own password needs the current one.
	if _, err := alice.UpdateUser(ctx, "alice", "", "Alice-Pass3", ""); !isStatus(err, 400) {
		t.Fatalf("own password without oldPassword: want 400, got %v", err)
	}
	if _, err := alice.UpdateUser(ctx, "alice", "", "Alice-Pass3", "Alice-Pass2"); err != nil {
		t.Fatalf("own password with oldPassword: %v", err)
	}
	if _, err := newAWS(t, awsConfig(srv, "alice", "Alice-Pass3")).Credential(ctx); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
}

func TestAWSListAllUsersPagesThroughEveryUser(t *testing.T) {
	srv := startEmulator(t)
	for i := range 230 {
		if err := srv.Emulator.AddUser(emulator.AWS, emulator.SeedUser{Name: fmt.Sprintf("bulk-%03d", i), Password: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	all, err := admin.ListAllUsers(ctxT(t), AWSUserQuery{SearchPattern: "bulk-", Sort: "nameDesc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 230 || all[0].Name != "bulk-229" || all[229].Name != "bulk-000" {
		t.Fatalf("got %d users, first %q", len(all), all[0].Name)
	}
	if n := srv.Emulator.Counters(emulator.AWS).Endpoints["GET /api/v1/users"]; n != 3 {
		t.Fatalf("GET /api/v1/users sent %d times, want 3 pages of at most 100", n)
	}
}

func TestAWSUnsupportedAPIVersionNamesTheAttribute(t *testing.T) {
	srv := startEmulator(t)
	cfg := awsConfig(srv, "administrator", "Password1")
	cfg.APIVersion = "0.9-rev9"
	_, err := newAWS(t, cfg).Credential(ctxT(t))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != FieldAPIVersion || ce.Reason != ReasonUnsupported || !strings.Contains(err.Error(), `"0.9-rev9" is not accepted`) {
		t.Fatalf("want a ConfigError: api_version unsupported, got %v", err)
	}
}

func TestAWSEnrollMFAWhenAlreadyEnabled(t *testing.T) {
	srv := startEmulator(t)
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	enrollAlice(t, srv, admin)
	before := srv.Emulator.Counters(emulator.AWS).Endpoints["GET /api/v1/users/{userId}"]
	_, err := admin.EnrollMFA(ctxT(t), "alice", false)
	if !errors.Is(err, ErrMFAAlreadyEnabled) || !IsBadRequest(err) {
		t.Fatalf("enabling MFA twice: want ErrMFAAlreadyEnabled wrapping the 400, got %v", err)
	}
	if got := srv.Emulator.Counters(emulator.AWS).Endpoints["GET /api/v1/users/{userId}"] - before; got != 1 {
		t.Fatalf("the refusal is explained by reading the user once, read %d times", got)
	}
}

// TestAWSEnrollMFAIsTwoRequests: a first enrollment is enableMfa and acceptMfa, nothing more.
func TestAWSEnrollMFAIsTwoRequests(t *testing.T) {
	srv := startEmulator(t)
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	if _, err := admin.Credential(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	before := srv.Emulator.Counters(emulator.AWS).Endpoints
	enrollAlice(t, srv, admin)
	after := srv.Emulator.Counters(emulator.AWS).Endpoints
	n := 0
	for k, v := range after {
		n += v - before[k]
	}
	if n != 2 || after["POST /api/v1/users/{userId}/acceptMfa"]-before["POST /api/v1/users/{userId}/acceptMfa"] != 1 {
		t.Fatalf("EnrollMFA sent %d requests (%v), want enableMfa and acceptMfa", n, after)
	}
}

func TestAWSPasswordLogsIn(t *testing.T) {
	srv := startEmulator(t)
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	if err := srv.Emulator.AddUser(emulator.AWS, emulator.SeedUser{Name: "alice", Password: "Alice-Pass1", Role: "Portal Operator"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user, password string
		want           bool
	}{
		{"alice", "Alice-Pass1", true},
		{"alice", "wrong", false},
		{"nobody", "Alice-Pass1", false},
	} {
		before := srv.Emulator.Counters(emulator.AWS)
		got, err := admin.PasswordLogsIn(ctxT(t), tc.user, tc.password)
		if err != nil || got != tc.want {
			t.Errorf("PasswordLogsIn(%s, %s) = %v, %v; want %v", tc.user, tc.password, got, err, tc.want)
		}
		after := srv.Emulator.Counters(emulator.AWS)
		if after.Logins-before.Logins != after.Logouts-before.Logouts {
			t.Errorf("PasswordLogsIn(%s) left a session open: %d logins, %d logouts", tc.user, after.Logins-before.Logins, after.Logouts-before.Logouts)
		}
	}
	// A user with MFA: the password is proven by the server asking for the second factor.
	if _, err := admin.EnrollMFA(ctxT(t), "alice", false); err != nil {
		t.Fatal(err)
	}
	before := srv.Emulator.Counters(emulator.AWS).Logins
	if got, err := admin.PasswordLogsIn(ctxT(t), "alice", "Alice-Pass1"); err != nil || !got {
		t.Errorf("PasswordLogsIn for a user with MFA = %v, %v; want true", got, err)
	}
	if got, err := admin.PasswordLogsIn(ctxT(t), "alice", "wrong"); err != nil || got {
		t.Errorf("PasswordLogsIn for a user with MFA, wrong password = %v, %v; want false", got, err)
	}
	if n := srv.Emulator.Counters(emulator.AWS).Logins - before; n != 0 {
		t.Errorf("proving the password of a user with MFA logged in %d times", n)
	}
}
