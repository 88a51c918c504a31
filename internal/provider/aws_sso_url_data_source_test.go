package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// TestAccAWSSSOURLDataSource_withoutCredentials reads the sign-on URL with an aws block that
// has no credentials at all: the call needs no login, and Configure does not attempt one.
func TestAccAWSSSOURLDataSource_withoutCredentials(t *testing.T) {
	srv := testEmulator(t)
	clearAWSEnv(t)
	const addr = "data.veeam_aws_sso_url.sara"
	noLogins := func(_ *terraformState) error {
		if n := srv.Emulator.Counters(emulator.AWS).Logins; n != 0 {
			t.Errorf("the provider logged in %d times; the sign-on URL needs no login", n)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				// Anything that needs a login says what to set.
				Config: awsBlock(srv, "") + `
data "veeam_aws_user" "me" {
  name = "administrator"
}
`,
				ExpectError: msgRe(`The provider's "aws" block cannot log in: username: no credentials: set username and password in the "aws" block`,
					"or one of authorization_code, refresh_token or saml_response"),
			},
			{
				Config: awsBlock(srv, "") + `
data "veeam_aws_sso_url" "sara" {
  user_name = ""
}
`,
				ExpectError: msgRe("Attribute user_name string length must be at least 1"),
			},
			{
				Config: awsBlock(srv, "") + `
data "veeam_aws_sso_url" "sara" {
  user_name = "sara_baker@companymail.com"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("redirect_to_url"),
						knownvalue.StringRegexp(regexp.MustCompile(`^https://127\.0\.0\.1:\d+/idp/sso\?SAMLRequest=[\w%]+$`))),
				},
				Check: noLogins,
			},
			{
				// No aws block: VEEAM_AWS_HOST (and the CA) alone will do.
				PreConfig: func() {
					t.Setenv("VEEAM_AWS_HOST", srv.URL[emulator.AWS])
					t.Setenv("VEEAM_AWS_CA_CERT_PEM", srv.CACertPEM)
				},
				Config: `
data "veeam_aws_sso_url" "sara" {
  user_name = "sara_baker@companymail.com"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("redirect_to_url"), knownvalue.StringRegexp(regexp.MustCompile(`SAMLRequest=`))),
				},
				Check: noLogins,
			},
		},
	})
}

// TestAccAWSSSOURLDataSource_unknownCredentials reads the URL at plan time while the block's
// password is only known after apply.
func TestAccAWSSSOURLDataSource_unknownCredentials(t *testing.T) {
	srv := testEmulator(t)
	clearAWSEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{{
			Config: `
resource "echo" "password" {}

provider "echo" {
  data = "Password1"
}
` + awsBlock(srv, `    username = "administrator"
    password = echo.password.data`) + `
data "veeam_aws_sso_url" "sara" {
  user_name = "sara_baker@companymail.com"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.veeam_aws_sso_url.sara", tfjsonpath.New("redirect_to_url"), knownvalue.StringRegexp(regexp.MustCompile(`SAMLRequest=`))),
			},
		}},
	})
}

func TestUnauthenticatedAWSWaitsOnlyForConnectionSettings(t *testing.T) {
	cfg := client.Config{Host: "https://aws.example.com"}
	aws := &configured{pending: []string{"username", "password"}, config: cfg, resolver: &resolver{product: client.AWS}}
	d := &providerData{products: map[client.Product]*configured{client.AWS: aws}}
	if c, diags := unauthenticatedAWS(d); diags.HasError() || c == nil || c.BaseURL() != "https://aws.example.com:11005" {
		t.Fatalf("unknown credentials must not stop an unauthenticated call: %v", diags)
	}
	aws.pending = []string{"password", "host"}
	if _, diags := unauthenticatedAWS(d); !diags.HasError() || !strings.Contains(diags[0].Detail(), "host") {
		t.Fatalf("an unknown host must: %v", diags)
	}
	if _, diags := unauthenticatedAWS(&providerData{}); !diags.HasError() || !strings.Contains(diags[0].Summary(), `Missing "aws" block`) {
		t.Fatalf("a missing block must be reported: %v", diags)
	}
}
