package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// msgRe matches the parts of an error message in order, whatever Terraform's line wrapping
// did to the spaces between their words.
func msgRe(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, `.*`))
}

// awsBlock is a provider configuration whose aws block has host, ca_cert_pem and body.
func awsBlock(srv *emulatortest.Servers, body string) string {
	return fmt.Sprintf(`
provider "veeam" {
  aws {
    host        = %q
    ca_cert_pem = %s
%s
  }
}
`, srv.URL[emulator.AWS], heredoc(srv.CACertPEM), body)
}

// clearAWSEnv keeps the developer's VEEAM_AWS_* variables out of a test.
func clearAWSEnv(t *testing.T) {
	t.Helper()
	for _, a := range []string{"host", "username", "password", "totp_secret", "mfa_code", "authorization_code", "refresh_token", "saml_response"} {
		t.Setenv(envName("aws", a), "")
	}
}

func TestAWSBlockResolveOneLoginMethod(t *testing.T) {
	for name, tc := range map[string]struct {
		env       map[string]string
		model     awsBlockModel
		attribute string // "" : no error
		message   []string
		want      client.Credentials // checked when there is no error and it is set
	}{
		"password":              {model: awsBlockModel{Username: types.StringValue("u"), Password: types.StringValue("p")}},
		"authorization code":    {model: awsBlockModel{AuthorizationCode: types.StringValue("c")}},
		"refresh token in env":  {env: map[string]string{"VEEAM_AWS_REFRESH_TOKEN": "r"}},
		"saml response":         {model: awsBlockModel{SAMLResponse: types.StringValue("s")}},
		"no credentials at all": {},
		"password and refresh token in the block": {
			model:     awsBlockModel{Password: types.StringValue("p"), RefreshToken: types.StringValue("r")},
			attribute: "refresh_token", message: []string{`set by refresh_token in the "aws" block, conflicts with password (set by password in the "aws" block)`, "Keep exactly one of password (with username), authorization_code, refresh_token or saml_response"},
		},
		"refresh token from the environment, password in the block: the block wins": {
			env:   map[string]string{"VEEAM_AWS_REFRESH_TOKEN": "r"},
			model: awsBlockModel{Username: types.StringValue("u"), Password: types.StringValue("p")},
			want:  client.Credentials{Username: "u", Password: "p"},
		},
		"password from the environment, code in the block: the block wins": {
			env:   map[string]string{"VEEAM_AWS_USERNAME": "u", "VEEAM_AWS_PASSWORD": "p", "VEEAM_AWS_TOTP_SECRET": "JBSWY3DPEHPK3PXP"},
			model: awsBlockModel{AuthorizationCode: types.StringValue("c")},
			want:  client.Credentials{AuthorizationCode: "c"},
		},
		"code and SAML response from the environment": {
			env:       map[string]string{"VEEAM_AWS_AUTHORIZATION_CODE": "c", "VEEAM_AWS_SAML_RESPONSE": "s"},
			attribute: "saml_response", message: []string{"VEEAM_AWS_SAML_RESPONSE", "VEEAM_AWS_AUTHORIZATION_CODE"},
		},
		"totp secret and mfa code": {
			env:       map[string]string{"VEEAM_AWS_TOTP_SECRET": "JBSWY3DPEHPK3PXP"},
			model:     awsBlockModel{Username: types.StringValue("u"), Password: types.StringValue("p"), MFACode: types.StringValue("123456")},
			attribute: "mfa_code", message: []string{"conflicts with totp_secret (set by VEEAM_AWS_TOTP_SECRET)"},
		},
		"mfa code with an authorization code, both in the block": {
			model:     awsBlockModel{AuthorizationCode: types.StringValue("c"), MFACode: types.StringValue("123456")},
			attribute: "mfa_code", message: []string{"applies only to the password login", "authorization_code"},
		},
		"mfa code from the environment with an authorization code in the block": {
			env:   map[string]string{"VEEAM_AWS_MFA_CODE": "123456"},
			model: awsBlockModel{AuthorizationCode: types.StringValue("c")},
			want:  client.Credentials{AuthorizationCode: "c"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			clearAWSEnv(t)
			t.Setenv("VEEAM_AWS_HOST", "https://aws.example.com")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg, err := (&resolver{product: "aws"}).resolve(&tc.model)
			if tc.attribute == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tc.want != (client.Credentials{}) && cfg.Credentials != tc.want {
					t.Fatalf("credentials %+v, want %+v", cfg.Credentials, tc.want)
				}
				return
			}
			var ce *blockError
			if !errors.As(err, &ce) || ce.Attribute != tc.attribute {
				t.Fatalf("want a ConfigError on %s, got %v", tc.attribute, err)
			}
			for _, m := range tc.message {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("the message lacks %q: %v", m, err)
				}
			}
		})
	}
}

