package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
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

// The guides under docs/guides include their configurations from examples/guides/<name>/main.tf.
// Each test here applies one of them, as written, against the emulator (addresses and logins
// from VEEAM_<PRODUCT>_*, set by examplesEmulator), checks what the guide promises, and checks
// that the plan after apply is empty, as the guides tell their readers it will be. The
// TestAccDocs* tests check behaviour that a docs page warns about.

// guideConfig is the configuration a guide shows.
func guideConfig(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "guides", name, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// emptyPlanAfterApply are the plan checks of a step whose configuration converges.
var emptyPlanAfterApply = resource.ConfigPlanChecks{
	PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
}

// TestAccGuideEnforceMFA runs "Enforce MFA for every Backup for AWS user": every user but the
// exempt ones gets MFA with a secret the appliance accepts; a new rotation value rotates every
// secret in place; each apply is followed by an empty plan.
func TestAccGuideEnforceMFA(t *testing.T) {
	srv := examplesEmulator(t) // also seeds ops-anna, whose MFA was enabled outside Terraform
	seedAlice(t, srv)
	cfg := guideConfig(t, "enforce-mfa")
	exempt := config.SetVariable(
		config.StringVariable("administrator"),              // the provider's own login
		config.StringVariable("sara_baker@companymail.com"), // an identity-provider user
		config.StringVariable("ops-anna"),                   // MFA already enabled outside Terraform
	)
	managed := []string{"alice", "operator", "ops-omar", "restore"}
	first := map[string]string{}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigVariables:   config.Variables{"exempt_users": exempt, "rotation": config.StringVariable("2026-12")},
				ConfigPlanChecks:  emptyPlanAfterApply,
				ConfigStateChecks: []statecheck.StateCheck{guideMFA{srv: srv, managed: managed, remember: first}},
			},
			{
				Config:          cfg,
				ConfigVariables: config.Variables{"exempt_users": exempt, "rotation": config.StringVariable("2027-12")},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: guideRotationPlanned(managed),
					PostApplyPreRefresh: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{guideMFA{srv: srv, managed: managed, differFrom: first}},
			},
			{
				// Removing the configuration disables MFA for every managed user. (terraform-plugin-
				// testing cannot destroy for_each resources itself: its legacy state has no
				// for_each keys, so this step empties the state first.)
				Config: `provider "veeam" {
  aws {}
}`,
			},
		},
	})
	// The last step destroyed every veeam_aws_user_mfa (CheckDestroy cannot read for_each state).
	for _, name := range managed {
		if st, _ := srv.Emulator.AWSUser(name); st.MFAEnabled {
			t.Errorf("MFA of %s is still enabled after destroy", name)
		}
	}
	if st, _ := srv.Emulator.AWSUser("ops-anna"); !st.MFAEnabled {
		t.Errorf("the exempt ops-anna lost the MFA enabled outside Terraform")
	}
}

// guideRotationPlanned expects every managed user's MFA to be updated in place.
func guideRotationPlanned(managed []string) []plancheck.PlanCheck {
	var checks []plancheck.PlanCheck
	for _, name := range managed {
		checks = append(checks, plancheck.ExpectResourceAction(fmt.Sprintf("veeam_aws_user_mfa.user[%q]", name), plancheck.ResourceActionUpdate))
	}
	return checks
}

// guideMFA is a state check: state has MFA for the managed users only, and each one's secret
// is the appliance's. It records the secrets in remember, or checks that they differ from those
// in differFrom. (A state check, because the legacy state of Check cannot hold for_each.)
type guideMFA struct {
	srv                  *emulatortest.Servers
	managed              []string
	remember, differFrom map[string]string
}

func (c guideMFA) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	secrets := map[string]string{}
	if req.State != nil && req.State.Values != nil && req.State.Values.RootModule != nil {
		for _, r := range req.State.Values.RootModule.Resources {
			if r.Type == "veeam_aws_user_mfa" {
				key, _ := r.Index.(string)
				secrets[key], _ = r.AttributeValues["secret_key"].(string)
			}
		}
	}
	if len(secrets) != len(c.managed) {
		resp.Error = fmt.Errorf("state has MFA for %d users, want %v", len(secrets), c.managed)
		return
	}
	for _, name := range c.managed {
		secret, ok := secrets[name]
		if !ok {
			resp.Error = fmt.Errorf("no veeam_aws_user_mfa.user[%q] in state", name)
			return
		}
		st, _ := c.srv.Emulator.AWSUser(name)
		if !st.MFAEnabled || secret == "" || st.MFASecret != secret {
			resp.Error = fmt.Errorf("%s: the appliance's MFA (enabled %v) does not match secret_key in state", name, st.MFAEnabled)
			return
		}
		if c.remember != nil {
			c.remember[name] = secret
		}
		if c.differFrom != nil && c.differFrom[name] == secret {
			resp.Error = fmt.Errorf("%s: the secret did not change when rotation changed", name)
			return
		}
	}
}

