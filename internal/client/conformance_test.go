package client

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Spec-shaped examples (testdata/spec, written from the published OpenAPI schemas of each
// revision the client claims; see /work/notes/spec) go through the client's own decoders.
// TestConformanceExamplesMatchTheSchemas proves each example has its revision's shape, with the
// JSON schemas the emulator's conformance tests use (../emulator/testdata/schemas).

// exampleSchemas names each example's schema.
var exampleSchemas = map[string]string{
	"vbr-1.3-rev1-security-users.json":              "vbr-1.3-rev1-security-users",
	"vbr-1.3-rev2-security-users.json":              "vbr-1.3-rev2-security-users",
	"vbr-1.3-rev2-security-user.json":               "vbr-1.3-rev2-security-user",
	"vbr-token-response.json":                       "vbr-token-response",
	"vbr-error-unsupported-version.json":            "vbr-error",
	"aws-1.0-rev0-token-response.json":              "aws-1.0-rev0-token-response",
	"aws-1.0-rev0-mfa-step1.json":                   "aws-1.0-rev0-token-response",
	"aws-1.0-rev0-users-page.json":                  "aws-1.0-rev0-users-page",
	"aws-1.0-rev0-problem-unsupported-version.json": "aws-1.0-rev0-problem",
	"orchestrator-token-response.json":              "orchestrator-token-response",
}

func TestConformanceExamplesMatchTheSchemas(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "spec", "*.json"))
	if err != nil || len(files) != len(exampleSchemas) {
		t.Fatalf("%d examples, %d with a schema (%v): every example needs one", len(files), len(exampleSchemas), err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for name, schema := range exampleSchemas {
		sch, err := c.Compile(filepath.Join("..", "emulator", "testdata", "schemas", schema+".json"))
		if err != nil {
			t.Fatalf("%s: %v", schema, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(specExample(t, name).Body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := sch.Validate(doc); err != nil {
			t.Errorf("%s does not have the shape of %s: %v", name, schema, err)
		}
	}
}

func specExample(t *testing.T, name string) *Response {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "spec", name))
	if err != nil {
		t.Fatal(err)
	}
	return &Response{Status: 200, Body: b}
}

func TestConformanceVBRSecurityUsers(t *testing.T) {
	for _, tc := range []struct {
		file     string
		wantMFA  []*bool // per user: nil where the revision has no mfaEnabled
		types    []string
		roles    [][]string
		builtIn  *bool // first role's isBuiltIn
		roleDesc string
	}{
		{
			file:    "vbr-1.3-rev1-security-users.json",
			wantMFA: []*bool{nil, nil}, types: []string{VBRInternalUser, VBRExternalGroup},
			roles:    [][]string{{"Backup Administrator"}, {"Restore Operator", "Security Administrator"}},
			roleDesc: "Built-in role with full privileges",
		},
		{
			file:    "vbr-1.3-rev2-security-users.json",
			wantMFA: []*bool{ptr(false), ptr(true)}, types: []string{VBRInternalUser, VBRExternalUser},
			roles:   [][]string{{"Backup Administrator"}, {"Tape Operators"}},
			builtIn: ptr(true), roleDesc: "Built-in role with full privileges",
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var p VBRSecurityUserPage
			if err := specExample(t, tc.file).Decode(&p); err != nil {
				t.Fatal(err)
			}
			if p.Pagination.Total != 2 || p.Pagination.Count != 2 || len(p.Data) != 2 {
				t.Fatalf("page %+v", p)
			}
			for i, u := range p.Data {
				if !samePtr(u.MFAEnabled, tc.wantMFA[i]) {
					t.Errorf("user %d mfaEnabled = %v, want %v", i, u.MFAEnabled, tc.wantMFA[i])
				}
				if u.Type != tc.types[i] || u.ID == "" || u.Name == "" {
					t.Errorf("user %d = %+v", i, u)
				}
				if got := u.RoleNames(); len(got) != len(tc.roles[i]) || got[0] != tc.roles[i][0] {
					t.Errorf("user %d roles %v, want %v", i, got, tc.roles[i])
				}
				for _, r := range u.Roles {
					if r.ID == "" {
						t.Errorf("role without id: %+v", r)
					}
				}
			}
			first := p.Data[0].Roles[0]
			if first.Description != tc.roleDesc || !samePtr(first.IsBuiltIn, tc.builtIn) {
				t.Errorf("first role %+v", first)
			}
			if !p.Data[0].IsServiceAccount || p.Data[1].IsServiceAccount {
				t.Errorf("isServiceAccount %v %v", p.Data[0].IsServiceAccount, p.Data[1].IsServiceAccount)
			}
		})
	}
	var u VBRSecurityUser
	if err := specExample(t, "vbr-1.3-rev2-security-user.json").Decode(&u); err != nil || !u.IsServiceAccount || u.MFAEnabled == nil || *u.MFAEnabled {
		t.Fatalf("changeServiceAccountMode answer %+v, %v", u, err)
	}
}

func TestConformanceTokenAnswers(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 10, 0, time.UTC)
	for _, tc := range []struct {
		file       string
		noExpireIn bool // drop expires_in so .expires decides
		want       time.Time
		user       string
	}{
		{file: "vbr-token-response.json", want: now.Add(time.Hour)},
		// .expires with an offset (+01:00) is 13:00:10 UTC.
		{file: "vbr-token-response.json", noExpireIn: true, want: time.Date(2026, 11, 23, 13, 0, 10, 0, time.UTC)},
		{file: "aws-1.0-rev0-token-response.json", want: now.Add(time.Hour), user: "administrator"},
		// .expires without an offset is read as UTC.
		{file: "aws-1.0-rev0-token-response.json", noExpireIn: true, want: time.Date(2026, 11, 23, 13, 0, 10, 0, time.UTC), user: "administrator"},
		{file: "orchestrator-token-response.json", want: now.Add(899 * time.Second)},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var tr tokenResponse
			if err := specExample(t, tc.file).Decode(&tr); err != nil {
				t.Fatal(err)
			}
			if tc.noExpireIn {
				tr.ExpiresIn = ""
			}
			tok, err := tr.token(now, "")
			if err != nil {
				t.Fatal(err)
			}
			if !tok.Expiry.Equal(tc.want) || tok.AccessToken == "" || tok.RefreshToken == "" || tok.Username != tc.user {
				t.Fatalf("token %+v, want expiry %v", tok, tc.want)
			}
		})
	}
	// AWS MFA step one: no access token, an mfa_token.
	var tr tokenResponse
	if err := specExample(t, "aws-1.0-rev0-mfa-step1.json").Decode(&tr); err != nil || tr.MFAToken != "mfa-token-1" || !tr.MFAEnabled || tr.AccessToken != "" {
		t.Fatalf("step one %+v, %v", tr, err)
	}
}

