package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// cloudProviderConfig is a provider block for product p (azure, gcp) of the emulator; extra
// lines go inside the block.
func cloudProviderConfig(srv *emulatortest.Servers, p emulator.Product, user, password, extra string) string {
	return fmt.Sprintf(`
provider "veeam" {
  %s {
    host        = %q
    username    = %q
    password    = %q
    ca_cert_pem = %s
%s  }
}
`, p, srv.URL[p], user, password, heredoc(srv.CACertPEM), extra)
}

const azureMFAAddr = "veeam_azure_user_mfa.test"

func azureMFAConfig(srv *emulatortest.Servers, user, triggers string) string {
	cfg := cloudProviderConfig(srv, emulator.AZURE, "administrator", "Password1", "") + fmt.Sprintf(`
resource "veeam_azure_user_mfa" "test" {
  user_name = %q
`, user)
	if triggers != "" {
		cfg += fmt.Sprintf("  rotation_triggers = { version = %q }\n", triggers)
	}
	return cfg + "}\n"
}

// azureSecretIsLive checks the secret in state is the emulator's live secret of user, and
// that user logs in to Backup for Microsoft Azure with it (the Mfa grant, code computed).
func azureSecretIsLive(srv *emulatortest.Servers, user string, remember *string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(azureMFAAddr, "secret_key", func(secret string) error {
		st, ok := srv.Emulator.User(emulator.AZURE, user)
		if !ok || !st.MFAEnabled || st.MFASecret != secret {
			return fmt.Errorf("the secret in state is not %s's live MFA secret (enabled %v)", user, st.MFAEnabled)
		}
		c, err := client.NewAzure(onEmulatorClock(srv, client.Config{Host: srv.URL[emulator.AZURE], TLS: client.TLSConfig{CACertPEM: srv.CACertPEM},
			Credentials: client.Credentials{Username: user, Password: "Password1", TOTPSecret: secret}}))
		if err != nil {
			return err
		}
		if _, err := c.Credential(context.Background()); err != nil {
			return fmt.Errorf("MFA login with the secret from state: %w", err)
		}
		if remember != nil {
			*remember = secret
		}
		return nil
	})
}

// TestAccAzureUserMFA_lifecycle drives veeam_azure_user_mfa through the terraform CLI: enable
// (acceptMfa with a computed code), an empty second plan, drift (MFA disabled outside
// Terraform), rotation, import and destroy.
func TestAccAzureUserMFA_lifecycle(t *testing.T) {
	srv := testEmulator(t)
	var first, afterDrift, rotated string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: azureMFAConfig(srv, "operator", "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(azureMFAAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(azureMFAAddr, tfjsonpath.New("scratch_codes"), knownvalue.ListSizeExact(5)),
					statecheck.ExpectKnownValue(azureMFAAddr, tfjsonpath.New("otpauth_uri"), knownvalue.StringRegexp(regexp.MustCompile(`^otpauth://totp/operator`))),
					statecheck.ExpectSensitiveValue(azureMFAAddr, tfjsonpath.New("secret_key")),
				},
				Check: azureSecretIsLive(srv, "operator", &first),
			},
			{
				Config:           azureMFAConfig(srv, "operator", "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				PreConfig: func() {
					if err := testAzureClient(t, srv).DisableMFA(context.Background(), "operator"); err != nil {
						t.Fatalf("disabling MFA behind Terraform's back: %v", err)
					}
				},
				Config: azureMFAConfig(srv, "operator", "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(azureMFAAddr, plancheck.ResourceActionCreate)},
				},
				Check: azureSecretIsLive(srv, "operator", &afterDrift),
			},
			{
				Config: azureMFAConfig(srv, "operator", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(azureMFAAddr, plancheck.ResourceActionUpdate)},
				},
				Check: azureSecretIsLive(srv, "operator", &rotated),
			},
			{
				Config:           azureMFAConfig(srv, "operator", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName: azureMFAAddr, ImportState: true, ImportStateId: "operator", ImportStateVerify: true,
				ImportStateVerifyIdentifierAttribute: "user_name",
				ImportStateVerifyIgnore:              []string{"secret_key", "otpauth_uri", "scratch_codes", "rotation_triggers"},
			},
			{
				Config:      azureMFAConfig(srv, "nobody", ""),
				ExpectError: regexp.MustCompile(`(?s)no Veeam Backup for Microsoft Azure user "nobody"`),
			},
		},
		CheckDestroy: func(_ *terraformState) error {
			if st, _ := srv.Emulator.User(emulator.AZURE, "operator"); st.MFAEnabled {
				return fmt.Errorf("MFA is still enabled for operator after destroy")
			}
			return nil
		},
	})
	if first == "" || first == afterDrift || afterDrift == rotated {
		t.Fatal("drift and rotation must each produce a new secret")
	}
}

func testAzureClient(t *testing.T, srv *emulatortest.Servers) *client.AzureClient {
	t.Helper()
	c, err := client.NewAzure(onEmulatorClock(srv, client.Config{Host: srv.URL[emulator.AZURE], TLS: client.TLSConfig{CACertPEM: srv.CACertPEM},
		Credentials: client.Credentials{Username: "administrator", Password: "Password1"}}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAccCloudTokensAndUsers: the azure and gcp blocks log in (gcp's jsmith through the MFA
// step that answers 202, with a code computed from totp_secret), their token ephemeral
// resources hand out bearer tokens, and data.veeam_azure_users lists the users.
func TestAccCloudTokensAndUsers(t *testing.T) {
	srv := testEmulator(t)
	cfg := fmt.Sprintf(`
provider "veeam" {
  azure {
    host        = %q
    username    = "administrator"
    password    = "Password1"
    ca_cert_pem = %s
  }
  gcp {
    host        = %q
    username    = "jsmith"
    password    = "Password1"
    totp_secret = "JBSWY3DPEHPK3PXP"
    ca_cert_pem = %s
  }
}

ephemeral "veeam_azure_token" "test" {}
ephemeral "veeam_gcp_token" "test" {}

provider "echo" {
  data = {
    azure = ephemeral.veeam_azure_token.test.header_value
    gcp   = ephemeral.veeam_gcp_token.test.username
  }
}

resource "echo" "test" {}

data "veeam_azure_users" "operator" {
  name = "operator"
}
`, srv.URL[emulator.AZURE], heredoc(srv.CACertPEM), srv.URL[emulator.GCP], heredoc(srv.CACertPEM))
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("azure"), knownvalue.StringRegexp(regexp.MustCompile(`^Bearer \S+$`))),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("gcp"), knownvalue.StringExact("jsmith")),
				statecheck.ExpectKnownValue("data.veeam_azure_users.operator", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("role"), knownvalue.StringExact("PortalOperator")),
				statecheck.ExpectKnownValue("data.veeam_azure_users.operator", tfjsonpath.New("users"), knownvalue.ListSizeExact(1)),
			},
		}},
	})
	if c := srv.Emulator.Counters(emulator.GCP); c.Logins == 0 {
		t.Fatalf("the gcp listener saw no login: %+v", c)
	}
}
