package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/pquerna/otp/totp"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

const mfaAddr = "veeam_aws_user_mfa.test"

func mfaConfig(srv *emulatortest.Servers, user, triggers string) string {
	cfg := awsProviderConfig(srv, "administrator", "Password1") + fmt.Sprintf(`
resource "veeam_aws_user_mfa" "test" {
  user_name = %q
`, user)
	if triggers != "" {
		cfg += fmt.Sprintf("  rotation_triggers = { version = %q }\n", triggers)
	}
	return cfg + "}\n"
}

// secretMatchesEmulator checks that the secret in state is the one the appliance checks
// logins against, and that it produces a code the appliance accepts.
func secretMatchesEmulator(srv *emulatortest.Servers, user string, remember *string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(mfaAddr, "secret_key", func(v string) error {
		return secretIsLive(srv, user, v, remember)
	})
}

// secretIsLive checks that secret is the appliance's live MFA secret of user and a usable
// TOTP secret; remember (when not nil) receives it.
func secretIsLive(srv *emulatortest.Servers, user, secret string, remember *string) error {
	st, ok := srv.Emulator.AWSUser(user)
	if !ok || !st.MFAEnabled {
		return fmt.Errorf("the emulator says MFA is not enabled for %s", user)
	}
	if st.MFASecret != secret {
		return fmt.Errorf("the secret in state differs from the appliance's secret")
	}
	if _, err := totp.GenerateCode(secret, time.Now()); err != nil {
		return fmt.Errorf("the secret in state is not a usable TOTP secret: %v", err)
	}
	if remember != nil {
		*remember = secret
	}
	return nil
}

func TestAccAWSUserMFA_lifecycle(t *testing.T) {
	srv := testEmulator(t)
	addAWSUser(t, srv, "alice", "Alice-Pass1", "Portal Operator")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: mfaConfig(srv, "alice", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(mfaAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(mfaAddr, tfjsonpath.New("user_name"), knownvalue.StringExact("alice")),
					statecheck.ExpectKnownValue(mfaAddr, tfjsonpath.New("encrypted_secrets"), knownvalue.Null()),
					statecheck.ExpectKnownValue(mfaAddr, tfjsonpath.New("scratch_codes"), knownvalue.ListSizeExact(5)),
					statecheck.ExpectKnownValue(mfaAddr, tfjsonpath.New("otpauth_uri"), knownvalue.StringRegexp(regexp.MustCompile(`^otpauth://totp/`))),
					statecheck.ExpectSensitiveValue(mfaAddr, tfjsonpath.New("secret_key")),
					statecheck.ExpectSensitiveValue(mfaAddr, tfjsonpath.New("otpauth_uri")),
					statecheck.ExpectSensitiveValue(mfaAddr, tfjsonpath.New("scratch_codes")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					secretMatchesEmulator(srv, "alice", nil),
					// The QR code is rendered by provider::veeam::qr_code_png, not kept in state.
					resource.TestCheckNoResourceAttr(mfaAddr, "qr_code_png"),
					resource.TestCheckNoResourceAttr(mfaAddr, "id"),
					// The user logs in with the secret Terraform holds, computing the code itself.
					func(s *terraformState) error { return loginWithStateSecret(srv, s, "alice", "Alice-Pass1") },
				),
			},
			{
				// Re-applying the same configuration changes nothing.
				Config: mfaConfig(srv, "alice", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:                         mfaAddr,
				ImportState:                          true,
				ImportStateId:                        "alice",
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "user_name",
				// The appliance never returns the secret again: import cannot know it.
				ImportStateVerifyIgnore: []string{"secret_key", "otpauth_uri", "scratch_codes"},
			},
		},
		CheckDestroy: func(_ *terraformState) error {
			st, _ := srv.Emulator.AWSUser("alice")
			if st.MFAEnabled {
				return fmt.Errorf("MFA is still enabled for alice after destroy")
			}
			return nil
		},
	})
}

