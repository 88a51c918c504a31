package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// emProviderConfig is a provider block for the emulator's Enterprise Manager, trusted through
// ca_cert_pem, with extra attribute lines (credentials, tenant, api_version).
func emProviderConfig(srv *emulatortest.Servers, extra ...string) string {
	return fmt.Sprintf(`
provider "veeam" {
  em {
    host        = %q
    ca_cert_pem = %s
%s
  }
}
`, srv.URL[emulator.EM], heredoc(srv.CACertPEM), strings.Join(extra, "\n"))
}

// emCredentials are the attribute lines of a username and password.
func emCredentials(user, password string) string {
	return fmt.Sprintf("    username = %q\n    password = %q", user, password)
}

// emOutput matches the parts in order anywhere in Terraform's output, whatever line wrapping
// Terraform put between their words.
func emOutput(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

func TestAccEMBlock_wrongCredentials(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config:      emProviderConfig(srv, emCredentials("administrator", "wrong")) + `data "veeam_em_api" "test" {}`,
			ExpectError: emOutput(`Veeam Backup Enterprise Manager login failed ("em" block)`, `rejected the credentials of the "em" block`, "401", "incorrect"),
		}},
	})
	if c := srv.Emulator.Counters(emulator.EM); c.Logins != 0 || c.Status4xx == 0 {
		t.Fatalf("emulator counters %+v", c)
	}
}

func TestAccEMBlock_credentialErrorsNameTheAttribute(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				// A password without a username: found when the provider logs on.
				Config:      emProviderConfig(srv, `    password = "Password1"`) + `data "veeam_em_api" "test" {}`,
				ExpectError: emOutput(`Invalid "em" block`, `username: not set: set username in the "em" block or VEEAM_EM_USERNAME`),
			},
			{
				Config:      emProviderConfig(srv, emCredentials("administrator", "Password1"), `    api_version = "banana"`) + `data "veeam_em_api" "test" {}`,
				ExpectError: emOutput("api_version", `such as "v1_7", or "latest"`),
			},
			{
				// A version the server does not offer: the message lists the ones it does.
				Config:      emProviderConfig(srv, emCredentials("administrator", "Password1"), `    api_version = "v1_4"`) + `data "veeam_em_api" "test" {}`,
				ExpectError: emOutput(`Invalid "em" block`, `"v1_4" is not offered by Veeam Backup Enterprise Manager`, "which supports v1_5, v1_6, v1_7"),
			},
		},
	})
}

func TestAccEMBlock_tenantAndVersion(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config: emProviderConfig(srv, emCredentials("tenant01", "Password1"), "    tenant = true", `    api_version = "v1_6"`) + `data "veeam_em_api" "test" {}`,
			Check: func(*terraformState) error {
				c := srv.Emulator.Counters(emulator.EM)
				if c.Logins == 0 || c.Endpoints["POST /api/sessionMngr/{$} grant=tenant"] != c.Logins || c.Endpoints["POST /api/sessionMngr/{$} grant=basic"] != 0 {
					return fmt.Errorf("want only tenant logons, got %+v", c)
				}
				return nil
			},
		}},
	})
}

func TestEMBlockResolve(t *testing.T) {
	for _, k := range []string{"HOST", "USERNAME", "PASSWORD", "TENANT", "API_VERSION"} {
		t.Setenv("VEEAM_EM_"+k, "")
	}
	t.Setenv("VEEAM_EM_HOST", "em.example.com")
	t.Setenv("VEEAM_EM_PASSWORD", "env-password")
	t.Setenv("VEEAM_EM_TENANT", "true")
	m := emBlockModel{Username: types.StringValue("tenant01"), connectionModel: connectionModel{APIVersion: types.StringValue("LATEST")}}
	cfg, err := (&resolver{product: "em"}).resolve(&m)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "em.example.com" || cfg.APIVersion != "LATEST" || cfg.Credentials != (client.Credentials{Username: "tenant01", Password: "env-password", Tenant: true}) {
		t.Fatalf("cfg = %+v", cfg)
	}
	if productOf(client.EM).lazy(cfg.Credentials) {
		t.Error("credentials are set: the login must not be deferred")
	}
	if !productOf(client.EM).lazy(client.Credentials{}) {
		t.Error("no credentials: the login must be deferred (veeam_em_api needs none)")
	}
	// Wrong values from the environment name the attribute and the variable.
	for env, attr := range map[string]string{"VEEAM_EM_API_VERSION": "api_version", "VEEAM_EM_TENANT": "tenant"} {
		t.Run(attr, func(t *testing.T) {
			t.Setenv(env, "bogus")
			_, err := (&resolver{product: "em"}).resolve(&emBlockModel{})
			var ce *blockError
			if !errors.As(err, &ce) || ce.Attribute != attr || !strings.Contains(err.Error(), env) {
				t.Fatalf("want a ConfigError for %s naming %s, got %v", attr, env, err)
			}
		})
	}
}

func TestEMSchemasKeepSecretsSensitive(t *testing.T) {
	block := emBlockSchema()
	if pw, ok := block.Attributes["password"].(providerschema.StringAttribute); !ok || !pw.Sensitive {
		t.Error("em.password is not sensitive")
	}
	var resp ephemeral.SchemaResponse
	newTokenEphemeralResource(productOf(client.EM))().Schema(context.Background(), ephemeral.SchemaRequest{}, &resp)
	for _, a := range []string{"token", "header_value"} {
		if attr, ok := resp.Schema.Attributes[a].(schema.StringAttribute); !ok || !attr.Sensitive {
			t.Errorf("veeam_em_session.%s is not sensitive", a)
		}
	}
}
