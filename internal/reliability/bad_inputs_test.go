package reliability

import (
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// clearVeeamEnv unsets every VEEAM_* variable, so a value from the developer's environment
// cannot change a case.
func clearVeeamEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "VEEAM_") {
			t.Setenv(k, "")
		}
	}
}

// TestReliabilityBadProviderConfiguration: provider configurations a user can get wrong, each
// with the message Terraform shows. Every message names the attribute (or block) and says what
// to do.
func TestReliabilityBadProviderConfiguration(t *testing.T) {
	clearVeeamEnv(t)
	f := start(t, emulator.Options{})
	if err := f.emu.AddUser(emulator.AWS, emulator.SeedUser{Name: "bad-operator", Password: "Operator-Pw1", Role: emulator.RolePortalOperator}); err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, []byte(f.caPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Another product's listener of the same emulator: an aws block pointed at the wrong port.
	vbr := httptest.NewTLSServer(f.emu.Handler(emulator.VBR))
	t.Cleanup(vbr.Close)
	vbrCA := "ca_cert_pem = " + heredoc(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: vbr.Certificate().Raw})))
	aws := func(lines ...string) string {
		return "provider \"veeam\" {\n  aws {\n    " + strings.Join(lines, "\n    ") + "\n  }\n}\n"
	}
	host := `host = "` + f.url + `"`
	ca := "ca_cert_pem = " + heredoc(f.caPEM)
	admin := []string{`username = "administrator"`, `password = "Password1"`}
	read := `
data "veeam_aws_user" "x" {
  name = "administrator"
}
`
	cases := []struct {
		name   string
		config string
		want   []string // each a regexp the error must match
	}{
		{"host missing", aws(append([]string{ca}, admin...)...) + read,
			[]string{`host: not set: set host in the "aws" block or VEEAM_AWS_HOST`}},
		{"host scheme", aws(append([]string{`host = "ftp://127.0.0.1:1"`, ca}, admin...)...) + read,
			[]string{`host: scheme "ftp" is not supported: use https://`}},
		{"host not a URL", aws(append([]string{`host = "https://"`, ca}, admin...)...) + read,
			[]string{`host: "https://" is not a URL: use https://HOST\[:PORT\]`}},
		{"request_timeout not a duration", aws(append([]string{host, ca, `request_timeout = "soon"`}, admin...)...) + read,
			[]string{`request_timeout: request_timeout in the "aws" block = "soon" is not a positive duration: use a value like "30s"`}},
		{"max_retries out of range", aws(append([]string{host, ca, `max_retries = 99`}, admin...)...) + read,
			[]string{`aws.max_retries value must be between 0 and 20, got: 99`}},
		{"insecure with ca_cert_pem", aws(append([]string{host, ca, `insecure = true`}, admin...)...) + read,
			[]string{`"aws.insecure" cannot be specified when "aws.ca_cert_pem" is specified`}},
		{"ca_cert_pem not PEM", aws(append([]string{host, `ca_cert_pem = "not a certificate"`}, admin...)...) + read,
			[]string{`ca_cert_pem: holds no PEM certificate: paste the whole -----BEGIN CERTIFICATE----- block`}},
		{"ca_cert_file missing", aws(append([]string{host, `ca_cert_file = "/nonexistent/ca.pem"`}, admin...)...) + read,
			[]string{`ca_cert_file: cannot be read: open /nonexistent/ca.pem`}},
		{"ca_cert_file not PEM", aws(append([]string{host, `ca_cert_file = "` + notPEM + `"`}, admin...)...) + read,
			[]string{`ca_cert_file:\s+\S+not.pem holds no PEM certificate`}},
		{"untrusted certificate", aws(append([]string{host}, admin...)...) + read,
			[]string{`does not trust`, `set ca_cert_pem or ca_cert_file in the "aws" block to the server's CA certificate, or insecure = true`}},
		{"wrong password", aws(host, ca, `username = "administrator"`, `password = "wrong"`) + read,
			[]string{`login failed \("aws" block\)`, `rejected the credentials of the "aws" block: check username and password`}},
		{"two login methods", aws(append([]string{host, ca, `authorization_code = "abc"`}, admin...)...) + read,
			[]string{`Conflicting login methods`, `aws.authorization_code and aws.password are both set`}},
		{"totp_secret and mfa_code", aws(append([]string{host, ca, `totp_secret = "JBSWY3DPEHPK3PXP"`, `mfa_code = "123456"`}, admin...)...) + read,
			[]string{`Conflicting MFA attributes`, `aws.mfa_code and aws.totp_secret are both set`}},
		{"unsupported api_version", aws(append([]string{host, ca, `api_version = "9.9-rev0"`}, admin...)...) + read,
			[]string{`unsupported x-api-version "9.9-rev0"; supported versions: 1.0-rev0`}},
		{"no credentials for a call that needs them", aws(host, ca) + read,
			[]string{`"aws" block cannot log in: username: no credentials: set username and password in the "aws" block \(or VEEAM_AWS_USERNAME and VEEAM_AWS_PASSWORD\)`}},
		{"operator reads another user", aws(host, ca, `username = "bad-operator"`, `password = "Operator-Pw1"`) + read,
			[]string{`403 Forbidden`, `only a Portal Administrator may read other users`}},
		{"MFA for a user that does not exist", aws(append([]string{host, ca}, admin...)...) + `
resource "veeam_aws_user_mfa" "x" {
  user_name = "nobody"
}
`, []string{`no Veeam Backup for AWS user "nobody": create it first \(veeam_aws_user\) or fix user_name`}},
		{"user with password and password_wo", aws(append([]string{host, ca}, admin...)...) + `
resource "veeam_aws_user" "x" {
  name                = "someone"
  password            = "Pw-1-Secret"
  password_wo         = "Pw-1-Secret"
  password_wo_version = 1
}
`, []string{`Exactly one of these attributes must be configured: \[password,password_wo\]`}},
		{"vao username without domain", `
provider "veeam" {
  vao {
    host     = "https://127.0.0.1:1"
    username = "administrator"
    password = "Password1"
  }
}
` + `ephemeral "veeam_vao_token" "x" {}
`, []string{`vao.username must be in the DOMAIN\\USERNAME format`}},
		{"totp_secret not base32, for a user without MFA", aws(append([]string{host, ca, `totp_secret = "not-base32-1!"`}, admin...)...) + read,
			[]string{`totp_secret is not a base32 TOTP secret`, `set it to the secretKey|remove it for a user without MFA`}},
		{"aws block pointed at another product's port", aws(append([]string{`host = "` + vbr.URL + `"`, vbrCA}, admin...)...) + read,
			[]string{`\bhost\b`, `answers like Veeam Backup & Replication, not like Veeam Backup for AWS`, `check host and port`}},
		{"user_name empty", aws(append([]string{host, ca}, admin...)...) + `
resource "veeam_aws_user_mfa" "x" {
  user_name = ""
}
`, []string{`user_name string length must be at least 1`}},
		{"missing product block", `
resource "veeam_aws_user_mfa" "x" {
  user_name = "someone"
}
`, []string{`Missing "aws" block in the provider configuration`, `add provider "veeam"`}},
	}
	var failed []string
	for _, tc := range cases {
		passed := t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories,
				Steps: []resource.TestStep{{
					Config:      tc.config,
					ExpectError: allOf(tc.want),
				}},
			})
		})
		if !passed {
			failed = append(failed, tc.name)
		}
	}
	// A provider panic would have ended the test binary; the emulator answers bad input with
	// 4xx only.
	aws5xx, vbr5xx := f.emu.Counters(emulator.AWS).Status5xx, f.emu.Counters(emulator.VBR).Status5xx
	if aws5xx+vbr5xx != 0 {
		t.Errorf("the emulator answered %d 5xx (aws) and %d (vbr) to bad input", aws5xx, vbr5xx)
	}
	record(scenarioFigures{Scenario: "Bad inputs", Passed: !t.Failed(), SessionsLeft: -1, Figures: [][2]string{
		{"bad provider configurations and resource arguments", fmt.Sprint(len(cases))},
		{"whose message does not name the attribute and the fix", fmt.Sprintf("%d %q", len(failed), failed)},
		{"panics", "0 (a panic ends the test binary)"},
		{"5xx answered by the emulator", fmt.Sprint(aws5xx + vbr5xx)},
	}})
}

