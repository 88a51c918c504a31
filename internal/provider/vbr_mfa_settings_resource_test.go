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

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

const vbrMFAAddr = "veeam_vbr_mfa_settings.test"

func vbrMFAConfig(srv *emulatortest.Servers, on bool) string {
	return vbrProviderConfig(srv, "administrator", "Password1") + fmt.Sprintf(`
resource "veeam_vbr_mfa_settings" "test" {
  mfa_enabled = %t
}
`, on)
}

// vbrMFAIs checks the setting on the server, not only in state.
func vbrMFAIs(srv *emulatortest.Servers, want bool) resource.TestCheckFunc {
	return func(*terraformState) error {
		if got := srv.Emulator.VBRMFAEnabled(); got != want {
			return fmt.Errorf("the server's MFA setting is %t, want %t", got, want)
		}
		return nil
	}
}

func TestAccVBRMFASettings_lifecycle(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: vbrMFAConfig(srv, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(vbrMFAAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(vbrMFAAddr, tfjsonpath.New("id"), knownvalue.StringExact("settings")),
					statecheck.ExpectKnownValue(vbrMFAAddr, tfjsonpath.New("mfa_enabled"), knownvalue.Bool(true)),
				},
				Check: vbrMFAIs(srv, true),
			},
			{
				// Re-applying the same configuration changes nothing.
				Config: vbrMFAConfig(srv, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Any import id works: there is one settings object.
				ResourceName:      vbrMFAAddr,
				ImportState:       true,
				ImportStateId:     "anything",
				ImportStateVerify: true,
			},
			{
				Config: vbrMFAConfig(srv, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(vbrMFAAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(vbrMFAAddr, tfjsonpath.New("mfa_enabled"), knownvalue.Bool(false)),
				},
				Check: vbrMFAIs(srv, false),
			},
			{
				// Someone turns MFA on in the console: the plan puts it back.
				PreConfig: func() {
					if _, err := testVBRClient(t, srv).SetMFAEnabled(context.Background(), true); err != nil {
						t.Fatalf("changing the setting behind Terraform's back: %v", err)
					}
				},
				Config: vbrMFAConfig(srv, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(vbrMFAAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(vbrMFAAddr, tfjsonpath.New("mfa_enabled"), knownvalue.Bool(false)),
					},
				},
				Check: vbrMFAIs(srv, false),
			},
			{
				Config: vbrMFAConfig(srv, true),
				Check:  vbrMFAIs(srv, true),
			},
		},
		// Destroy leaves the setting as it is (and warns).
		CheckDestroy: vbrMFAIs(srv, true),
	})
}

func TestAccVBRMFASettings_adoptsExistingValue(t *testing.T) {
	srv := testEmulator(t)
	if _, err := testVBRClient(t, srv).SetMFAEnabled(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config: vbrMFAConfig(srv, false),
			Check:  vbrMFAIs(srv, false),
		}},
		// Terraform switched it off; destroy does not switch it back on.
		CheckDestroy: vbrMFAIs(srv, false),
	})
}

func TestAccVBRMFASettings_forbiddenForNonAdministrators(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config: vbrProviderConfig(srv, "jsmith", "Password1") + `
resource "veeam_vbr_mfa_settings" "test" {
  mfa_enabled = true
}
`,
			ExpectError: regexp.MustCompile(`(?s)Changing the MFA setting failed.*may\s+not\s+change\s+security\s+settings:\s+log\s+in\s+as\s+a\s+user\s+with\s+the\s+Veeam\s+Backup\s+Administrator\s+role`),
		}},
	})
	if srv.Emulator.VBRMFAEnabled() {
		t.Fatal("a forbidden apply changed the setting")
	}
}