func TestAWSBlockLogsInLazilyOnlyWithoutCredentialsOrWithSingleUseOnes(t *testing.T) {
	for creds, lazy := range map[client.Credentials]bool{
		{}:                                 true,
		{AuthorizationCode: "c"}:           true,
		{RefreshToken: "r"}:                true,
		{SAMLResponse: "s"}:                true,
		{Username: "u", Password: "p"}:     false,
		{Username: "u"}:                    false, // fails at once: password not set
		{TOTPSecret: "JBSWY3DPEHPK3PXP"}:   false, // fails at once: no credentials
		{Username: "u", MFACode: "123456"}: false,
	} {
		if got := productOf(client.AWS).lazy(creds); got != lazy {
			t.Errorf("loginLazily(%+v) = %v, want %v", creds, got, lazy)
		}
	}
}

func TestAccAWSBlock_conflictingAttributes(t *testing.T) {
	srv := testEmulator(t)
	clearAWSEnv(t)
	const data = `
data "veeam_aws_user" "me" {
  name = "administrator"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: awsBlock(srv, `    username = "administrator"
    password = "Password1"
    refresh_token = "eyJ.x.y"`) + data,
				ExpectError: msgRe(`Conflicting login methods in the "aws" block`, "aws.refresh_token and aws.password are both set",
					"set exactly one way to log in: `password` (with `username`), `authorization_code`, `refresh_token` or `saml_response`"),
			},
			{
				Config: awsBlock(srv, `    authorization_code = "code"
    saml_response = "PHNhbWxw"`) + data,
				ExpectError: msgRe(`Conflicting login methods in the "aws" block`, "aws.saml_response and aws.authorization_code are both set"),
			},
			{
				Config: awsBlock(srv, `    username = "administrator"
    password = "Password1"
    totp_secret = "JBSWY3DPEHPK3PXP"
    mfa_code = "123456"`) + data,
				ExpectError: msgRe("Conflicting MFA attributes", "aws.mfa_code and aws.totp_secret are both set", "not both"),
			},
			{
				Config: awsBlock(srv, `    authorization_code = "code"
    mfa_code = "123456"`) + data,
				ExpectError: msgRe("MFA applies only to the password login", "aws.mfa_code and aws.authorization_code are both set"),
			},
		},
	})
}

func TestAccAWSBlock_blockWinsOverTheEnvironment(t *testing.T) {
	srv := testEmulator(t)
	clearAWSEnv(t)
	t.Setenv("VEEAM_AWS_REFRESH_TOKEN", "eyJ.x.y") // another login method, ignored: the block has a password
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config: awsProviderConfig(srv, "administrator", "Password1") + `
data "veeam_aws_user" "me" {
  name = "administrator"
}
`,
			Check: resource.TestCheckResourceAttr("data.veeam_aws_user.me", "is_default", "true"),
		}},
	})
}

// TestAccAWSBlock_authorizationCodeFromEphemeral logs a second provider configuration in with a
// code the first one issues: Terraform opens the ephemeral resource anew in every command, so
// every command gets a fresh code.
func TestAccAWSBlock_authorizationCodeFromEphemeral(t *testing.T) {
	srv := testEmulator(t)
	clearAWSEnv(t)
	config := awsProviderConfig(srv, "administrator", "Password1") + fmt.Sprintf(`
ephemeral "veeam_aws_authorization_code" "handoff" {}

provider "veeam" {
  alias = "by_code"
  aws {
    host               = %q
    ca_cert_pem        = %s
    authorization_code = ephemeral.veeam_aws_authorization_code.handoff.code
  }
}

data "veeam_aws_user" "me" {
  provider = veeam.by_code
  name     = "administrator"
}

resource "veeam_aws_user" "test" {
  provider            = veeam.by_code
  name                = "dave"
  description         = data.veeam_aws_user.me.description
  password_wo         = "Dave-Pass-1"
  password_wo_version = 1
}
`, srv.URL[emulator.AWS], heredoc(srv.CACertPEM))
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.veeam_aws_user.me", tfjsonpath.New("is_default"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("description"), knownvalue.StringExact("Default administrator")),
			},
			Check: passwordWorks(srv, "dave", "Dave-Pass-1"),
		}},
	})
	c := srv.Emulator.Counters(emulator.AWS)
	issued, exchanged := c.Endpoints["POST /api/v1/token/authorization_code"], c.Endpoints["POST /api/v1/token grant=authorization_code"]
	if exchanged < 3 || exchanged > issued || c.Status4xx != 0 {
		t.Fatalf("codes issued %d, exchanged %d, 4xx answers %d: want every command that called the API to log in with a fresh code, and no refusal",
			issued, exchanged, c.Status4xx)
	}
}

// freshCredentialFactories runs the provider with the environment variable env set to a new
// value of fresh before each Terraform command (each command is a new provider process in real
// use), so a single-use credential from the environment is fresh in every command; its clients
// are on the clock of srv's emulator.
func freshCredentialFactories(t *testing.T, srv *emulatortest.Servers, env string, fresh func() (string, error)) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"veeam": func() (tfprotov6.ProviderServer, error) {
			v, err := fresh()
			if err != nil {
				t.Errorf("preparing a single-use credential: %v", err)
			}
			t.Setenv(env, v)
			return providerserver.NewProtocol6WithError(testProvider(srv))()
		},
	}
}

func TestAccAWSBlock_refreshTokenFromTheEnvironment(t *testing.T) {
	srv := testEmulator(t)
	clearAWSEnv(t)
	admin := testAWSClient(t, srv)
	factories := freshCredentialFactories(t, srv, "VEEAM_AWS_REFRESH_TOKEN", func() (string, error) {
		c, err := client.NewAWS(admin.Config())
		if err != nil {
			return "", err
		}
		tok, err := c.Credential(context.Background())
		if err != nil {
			return "", err
		}
		return tok.RefreshToken, nil
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: awsBlock(srv, "") + `
data "veeam_aws_users" "all" {
  search_pattern = "admin"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.veeam_aws_users.all", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("administrator")),
			},
		}},
	})
	if c := srv.Emulator.Counters(emulator.AWS); c.Endpoints["POST /api/v1/token grant=refresh_token"] == 0 || c.Status4xx != 0 {
		t.Fatalf("want logins with the refresh_token grant and no refusal, got %v", c.Endpoints)
	}
}