// allOf matches text that contains every one of res, in any order (RE2 has no lookahead: the
// alternatives are the orders); a space in res matches any run of white space.
func allOf(res []string) *regexp.Regexp {
	words := make([]string, len(res))
	for i, r := range res {
		words[i] = strings.ReplaceAll(r, " ", `\s+`) // Terraform wraps long messages
	}
	res = words
	var alts []string
	var perm func(done []string, rest []string)
	perm = func(done, rest []string) {
		if len(rest) == 0 {
			alts = append(alts, "(?:"+strings.Join(done, ").*(?:")+")")
			return
		}
		for i := range rest {
			next := append(append([]string(nil), rest[:i]...), rest[i+1:]...)
			perm(append(append([]string(nil), done...), rest[i]), next)
		}
	}
	perm(nil, res)
	return regexp.MustCompile(`(?s)` + strings.Join(alts, "|"))
}

// TestReliabilityBadWireRequests sends malformed requests straight to the emulator's handlers
// (no network): each gets a 4xx whose message names the field, header or parameter at fault,
// and never a 500.
func TestReliabilityBadWireRequests(t *testing.T) {
	e, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	aws := e.Handler(emulator.AWS)
	login := httptest.NewRecorder()
	lr := httptest.NewRequest("POST", "/api/v1/token", strings.NewReader("grant_type=password&username=administrator&password=Password1"))
	lr.Header.Set("x-api-version", "1.7-rev0")
	lr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	aws.ServeHTTP(login, lr)
	tok := regexp.MustCompile(`"access_token":"([^"]+)"`).FindStringSubmatch(login.Body.String())
	if tok == nil {
		t.Fatalf("login: %d %s", login.Code, login.Body)
	}
	bearer := "Bearer " + tok[1]
	form := "application/x-www-form-urlencoded"
	js := "application/json"
	type req struct {
		product       emulator.Product
		method, path  string
		contentType   string
		body          string
		auth          string
		version       string // x-api-version; "-" for none
		status        int
		wantInMessage []string
	}
	cases := map[string]req{
		"aws token without x-api-version":  {emulator.AWS, "POST", "/api/v1/token", form, "grant_type=password&username=a&password=b", "", "-", 400, []string{"the x-api-version header is required; supported versions: 1.0-rev0"}},
		"aws unsupported x-api-version":    {emulator.AWS, "POST", "/api/v1/token", form, "grant_type=password&username=a&password=b", "", "0.1-rev9", 400, []string{`unsupported x-api-version \"0.1-rev9\"`}},
		"aws token without grant_type":     {emulator.AWS, "POST", "/api/v1/token", form, "username=a", "", "", 400, []string{"grant_type is required: password, mfa, refresh_token or authorization_code"}},
		"aws unknown grant_type":           {emulator.AWS, "POST", "/api/v1/token", form, "grant_type=magic", "", "", 400, []string{"unsupported grant_type; use password"}},
		"aws password grant, no password":  {emulator.AWS, "POST", "/api/v1/token", form, "grant_type=password&username=administrator", "", "", 400, []string{"username and password are required for grant_type=password"}},
		"aws mfa grant, no mfa_token":      {emulator.AWS, "POST", "/api/v1/token", form, "grant_type=mfa&mfa_code=123456", "", "", 400, []string{"mfa_token and mfa_code are required for grant_type=mfa"}},
		"aws refresh grant, no token":      {emulator.AWS, "POST", "/api/v1/token", form, "grant_type=refresh_token", "", "", 400, []string{"refresh_token is required for grant_type=refresh_token"}},
		"aws code grant, no code":          {emulator.AWS, "POST", "/api/v1/token", form, "grant_type=authorization_code", "", "", 400, []string{"code is required for grant_type=authorization_code"}},
		"aws users without Authorization":  {emulator.AWS, "GET", "/api/v1/users/administrator", "", "", "", "", 401, []string{"an Authorization: Bearer"}},
		"aws users with a Basic header":    {emulator.AWS, "GET", "/api/v1/users/administrator", "", "", "Basic " + base64.StdEncoding.EncodeToString([]byte("administrator:Password1")), "", 401, []string{"an Authorization: Bearer"}},
		"aws create user, body not JSON":   {emulator.AWS, "POST", "/api/v1/users", js, "{", bearer, "", 400, []string{"the body is not valid JSON"}},
		"aws create user, no name":         {emulator.AWS, "POST", "/api/v1/users", js, `{"password":"Pw-1-Secret"}`, bearer, "", 400, []string{"name is required"}},
		"aws create user, no password":     {emulator.AWS, "POST", "/api/v1/users", js, `{"name":"newbie"}`, bearer, "", 400, []string{"password is required"}},
		"aws create user, bad role":        {emulator.AWS, "POST", "/api/v1/users", js, `{"name":"newbie","password":"Pw-1-Secret","role":"King"}`, bearer, "", 400, []string{"role must be Portal Administrator, Portal Operator or Restore Operator"}},
		"aws enableMfa recreate not bool":  {emulator.AWS, "POST", "/api/v1/users/operator/enableMfa", js, `{"recreate":"yes"}`, bearer, "", 400, []string{"recreate must be true or false"}},
		"aws acceptMfa without code":       {emulator.AWS, "POST", "/api/v1/users/operator/acceptMfa", js, `{"token":"x"}`, bearer, "", 400, []string{"code and token are required"}},
		"aws list users, negative Limit":   {emulator.AWS, "GET", "/api/v1/users?Limit=-2", "", "", bearer, "", 400, []string{"Limit -1 (all) or a non-negative integer"}},
		"aws list users, unknown Sort":     {emulator.AWS, "GET", "/api/v1/users?Sort=byShoeSize", "", "", bearer, "", 400, []string{`unsupported Sort \"byShoeSize\"; use nameAsc`}},
		"aws sign-on URL without userName": {emulator.AWS, "GET", "/api/v1/identityProvider/signOnUrl", "", "", "", "", 400, []string{"the userName query parameter is required"}},
		"aws wrong method":                 {emulator.AWS, "PATCH", "/api/v1/token", form, "", "", "", 405, []string{"method PATCH is not allowed here; allowed: POST, DELETE"}},
		"vbr token without grant_type":     {emulator.VBR, "POST", "/api/oauth2/token", form, "username=a&password=b", "", "1.3-rev1", 400, []string{"grant_type is required: password"}},
		"vbr password grant, no password":  {emulator.VBR, "POST", "/api/oauth2/token", form, "grant_type=password&username=administrator", "", "1.3-rev1", 400, []string{"username and password are required for grant_type=password"}},
		"vro unknown grant_type":           {emulator.VRO, "POST", "/api/token", form, "grant_type=magic", "", "-", 400, []string{"unsupported_grant_type", "unsupported grant_type; use password, refresh_token, client_credentials or mfa"}},
		"vao password grant, no username":  {emulator.VAO, "POST", "/token", form, "grant_type=password&password=b", "", "-", 400, []string{"invalid_request", "username and password are required for grant_type=password"}},
		"em logon without credentials":     {emulator.EM, "POST", "/api/sessionMngr/?v=latest", "", "", "", "-", 401, []string{"logon needs an Authorization: Basic base64(user:password) header"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var body *strings.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			} else {
				body = strings.NewReader("")
			}
			r := httptest.NewRequest(c.method, c.path, body)
			switch c.version {
			case "-":
			case "":
				r.Header.Set("x-api-version", "1.7-rev0")
			default:
				r.Header.Set("x-api-version", c.version)
			}
			if c.contentType != "" {
				r.Header.Set("Content-Type", c.contentType)
			}
			if c.auth != "" {
				r.Header.Set("Authorization", c.auth)
			}
			rec := httptest.NewRecorder()
			e.Handler(c.product).ServeHTTP(rec, r)
			t.Logf("%s %s → %d %s", c.method, c.path, rec.Code, rec.Body)
			if rec.Code >= 500 {
				t.Fatalf("%s %s: %d (a server error for bad input): %s", c.method, c.path, rec.Code, rec.Body)
			}
			if rec.Code != c.status {
				t.Errorf("%s %s: status %d, want %d: %s", c.method, c.path, rec.Code, c.status, rec.Body)
			}
			for _, w := range c.wantInMessage {
				if !strings.Contains(rec.Body.String(), w) {
					t.Errorf("%s %s: the answer does not name %q: %s", c.method, c.path, w, rec.Body)
				}
			}
			if rec.Code == http.StatusMethodNotAllowed && rec.Header().Get("Allow") == "" {
				t.Errorf("405 without an Allow header")
			}
		})
	}
}