func TestAccAWSUserMFA_driftWhenDisabledOutsideTerraform(t *testing.T) {
	srv := testEmulator(t)
	addAWSUser(t, srv, "alice", "Alice-Pass1", "Portal Operator")
	var before, after string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: mfaConfig(srv, "alice", ""),
				Check:  secretMatchesEmulator(srv, "alice", &before),
			},
			{
				PreConfig: func() {
					admin := testAWSClient(t, srv)
					if err := admin.DisableMFA(context.Background(), "alice"); err != nil {
						t.Fatalf("disabling MFA behind Terraform's back: %v", err)
					}
				},
				Config: mfaConfig(srv, "alice", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(mfaAddr, plancheck.ResourceActionCreate)},
				},
				Check: secretMatchesEmulator(srv, "alice", &after),
			},
		},
	})
	if before == "" || before == after {
		t.Fatal("re-enabling MFA after drift must produce a new secret")
	}
}

func TestAccAWSUserMFA_rotation(t *testing.T) {
	srv := testEmulator(t)
	addAWSUser(t, srv, "alice", "Alice-Pass1", "Portal Operator")
	var first, second string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: mfaConfig(srv, "alice", "1"),
				Check:  secretMatchesEmulator(srv, "alice", &first),
			},
			{
				Config: mfaConfig(srv, "alice", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(mfaAddr, plancheck.ResourceActionUpdate)},
				},
				Check: secretMatchesEmulator(srv, "alice", &second),
			},
		},
	})
	if first == "" || first == second {
		t.Fatal("changing rotation_triggers must re-create the secret in place")
	}
}

func TestAccAWSUserMFA_errors(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: awsProviderConfig(srv, "administrator", "wrong-password") + `
resource "veeam_aws_user_mfa" "test" {
  user_name = "administrator"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Veeam Backup for AWS login failed \("aws" block\).*rejected the credentials.*AccessDenied`),
			},
			{
				Config:      mfaConfig(srv, "nobody", ""),
				ExpectError: regexp.MustCompile(`(?s)no Veeam Backup for AWS user "nobody"`),
			},
			{
				// MFA enabled outside Terraform: enableMfa's refusal is explained, not retried.
				PreConfig: func() {
					addAWSUser(t, srv, "mfa-on", "Mfa-On-Pass1", "Portal Operator")
					if _, err := testAWSClient(t, srv).EnrollMFA(context.Background(), "mfa-on", false); err != nil {
						t.Fatal(err)
					}
				},
				Config:      mfaConfig(srv, "mfa-on", ""),
				ExpectError: regexp.MustCompile(`(?s)MFA is already enabled.*terraform import veeam_aws_user_mfa.NAME mfa-on`),
			},
			{
				Config: `
resource "veeam_aws_user_mfa" "test" {
  user_name = "administrator"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Missing "aws" block in the provider configuration`),
			},
		},
	})
}

func testAWSClient(t *testing.T, srv *emulatortest.Servers) *client.AWSClient {
	t.Helper()
	c, err := client.NewAWS(onEmulatorClock(srv, client.Config{
		Host:        srv.URL[emulator.AWS],
		Credentials: client.Credentials{Username: "administrator", Password: "Password1"},
		TLS:         client.TLSConfig{CACertPEM: srv.CACertPEM},
	}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// loginWithStateSecret logs in as user with the secret_key Terraform stored.
func loginWithStateSecret(srv *emulatortest.Servers, s *terraformState, user, password string) error {
	rs, ok := s.RootModule().Resources[mfaAddr]
	if !ok {
		return fmt.Errorf("%s not in state", mfaAddr)
	}
	c, err := client.NewAWS(onEmulatorClock(srv, client.Config{
		Host:        srv.URL[emulator.AWS],
		Credentials: client.Credentials{Username: user, Password: password, TOTPSecret: rs.Primary.Attributes["secret_key"]},
		TLS:         client.TLSConfig{CACertPEM: srv.CACertPEM},
	}))
	if err != nil {
		return err
	}
	if _, err := c.Credential(context.Background()); err != nil {
		return fmt.Errorf("MFA login with the secret from state: %w", err)
	}
	return nil
}
