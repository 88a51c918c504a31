package provider

import (
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// The client reports a field and a reason; the provider's sentence names the attribute, the
// environment variable and the fix. (These fragments were asserted on the client's own
// messages before the client stopped naming Terraform blocks and VEEAM_* variables.)
func TestDiagnosticsNameTheSettingAndTheFix(t *testing.T) {
	server := &client.APIError{Product: client.VRO, Method: "POST", Path: "/api/token", Status: 400, ErrorCode: "invalid_grant"}
	cases := []struct {
		name    string
		product client.Product
		env     map[string]string // settings' sources
		err     error
		attr    string
		want    []string
	}{
		{"aws password missing", client.AWS, nil, &client.ConfigError{Field: client.FieldPassword, Reason: client.ReasonMissing}, "password", []string{"VEEAM_AWS_PASSWORD"}},
		{"aws code refused", client.AWS, nil, &client.ConfigError{Field: client.FieldAuthorizationCode, Reason: client.ReasonRejected, Detail: "the server refused the authorization code"},
			"authorization_code", []string{"supply a fresh one", "ephemeral.veeam_aws_authorization_code"}},
		{"aws code spent", client.AWS, nil, &client.ConfigError{Field: client.FieldSAMLResponse, Reason: client.ReasonSpent, Detail: "the SAML response was already used"},
			"saml_response", []string{`configure password (or a fresh SAML response) in the "aws" block`}},
		{"aws no credentials", client.AWS, nil, &client.ConfigError{Field: client.FieldUsername, Reason: client.ReasonNoCredentials},
			"username", []string{"VEEAM_AWS_PASSWORD", "authorization_code", "refresh_token", "saml_response"}},
		{"aws api version", client.AWS, map[string]string{"VEEAM_AWS_API_VERSION": "0.9-rev9"}, &client.ConfigError{Field: client.FieldAPIVersion, Reason: client.ReasonUnsupported, Detail: `"0.9-rev9" is not accepted by the server`},
			"api_version", []string{"VEEAM_AWS_API_VERSION", "leave it unset to negotiate the newest revision both the server and the provider know"}},
		{"aws totp secret missing", client.AWS, nil, &client.ConfigError{Field: client.FieldTOTPSecret, Reason: client.ReasonMissing, Detail: `user "sara" has MFA enabled`},
			"totp_secret", []string{`user "sara" has MFA enabled: set totp_secret in the "aws" block or VEEAM_AWS_TOTP_SECRET`, "or mfa_code"}},
		{"em version not offered", client.EM, nil, &client.ConfigError{Field: client.FieldAPIVersion, Reason: client.ReasonUnsupported, Detail: `"v1_4" is not offered`},
			"api_version", []string{`"v1_4" is not offered`, `"em" block`, `"latest"`}},
		{"em no credentials", client.EM, nil, &client.ConfigError{Field: client.FieldUsername, Reason: client.ReasonNoCredentials}, "username", []string{`"em" block`, "VEEAM_EM_USERNAME"}},
		{"em password missing", client.EM, nil, &client.ConfigError{Field: client.FieldPassword, Reason: client.ReasonMissing}, "password", []string{"VEEAM_EM_PASSWORD"}},
		{"vao wrong password", client.VAO, nil, &client.ConfigError{Field: client.FieldPassword, Reason: client.ReasonRejected, Detail: "the server rejected the credentials", Err: server},
			"password", []string{"check username and password", "VEEAM_VAO_PASSWORD", "invalid_grant"}},
		{"vao no credentials", client.VAO, nil, &client.ConfigError{Field: client.FieldUsername, Reason: client.ReasonNoCredentials}, "username", []string{"VEEAM_VAO_USERNAME"}},
		{"vao username format", client.VAO, map[string]string{"VEEAM_VAO_USERNAME": "administrator"}, client.CheckVAOUsername("administrator"),
			"username", []string{`DOMAIN\USERNAME`, `(set by VEEAM_VAO_USERNAME)`, `"VEEAM\\administrator"`}},
		{"vbr username missing", client.VBR, nil, &client.ConfigError{Field: client.FieldUsername, Reason: client.ReasonMissing}, "username", []string{"VEEAM_VBR_USERNAME"}},
		{"vro nothing", client.VRO, nil, &client.ConfigError{Field: client.FieldUsername, Reason: client.ReasonNoCredentials}, "username", []string{"client_id and client_secret", "VEEAM_VRO_PASSWORD"}},
		{"vro no password", client.VRO, nil, &client.ConfigError{Field: client.FieldPassword, Reason: client.ReasonMissing}, "password", []string{"VEEAM_VRO_PASSWORD"}},
		{"vro client id only", client.VRO, nil, &client.ConfigError{Field: client.FieldClientSecret, Reason: client.ReasonMissing, Detail: "client_id needs the client_secret"}, "client_secret", []string{"VEEAM_VRO_CLIENT_SECRET"}},
		{"vro secret only", client.VRO, nil, &client.ConfigError{Field: client.FieldClientID, Reason: client.ReasonMissing, Detail: "client_secret needs the client_id"}, "client_id", []string{"VEEAM_VRO_CLIENT_ID"}},
		{"vro both pairs", client.VRO, nil, &client.ConfigError{Field: client.FieldClientID, Reason: client.ReasonConflict, Other: client.FieldPassword, Detail: "conflicts with username/password"},
			"client_id", []string{"conflicts with username/password", "VEEAM_VRO_*"}},
		{"vro wrong password", client.VRO, nil, &client.ConfigError{Field: client.FieldPassword, Reason: client.ReasonRejected, Detail: "the server rejected the credentials", Hint: `the user name is DOMAIN\USERNAME or USERNAME`, Err: server},
			"password", []string{"check username and password", `DOMAIN\USERNAME or USERNAME`, "invalid_grant"}},
		{"vro wrong secret", client.VRO, nil, &client.ConfigError{Field: client.FieldClientSecret, Reason: client.ReasonRejected, Detail: "the server rejected the credentials", Err: server},
			"client_secret", []string{"check client_id and client_secret", "VEEAM_VRO_CLIENT_SECRET"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &resolver{product: tc.product}
			for k, v := range tc.env {
				t.Setenv(k, v)
				r.str(strings.ToLower(strings.TrimPrefix(k, envName(tc.product, ""))), types.StringNull())
			}
			err := r.explain(tc.err)
			var be *blockError
			if !errors.As(err, &be) || be.Attribute != tc.attr {
				t.Fatalf("want a blockError on %s, got %v", tc.attr, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the message lacks %q: %v", w, err)
				}
			}
			if strings.Contains(tc.err.Error(), "VEEAM_") || strings.Contains(tc.err.Error(), " block") {
				t.Errorf("the client's message names provider settings: %v", tc.err)
			}
		})
	}
}

func TestDiagnosticsNameTheTLSFix(t *testing.T) {
	r := &resolver{product: client.AWS}
	err := r.explain(&client.TLSError{Product: client.AWS, Host: "h:1", Err: errors.New("x509: unknown authority")})
	if !strings.Contains(err.Error(), "does not trust") || !strings.Contains(err.Error(), `set ca_cert_pem or ca_cert_file in the "aws" block`) || !strings.Contains(err.Error(), "insecure = true") {
		t.Fatalf("want the TLS fix, got %v", err)
	}
	err = r.explain(&client.TLSError{Product: client.AWS, Host: "h:1", WrongName: true, Err: errors.New("x509: other name")})
	if !strings.Contains(err.Error(), "for another name") || !strings.Contains(err.Error(), `insecure = true in the "aws" block`) {
		t.Fatalf("want the TLS fix, got %v", err)
	}
}

// A failed call's advice is said before the server's error when the error is of its kind, and
// only then.
func TestCallErrorAdvice(t *testing.T) {
	api := productAPI[*client.VBRClient]{product: client.VBR, data: &providerData{}}
	notFound := &client.APIError{Product: client.VBR, Method: "GET", Path: "/api/v1/security/users", Status: 404}
	var diags diag.Diagnostics
	api.callError(&diags, "Listing the users failed", notFound, whenForbidden("log in as an administrator"), needsVBR13("/api/v1/security/users"))
	if len(diags) != 1 || !strings.HasPrefix(diags[0].Detail(), "The server has no /api/v1/security/users: it needs Veeam Backup & Replication 13") ||
		!strings.Contains(diags[0].Detail(), "1.3-rev1 or newer.\n\n"+notFound.Error()) {
		t.Fatalf("404 with advice: %v", diags)
	}
	diags = nil
	forbidden := &client.APIError{Product: client.VBR, Method: "GET", Path: "/api/v1/security/users", Status: 403}
	api.callError(&diags, "Listing the users failed", forbidden, needsVBR13("/api/v1/security/users"))
	if len(diags) != 1 || diags[0].Detail() != forbidden.Error() {
		t.Fatalf("an error no advice fits is reported as it is: %v", diags)
	}
}