func TestAccAWSBlock_samlResponseFromTheEnvironment(t *testing.T) {
	srv := testEmulator(t)
	clearAWSEnv(t)
	const sara = "sara_baker@companymail.com"
	factories := freshCredentialFactories(t, srv, "VEEAM_AWS_SAML_RESPONSE", func() (string, error) {
		return samlResponse(srv, sara, "Admin345Dept01")
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: awsBlock(srv, "") + fmt.Sprintf(`
data "veeam_aws_user" "me" {
  name = %q
}
`, sara),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.veeam_aws_user.me", tfjsonpath.New("description"), knownvalue.StringExact("Identity provider user")),
			},
		}},
	})
}

func TestAccAWSBlock_spentRefreshToken(t *testing.T) {
	srv := testEmulator(t)
	clearAWSEnv(t)
	admin := testAWSClient(t, srv)
	tok, err := admin.Credential(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Spend it, as an earlier Terraform command would have.
	spent := tok.RefreshToken
	c, err := client.NewAWS(onEmulatorClock(srv, client.Config{Host: srv.URL[emulator.AWS], TLS: client.TLSConfig{CACertPEM: srv.CACertPEM}, Credentials: client.Credentials{RefreshToken: spent}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Credential(context.Background()); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config: awsBlock(srv, fmt.Sprintf("    refresh_token = %q", spent)) + `
data "veeam_aws_user" "me" {
  name = "administrator"
}
`,
			ExpectError: msgRe(`The provider's "aws" block cannot log in: refresh_token: the server refused the refresh token`, "supply a fresh one"),
		}},
	})
}

// samlResponse signs user on at the emulator's identity provider and returns the SAMLResponse.
func samlResponse(srv *emulatortest.Servers, user, password string) (string, error) {
	c, err := client.NewAWS(onEmulatorClock(srv, client.Config{Host: srv.URL[emulator.AWS], TLS: client.TLSConfig{CACertPEM: srv.CACertPEM}}))
	if err != nil {
		return "", err
	}
	u, err := c.SignOnURL(context.Background(), user)
	if err != nil {
		return "", err
	}
	body, _ := json.Marshal(map[string]string{"UserName": user, "Password": password})
	resp, err := srv.HTTPClient().Post(u, "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var r struct{ Value string }
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Value == "" {
		return "", fmt.Errorf("identity provider answered %d without a SAMLResponse (%v)", resp.StatusCode, err)
	}
	return r.Value, nil
}
