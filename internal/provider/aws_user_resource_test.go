package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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

const userAddr = "veeam_aws_user.test"

// awsUserConfig is the administrator's provider and one veeam_aws_user with body.
func awsUserConfig(srv *emulatortest.Servers, body string) string {
	return awsProviderConfig(srv, "administrator", "Password1") + `
resource "veeam_aws_user" "test" {
` + body + `}
`
}

// awsLogin logs in to the emulator as user with password.
func awsLogin(srv *emulatortest.Servers, user, password string) error {
	c, err := client.NewAWS(onEmulatorClock(srv, client.Config{
		Host:        srv.URL[emulator.AWS],
		Credentials: client.Credentials{Username: user, Password: password},
		TLS:         client.TLSConfig{CACertPEM: srv.CACertPEM},
	}))
	if err != nil {
		return err
	}
	_, err = c.Credential(context.Background())
	return err
}

// passwordWorks checks that password logs user in and every one of stale does not.
func passwordWorks(srv *emulatortest.Servers, user, password string, stale ...string) resource.TestCheckFunc {
	return func(_ *terraformState) error {
		if err := awsLogin(srv, user, password); err != nil {
			return fmt.Errorf("%s cannot log in with the configured password: %w", user, err)
		}
		for _, old := range stale {
			if err := awsLogin(srv, user, old); !client.IsAuthenticationFailed(err) {
				return fmt.Errorf("%s's previous password %q must be refused, got %v", user, old, err)
			}
		}
		return nil
	}
}

// jsonContains is a state or plan check on the whole JSON document Terraform shows: whether
// it contains s anywhere (attribute values, sensitive or not, included).
type jsonContains struct {
	s    string
	want bool
}

func (c jsonContains) check(what string, doc any) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	if got := strings.Contains(string(b), c.s); got != c.want {
		if c.want {
			return fmt.Errorf("the %s does not contain %q", what, c.s)
		}
		return fmt.Errorf("the %s contains %q", what, c.s)
	}
	return nil
}

func (c jsonContains) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.check("state", req.State)
}

// CheckPlan looks at what the plan would store (planned values and resource changes), not at
// the configuration the plan also echoes, where the literal password of a test naturally is.
func (c jsonContains) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = c.check("plan", []any{req.Plan.PlannedValues, req.Plan.ResourceChanges, req.Plan.PriorState})
}

func notInState(s string) statecheck.StateCheck { return jsonContains{s: s} }
func inState(s string) statecheck.StateCheck    { return jsonContains{s: s, want: true} }
func notInPlan(s string) plancheck.PlanCheck    { return jsonContains{s: s} }

func TestAccAWSUser_writeOnlyPassword(t *testing.T) {
	srv := testEmulator(t)
	const first, second = "First-Pass-1x", "Second-Pass-2y"
	v1 := fmt.Sprintf(`  name                = "alice"
  description         = "first"
  password_wo         = %q
  password_wo_version = 1
`, first)
	v1b := strings.Replace(v1, `"first"`, `"changed"`, 1)
	v2 := fmt.Sprintf(`  name                = "alice"
  description         = "changed"
  password_wo         = %q
  password_wo_version = 2
`, second)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: awsUserConfig(srv, v1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionCreate),
					notInPlan(first),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("name"), knownvalue.StringExact("alice")),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("description"), knownvalue.StringExact("first")),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("is_default"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("password"), knownvalue.Null()),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("password_wo_version"), knownvalue.Int64Exact(1)),
					notInState(first),
				},
				Check: passwordWorks(srv, "alice", first),
			},
			{
				Config:           awsUserConfig(srv, v1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:                         userAddr,
				ImportState:                          true,
				ImportStateId:                        "alice",
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "name",
				// The appliance never returns a password: import cannot know its version.
				ImportStateVerifyIgnore: []string{"password_wo_version"},
			},
			{
				// The description alone changes in place; the password is not sent.
				Config: awsUserConfig(srv, v1b),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("description"), knownvalue.StringExact("changed")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					passwordWorks(srv, "alice", first),
					func(_ *terraformState) error {
						if st, _ := srv.Emulator.AWSUser("alice"); st.Description != "changed" {
							return fmt.Errorf("the appliance's description is %q", st.Description)
						}
						return nil
					},
				),
			},
			{
				// A new password_wo_version sends the new password.
				Config: awsUserConfig(srv, v2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
					notInPlan(second),
				}},
				ConfigStateChecks: []statecheck.StateCheck{notInState(first), notInState(second)},
				Check:             passwordWorks(srv, "alice", second, first),
			},
			{
				// Deleted outside Terraform: the next plan creates it again, with the password.
				PreConfig: func() {
					if err := testAWSClient(t, srv).DeleteUser(context.Background(), "alice"); err != nil {
						t.Fatalf("deleting alice behind Terraform's back: %v", err)
					}
				},
				Config: awsUserConfig(srv, v2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionCreate),
				}},
				Check: passwordWorks(srv, "alice", second),
			},
		},
		CheckDestroy: func(_ *terraformState) error {
			if _, ok := srv.Emulator.AWSUser("alice"); ok {
				return fmt.Errorf("alice still exists after destroy")
			}
			return nil
		},
	})
}

func TestAccAWSUser_statePassword(t *testing.T) {
	srv := testEmulator(t)
	const first, second = "Kept-Pass-1x", "Kept-Pass-2y"
	cfg := func(pw string) string {
		return awsUserConfig(srv, fmt.Sprintf("  name     = \"bob\"\n  password = %q\n", pw))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: cfg(first),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectSensitiveValue(userAddr, tfjsonpath.New("password")),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					// The control for notInState: a `password` is kept in state.
					inState(first),
				},
				Check: passwordWorks(srv, "bob", first),
			},
			{
				ResourceName:                         userAddr,
				ImportState:                          true,
				ImportStateId:                        "bob",
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "name",
				ImportStateVerifyIgnore:              []string{"password"},
			},
			{
				Config: cfg(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				}},
				Check: passwordWorks(srv, "bob", second, first),
			},
		},
	})
}