// TestReliabilityImportUserWithoutMFA: importing veeam_aws_user_mfa for a user whose MFA is off
// names the user and says what to do, instead of Terraform's generic "Cannot import
// non-existent remote object".
func TestReliabilityImportUserWithoutMFA(t *testing.T) {
	clearVeeamEnv(t)
	f := start(t, emulator.Options{})
	if err := f.emu.AddUser(emulator.AWS, emulator.SeedUser{Name: "plain-user", Password: "Plain-Pw-1", Role: emulator.RolePortalOperator}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		record(scenarioFigures{Scenario: "Bad inputs: import of a user whose MFA is off", Passed: !t.Failed(), SessionsLeft: -1, Figures: [][2]string{
			{"the message names the user and says MFA is off", fmt.Sprint(!t.Failed())},
			{"5xx answered by the emulator", fmt.Sprint(f.emu.Counters(emulator.AWS).Status5xx)},
		}})
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: f.admin() + `
resource "veeam_aws_user_mfa" "x" {
  user_name = "plain-user"
}
`,
			ResourceName:  "veeam_aws_user_mfa.x",
			ImportState:   true,
			ImportStateId: "plain-user",
			ExpectError:   allOf([]string{`Cannot import: MFA is not enabled`, `User "plain-user" has no MFA enabled`, `apply the veeam_aws_user_mfa resource`}),
		}},
	})
	if st, _ := f.emu.AWSUser("plain-user"); st.MFAEnabled {
		t.Error("the import turned MFA on")
	}
	if c := f.emu.Counters(emulator.AWS); c.Status5xx != 0 {
		t.Errorf("the emulator answered %d 5xx", c.Status5xx)
	}
}