func TestConformanceAWSUsersPage(t *testing.T) {
	var p AWSUserPage
	if err := specExample(t, "aws-1.0-rev0-users-page.json").Decode(&p); err != nil {
		t.Fatal(err)
	}
	if p.TotalCount != 2 || len(p.Results) != 2 || !p.Results[0].IsDefault || p.Results[0].Description == "" || !p.Results[1].MFAEnabled {
		t.Fatalf("page %+v", p)
	}
}

func TestConformanceVersionRefusals(t *testing.T) {
	for file, want := range map[string]struct {
		product, other Product
		code           string
	}{
		"vbr-error-unsupported-version.json":            {VBR, AWS, "NotImplemented"},
		"aws-1.0-rev0-problem-unsupported-version.json": {AWS, VBR, "unsupportedApiVersion"},
	} {
		code, msg := decodeJSONError(400, "application/json", specExample(t, file).Body)
		err := &APIError{Product: want.product, Status: 400, ErrorCode: code, Message: msg}
		if code != want.code || !IsVersionRefusal(err) {
			t.Errorf("%s: code %q, message %q: want %q and a version refusal", file, code, msg, want.code)
		}
		// The same answer to the other product's client comes from the wrong server.
		if err.Product = want.other; IsVersionRefusal(err) {
			t.Errorf("%s: a refusal to a %s client counted as a version refusal", file, want.other)
		}
	}
	// Other 400s are not version refusals.
	for _, e := range []*APIError{
		{Status: 400, ErrorCode: "NotImplemented", Message: "The operation is not implemented."},
		{Status: 400, ErrorCode: "UnexpectedContent", Message: "grant_type is required"},
		{Status: 404, ErrorCode: "NotFound", Message: "The specified API version is not supported."},
	} {
		if IsVersionRefusal(e) {
			t.Errorf("%v counted as a version refusal", e)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func samePtr[T comparable](a, b *T) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