// TestAccAWSUser_ownPassword changes the password of the user the provider logs in as: the
// appliance needs the current password, which the provider takes from its own block.
func TestAccAWSUser_ownPassword(t *testing.T) {
	srv := testEmulator(t)
	addAWSUser(t, srv, "admin2", "Admin2-Old-1", "Portal Administrator")
	t.Setenv("VEEAM_AWS_PASSWORD", "Admin2-Old-1")
	config := fmt.Sprintf(`
provider "veeam" {
  aws {
    host        = %q
    username    = "admin2"
    ca_cert_pem = %s
  }
}

resource "veeam_aws_user" "test" {
  name                = "admin2"
  password_wo         = "Admin2-New-2"
  password_wo_version = 1
}
`, srv.URL[emulator.AWS], heredoc(srv.CACertPEM))
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       userAddr,
				ImportState:        true,
				ImportStateId:      "admin2",
				ImportStatePersist: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				}},
				Check: func(s *terraformState) error {
					if err := passwordWorks(srv, "admin2", "Admin2-New-2", "Admin2-Old-1")(s); err != nil {
						return err
					}
					// The provider's next commands log in with the new password.
					t.Setenv("VEEAM_AWS_PASSWORD", "Admin2-New-2")
					return nil
				},
			},
			{
				// Let go of admin2 without deleting it (the appliance refuses to delete
				// the user that is logged in).
				Config: strings.Split(config, `resource "veeam_aws_user"`)[0] + `
removed {
  from = veeam_aws_user.test
  lifecycle {
    destroy = false
  }
}
`,
			},
		},
	})
}

func TestAccAWSUser_errors(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config:      awsUserConfig(srv, "  name = \"carol\"\n  password = \"a\"\n  password_wo = \"b\"\n  password_wo_version = 1\n"),
				ExpectError: msgRe("Invalid Attribute Combination", "password", "password_wo"),
			},
			{
				Config:      awsUserConfig(srv, "  name = \"carol\"\n"),
				ExpectError: msgRe("Exactly one of these attributes must be configured: [password,password_wo]"),
			},
			{
				Config:      awsUserConfig(srv, "  name = \"carol\"\n  password_wo = \"b\"\n"),
				ExpectError: msgRe(`Attribute "password_wo_version" must be specified when "password_wo" is specified`),
			},
			{
				Config:      awsUserConfig(srv, "  name = \"operator\"\n  password_wo = \"b\"\n  password_wo_version = 1\n"),
				ExpectError: msgRe(`User "operator" already exists: import it (terraform import veeam_aws_user.NAME operator)`),
			},
			{
				// A Portal Operator may not manage users.
				Config: strings.Replace(awsUserConfig(srv, "  name = \"carol\"\n  password_wo = \"b\"\n  password_wo_version = 1\n"),
					`username    = "administrator"`, `username    = "operator"`, 1),
				ExpectError: msgRe(`may not manage user "carol": log in as a Portal Administrator`),
			},
		},
	})
}

// TestAccAWSUser_mfaDriftAndMigration: a user with veeam_aws_user_mfa in the same
// configuration (the user resource has no MFA flag, so MFA changes nothing in it), a description changed outside Terraform
// (set back), and a move from `password` to `password_wo` (the state loses the password, the
// new one is sent).
func TestAccAWSUser_mfaDriftAndMigration(t *testing.T) {
	srv := testEmulator(t)
	const kept, writeOnly = "Kept-Pass-1x", "Write-Only-2y"
	withMFA := `
resource "veeam_aws_user_mfa" "test" {
  user_name = veeam_aws_user.test.name
}
`
	inState := awsUserConfig(srv, fmt.Sprintf("  name        = \"erin\"\n  description = \"Erin\"\n  password    = %q\n", kept)) + withMFA
	migrated := awsUserConfig(srv, fmt.Sprintf("  name        = \"erin\"\n  description = \"Erin\"\n  password_wo = %q\n  password_wo_version = 1\n", writeOnly)) + withMFA
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: inState,
			},
			{
				// MFA is on now; nothing to change.
				Config:           inState,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(_ *terraformState) error {
					if st, _ := srv.Emulator.AWSUser("erin"); !st.MFAEnabled {
						return fmt.Errorf("the appliance says MFA is off for erin")
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					if _, err := testAWSClient(t, srv).UpdateUser(context.Background(), "erin", "changed by hand", "", ""); err != nil {
						t.Fatal(err)
					}
				},
				Config: inState,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("description"), knownvalue.StringExact("Erin")),
					// Nothing in the user shows "(known after apply)" on an update.
					plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("is_default"), knownvalue.Bool(false)),
				}},
				Check: func(_ *terraformState) error {
					if st, _ := srv.Emulator.AWSUser("erin"); st.Description != "Erin" || !st.MFAEnabled {
						return fmt.Errorf("after the update: description %q, MFA %v", st.Description, st.MFAEnabled)
					}
					return nil
				},
			},
			{
				Config: migrated,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("password"), knownvalue.Null()),
					notInState(kept),
					notInState(writeOnly),
				},
				// The user has MFA now: log in with the secret from state and the new password.
				Check: func(s *terraformState) error {
					if err := awsLogin(srv, "erin", kept); !client.IsAuthenticationFailed(err) {
						return fmt.Errorf("the password kept in state must be refused, got %v", err)
					}
					return loginWithStateSecret(srv, s, "erin", writeOnly)
				},
			},
		},
	})
}
