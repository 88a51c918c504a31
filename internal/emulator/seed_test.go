package emulator_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// exampleSeed is the documented example seed file.
const exampleSeed = "../../examples/emulator/seed.json"

// call sends one request to h; hdr holds header name/value pairs.
func call(h http.Handler, method, path, body string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

// TestLoadSeedExample loads examples/emulator/seed.json (so the documented
// example stays valid) and logs in with its accounts on every product.
func TestLoadSeedExample(t *testing.T) {
	seed, err := emulator.LoadSeed(exampleSeed)
	if err != nil {
		t.Fatal(err)
	}
	e, err := emulator.New(emulator.Options{Clock: emulator.NewClock(t0), Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	aws, vbr, vro, vao, em := e.Handler(emulator.AWS), e.Handler(emulator.VBR), e.Handler(emulator.VRO), e.Handler(emulator.VAO), e.Handler(emulator.EM)
	awsForm := []string{"x-api-version", apiVersion, "Content-Type", "application/x-www-form-urlencoded"}
	awsToken := func(kv ...string) *httptest.ResponseRecorder {
		return call(aws, "POST", "/api/v1/token", form(kv...), awsForm...)
	}
	if r := awsToken("grant_type", "password", "username", "administrator", "password", "Password1"); r.Code != 200 {
		t.Errorf("aws administrator: %d %s", r.Code, r.Body)
	}
	// The file replaces the default accounts: the default "operator" is not there.
	if r := awsToken("grant_type", "password", "username", "operator", "password", "Password1"); r.Code != 401 {
		t.Errorf("aws default operator: %d, want 401", r.Code)
	}
	// ci-operator has MFA on with the seeded secret and scratch codes.
	r := awsToken("grant_type", "password", "username", "ci-operator", "password", "Operator-Pass1")
	var step1 emulator.AWSMFARequired
	if r.Code != 200 || json.Unmarshal(r.Body.Bytes(), &step1) != nil || !step1.MFAEnabled {
		t.Fatalf("ci-operator step 1: %d %s", r.Code, r.Body)
	}
	if r := awsToken("grant_type", "mfa", "mfa_token", step1.MFAToken, "mfa_code", totpAt(t, "JBSWY3DPEHPK3PXP", t0)); r.Code != 200 {
		t.Errorf("ci-operator TOTP: %d %s", r.Code, r.Body)
	}
	st, _ := e.AWSUser("ci-operator")
	if st.Role != emulator.RolePortalOperator || len(st.ScratchCodes) != 5 {
		t.Errorf("ci-operator = %+v", st)
	}
	if st, ok := e.AWSUser("sara_baker@companymail.com"); !ok || !st.IdentityProvider {
		t.Errorf("identity-provider user = %+v %v", st, ok)
	}
	if st, ok := e.User(emulator.VBR, "jsmith"); !ok || !st.MFAEnabled || st.ServiceAccount {
		t.Errorf("vbr jsmith = %+v", st)
	}
	if r := call(vbr, "POST", "/api/oauth2/token", form("grant_type", "password", "username", "administrator", "password", "Password1"),
		"x-api-version", "1.3-rev1", "Content-Type", "application/x-www-form-urlencoded"); r.Code != 200 {
		t.Errorf("vbr: %d %s", r.Code, r.Body)
	}
	if r := call(vro, "POST", "/api/token", form("grant_type", "client_credentials", "client_id", "terraform-client", "client_secret", "Client-Secret1"),
		"Content-Type", "application/x-www-form-urlencoded"); r.Code != 200 {
		t.Errorf("vro client: %d %s", r.Code, r.Body)
	}
	if r := call(vao, "POST", "/token", form("grant_type", "password", "username", `VEEAM\administrator`, "password", "Password1"),
		"Content-Type", "application/x-www-form-urlencoded"); r.Code != 200 {
		t.Errorf("vao: %d %s", r.Code, r.Body)
	}
	tenant := `<LoginSpec xmlns="http://www.veeam.com/ent/v1.0"><TenantCredentials><Username>tenant01</Username><Password>Tenant-Pass1</Password></TenantCredentials></LoginSpec>`
	if r := call(em, "POST", "/api/sessionMngr/?v=latest", tenant, "Content-Type", "application/xml"); r.Code != 201 {
		t.Errorf("em tenant: %d %s", r.Code, r.Body)
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("administrator:Password1"))
	if r := call(em, "POST", "/api/sessionMngr/?v=latest", "", "Authorization", basic); r.Code != 201 {
		t.Errorf("em administrator: %d %s", r.Code, r.Body)
	}
	// Reset goes back to the file's accounts.
	if err := e.AddUser(emulator.AWS, emulator.SeedUser{Name: "temp", Password: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := e.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.AWSUser("temp"); ok {
		t.Error("Reset kept an added user")
	}
	if _, ok := e.AWSUser("ci-operator"); !ok {
		t.Error("Reset lost a seeded user")
	}
}

// TestDefaultSeedRoundTrips: the default seed passes the seed checks, and its
// JSON (what -print-seed writes) reads back the same.
func TestDefaultSeedRoundTrips(t *testing.T) {
	if err := emulator.ValidateSeed(emulator.DefaultSeed()); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(emulator.DefaultSeed())
	if err != nil {
		t.Fatal(err)
	}
	got, err := emulator.ParseSeed(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, emulator.DefaultSeed()) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, emulator.DefaultSeed())
	}
	// An empty role is filled with the product's default.
	s, err := emulator.ParseSeed([]byte(`{"users":{"aws":[{"name":"a","password":"p"}],"vbr":[{"name":"a","password":"p"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Users[emulator.AWS][0].Role != emulator.RolePortalAdministrator || s.Users[emulator.VBR][0].Role != "Veeam Backup Administrator" {
		t.Errorf("default roles: %+v", s.Users)
	}
	// An empty list is allowed: that product has no accounts.
	if s, err := emulator.ParseSeed([]byte(`{"users":{"em":[]}}`)); err != nil || len(s.Users[emulator.AWS]) != 0 {
		t.Errorf("empty seed: %+v %v", s, err)
	}
}

// TestParseSeedErrors: every problem names where it is (product, index,
// name), the field and the fix; all problems are reported at once.
func TestParseSeedErrors(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		want      []string
	}{
		{"syntax", "{\n  \"users\": {\n    \"aws\": [,]\n  }\n}", []string{"line 3, column 13", "invalid character"}},
		{"not an object", `[1]`, []string{"a JSON array", `{"users"`}},
		{"null", `null`, []string{"null"}},
		{"no users", `{}`, []string{`"users" is missing`}},
		{"products at the top", `{"aws": []}`, []string{`"aws": account lists go under "users"`}},
		{"unknown top field", `{"users": {}, "user": 1}`, []string{`unknown top-level field "user"`}},
		{"users not an object", `{"users": []}`, []string{`"users" must be an object keyed by product`}},
		{"unknown product", `{"users": {"xyz": []}}`, []string{`users.xyz: unknown product "xyz"`, "aws, vbr, vro, vao, em, m365, one, spc, azure or gcp"}},
		{"upper-case product", `{"users": {"AWS": []}}`, []string{`product names are lower case: "aws"`}},
		{"list is an object", `{"users": {"aws": {"name": "x"}}}`, []string{"users.aws: want a list of accounts", "got an object"}},
		{"account not an object", `{"users": {"aws": ["x"]}}`, []string{"users.aws[0]: want an account object", "got a string"}},
		{"unknown field", `{"users": {"aws": [{"name": "al", "password": "p", "mfa_secret": "X"}]}}`,
			[]string{`users.aws[0] ("al"): unknown field "mfa_secret" (did you mean "mfaSecret"?)`, "the fields are name, password"}},
		{"wrong type", `{"users": {"vbr": [{"name": "al", "password": "p", "serviceAccount": "yes"}]}}`,
			[]string{`users.vbr[0] ("al"): field serviceAccount: want true or false, got string`}},
		{"scratch codes type", `{"users": {"aws": [{"name": "al", "password": "p", "scratchCodes": "12345678"}]}}`,
			[]string{"field scratchCodes: want a list of strings, got string"}},
		{"empty name", `{"users": {"vro": [{"password": "p"}]}}`, []string{"users.vro[0]: name: is empty"}},
		{"blank name", `{"users": {"vro": [{"name": " a", "password": "p"}]}}`, []string{`users.vro[0] (" a"): name: has leading or trailing blanks`}},
		{"aws path name", `{"users": {"aws": [{"name": "a/b", "password": "p"}]}}`, []string{`users.aws[0] ("a/b"): name: cannot be used in /api/v1/users/{userId}`}},
		{"em colon", `{"users": {"em": [{"name": "a:b", "password": "p"}]}}`, []string{`users.em[0] ("a:b"): name: contains ":"`}},
		{"empty password", `{"users": {"em": [{"name": "a"}]}}`, []string{`users.em[0] ("a"): password: is empty`}},
		{"aws role", `{"users": {"aws": [{"name": "a", "password": "p", "role": "Admin"}]}}`,
			[]string{`users.aws[0] ("a"): role: "Admin" is not a Backup for AWS role`, `"Portal Operator"`}},
		{"duplicate", `{"users": {"aws": [{"name": "Al", "password": "p"}, {"name": "al", "password": "q"}]}}`,
			[]string{`users.aws[1] ("al"): name: is taken by users.aws[0] (names are case-insensitive)`}},
		{"orchestrator domain duplicate", `{"users": {"vro": [{"name": "bob", "password": "p"}, {"name": "veeam\\Bob", "password": "q"}]}}`,
			[]string{`users.vro[1] ("veeam\\Bob"): name: is taken by users.vro[0]`, `NAME is the same account as VEEAM\NAME`}},
		{"bad secret", `{"users": {"aws": [{"name": "a", "password": "p", "mfaSecret": "JBSW Y3DP"}]}}`,
			[]string{`users.aws[0] ("a"): mfaSecret: "JBSW Y3DP" is not base32`, "A-Z and digits 2-7"}},
		{"secret on em", `{"users": {"em": [{"name": "a", "password": "p", "mfaSecret": "JBSWY3DPEHPK3PXP"}]}}`,
			[]string{`users.em[0] ("a"): mfaSecret: only Backup for AWS (aws), Backup & Replication (vbr), Recovery Orchestrator (vro), Backup for Microsoft Azure (azure) or Backup for Google Cloud (gcp) accounts have it`, "remove it"}},
		{"idp with mfa", `{"users": {"aws": [{"name": "a", "password": "p", "identityProvider": true, "mfaSecret": "JBSWY3DPEHPK3PXP"}]}}`,
			[]string{"identity-provider users cannot have MFA"}},
		{"scratch without secret", `{"users": {"aws": [{"name": "a", "password": "p", "scratchCodes": ["12345678"]}]}}`,
			[]string{`users.aws[0] ("a"): scratchCodes: are MFA recovery codes and need an mfaSecret`}},
		{"bad scratch", `{"users": {"aws": [{"name": "a", "password": "p", "mfaSecret": "JBSWY3DPEHPK3PXP", "scratchCodes": ["1234", "12345678", "12345678"]}]}}`,
			[]string{`scratchCodes[0]: "1234" is not 8 digits`, `scratchCodes[2]: "12345678" is listed twice`}},
		{"flags on the wrong product", `{"users": {"aws": [{"name": "a", "password": "p", "tenant": true, "client": true, "serviceAccount": true}], "vbr": [{"name": "b", "password": "p", "identityProvider": true}]}}`,
			[]string{"users.aws[0] (\"a\"): tenant: only Enterprise Manager (em)", "client: only Recovery Orchestrator (vro)",
				"serviceAccount: only Backup & Replication (vbr)", "users.vbr[0] (\"b\"): identityProvider: only Backup for AWS (aws)"}},
		{"two defaults", `{"users": {"vbr": [{"name": "a", "password": "p", "isDefault": true}, {"name": "b", "password": "p", "isDefault": true}]}}`,
			[]string{`users.vbr[1] ("b"): isDefault: users.vbr[0] is already the default account`}},
		{"many problems", `{"users": {"aws": [{"name": "a"}, {"password": "p"}]}}`, []string{"2 problems:", "users.aws[0]", "users.aws[1]"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := emulator.ParseSeed([]byte(c.doc))
			if err == nil {
				t.Fatalf("ParseSeed(%s) succeeded", c.doc)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
	// LoadSeed names the file.
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(path, []byte(`{"users": {"aws": [{"name": "a"}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := emulator.LoadSeed(path); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "password") {
		t.Errorf("LoadSeed: %v", err)
	}
	if _, err := emulator.LoadSeed(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("LoadSeed of a missing file: %v", err)
	}
}