// guideEchoConsumer stands in, in the test, for the REST provider the guide shows: the echo
// provider (shipped with terraform-plugin-testing) takes the ephemeral token in its
// configuration, as restapi would, and its resource copies it into state so the test can see
// what a consumer received. Only a test may do that: the real consumer keeps it in memory.
const guideEchoConsumer = `
provider "echo" {
  data = local.vbr_api
}

resource "echo" "vbr_api" {}
`

// TestAccGuideShortLivedTokens runs "Hand short-lived tokens to other tools": a provider
// configuration receives a working Backup & Replication bearer token and base URL, and a
// password reaches the appliance through password_wo without reaching state.
func TestAccGuideShortLivedTokens(t *testing.T) {
	srv := examplesEmulator(t)
	const password = "Reporting-Pass1"
	t.Setenv("TF_VAR_reporting_password", password) // ephemeral: needed by plan and apply alike
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{{
			Config:           guideConfig(t, "short-lived-tokens") + guideEchoConsumer,
			ConfigPlanChecks: emptyPlanAfterApply,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.vbr_api", tfjsonpath.New("data").AtMapKey("uri"), knownvalue.StringExact(srv.URL[emulator.VBR])),
				statecheck.ExpectKnownValue("echo.vbr_api", tfjsonpath.New("data").AtMapKey("headers").AtMapKey("Authorization"),
					knownvalue.StringRegexp(regexp.MustCompile(`^Bearer \S+$`))),
				statecheck.ExpectKnownValue("veeam_aws_user.reporting", tfjsonpath.New("password_wo"), knownvalue.Null()),
				statecheck.ExpectKnownValue("veeam_aws_user.reporting", tfjsonpath.New("password"), knownvalue.Null()),
			},
			Check: func(*terraformState) error {
				if srv.Emulator.Counters(emulator.VBR).Logins == 0 {
					return fmt.Errorf("the emulated Backup & Replication issued no token")
				}
				return awsLoginWorks(srv, "reporting", password)
			},
		}},
	})
}

// awsLoginWorks logs in to the emulated Backup for AWS as user with password.
func awsLoginWorks(srv *emulatortest.Servers, user, password string) error {
	c, err := client.NewAWS(onEmulatorClock(srv, client.Config{
		Host:        srv.URL[emulator.AWS],
		Credentials: client.Credentials{Username: user, Password: password},
		TLS:         client.TLSConfig{CACertPEM: srv.CACertPEM},
	}))
	if err != nil {
		return err
	}
	if _, err := c.Credential(context.Background()); err != nil {
		return fmt.Errorf("logging in as %s with the password sent through password_wo: %w", user, err)
	}
	return nil
}

// TestAccGuideEmulatorCI runs the configuration of "Run your CI against the emulator": three
// products configured from the environment alone, read, and an empty plan after apply.
func TestAccGuideEmulatorCI(t *testing.T) {
	srv := examplesEmulator(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config:           guideConfig(t, "emulator-ci"),
			ConfigPlanChecks: emptyPlanAfterApply,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValueAtPath("checks", tfjsonpath.New("aws_admin_is_default"), knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValueAtPath("checks", tfjsonpath.New("em_latest_api"), knownvalue.NotNull()),
			},
		}},
	})
}

// TestAccDocsImportThenRotationTriggersRotates proves what the veeam_aws_user_mfa page and the
// enforce-MFA guide warn about: after an import, the first apply with rotation_triggers in the
// configuration re-creates the user's secret at once.
func TestAccDocsImportThenRotationTriggersRotates(t *testing.T) {
	srv := testEmulator(t)
	const seeded = "JBSWY3DPEHPK3PXP"
	if err := srv.Emulator.AddUser(emulator.AWS, emulator.SeedUser{Name: "alice", Password: "Alice-Pass1", Role: emulator.RolePortalOperator, MFASecret: seeded}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config:             mfaConfig(srv, "alice", ""),
				ResourceName:       mfaAddr,
				ImportState:        true,
				ImportStateId:      "alice",
				ImportStatePersist: true,
			},
			{
				Config:           mfaConfig(srv, "alice", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: mfaConfig(srv, "alice", "2026"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(mfaAddr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraformState) error {
					if st, _ := srv.Emulator.AWSUser("alice"); st.MFASecret == seeded {
						return fmt.Errorf("the secret enabled before the import was kept; the docs say it is rotated")
					}
					return nil
				},
			},
		},
	})
}

// TestAccDocsImportWithoutMFAFails proves the veeam_aws_user_mfa page's note: importing a user
// whose MFA is not enabled fails, with a message naming the fix (apply the resource instead).
func TestAccDocsImportWithoutMFAFails(t *testing.T) {
	srv := testEmulator(t)
	addAWSUser(t, srv, "alice", "Alice-Pass1", emulator.RolePortalOperator)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config:        mfaConfig(srv, "alice", ""),
			ResourceName:  mfaAddr,
			ImportState:   true,
			ImportStateId: "alice",
			ExpectError:   regexp.MustCompile(`(?s)Cannot import: MFA is not enabled.*User "alice" has no MFA enabled.*apply\s+the\s+veeam_aws_user_mfa\s+resource\s+with\s+user_name\s+=\s+"alice"\s+instead`),
		}},
	})
}
