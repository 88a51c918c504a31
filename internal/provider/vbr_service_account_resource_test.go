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

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

const vbrServiceAccountAddr = "veeam_vbr_service_account.test"

// vbrServiceAccountIs checks the user's mode on the server, not only in state.
func vbrServiceAccountIs(srv *emulatortest.Servers, name string, want bool) resource.TestCheckFunc {
	return func(*terraformState) error {
		st, ok := srv.Emulator.User(emulator.VBR, name)
		if !ok {
			return fmt.Errorf("no user %q on the server", name)
		}
		if st.ServiceAccount != want {
			return fmt.Errorf("%q: service account %t on the server, want %t", name, st.ServiceAccount, want)
		}
		return nil
	}
}

// addVBRUser adds a Backup & Replication user to the emulator.
func addVBRUser(t *testing.T, srv *emulatortest.Servers, name, role string, serviceAccount bool) {
	t.Helper()
	if err := srv.Emulator.AddUser(emulator.VBR, emulator.SeedUser{Name: name, Password: "Password1", Role: role, ServiceAccount: serviceAccount}); err != nil {
		t.Fatal(err)
	}
}

func TestAccVBRServiceAccount_lifecycle(t *testing.T) {
	srv := testEmulator(t)
	config := func(attr, value string) string {
		return vbrProviderConfig(srv, "administrator", "Password1") + fmt.Sprintf(`
resource "veeam_vbr_service_account" "test" {
  %s = %q
}
`, attr, value)
	}
	id := emulator.VBRUserID("jsmith")
	addVBRUser(t, srv, "svc-other", "Veeam Backup Operator", false)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: config("user_name", "JSmith"), // names compare case-insensitively
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(vbrServiceAccountAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(vbrServiceAccountAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(vbrServiceAccountAddr, tfjsonpath.New("user_id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(vbrServiceAccountAddr, tfjsonpath.New("user_name"), knownvalue.StringExact("JSmith")),
					statecheck.ExpectKnownValue(vbrServiceAccountAddr, tfjsonpath.New("type"), knownvalue.StringExact("InternalUser")),
				},
				Check: vbrServiceAccountIs(srv, "jsmith", true),
			},
			{
				Config:           config("user_name", "JSmith"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// Imported by id or by name, the name is the server's spelling.
			{ResourceName: vbrServiceAccountAddr, ImportState: true, ImportStateId: id, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"user_name"}},
			{ResourceName: vbrServiceAccountAddr, ImportState: true, ImportStateId: "jsmith", ImportStateVerify: true, ImportStateVerifyIgnore: []string{"user_name"}},
			{
				// Someone makes jsmith an ordinary account in the console: the plan makes it a
				// service account again.
				PreConfig: func() {
					if _, err := testVBRClient(t, srv).ChangeServiceAccountMode(context.Background(), id, false); err != nil {
						t.Fatal(err)
					}
				},
				Config: config("user_name", "jsmith"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(vbrServiceAccountAddr, plancheck.ResourceActionCreate)},
				},
				Check: vbrServiceAccountIs(srv, "jsmith", true),
			},
			{
				// Naming the same user by id instead changes nothing.
				Config:           config("user_id", id),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Another user replaces the resource: jsmith becomes an ordinary account again.
				Config: config("user_name", "svc-other"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(vbrServiceAccountAddr, plancheck.ResourceActionReplace)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(vbrServiceAccountIs(srv, "svc-other", true), vbrServiceAccountIs(srv, "jsmith", false)),
			},
		},
		// Destroy makes the user an ordinary account again.
		CheckDestroy: vbrServiceAccountIs(srv, "svc-other", false),
	})
}

func TestAccVBRServiceAccount_errorsAndExistingServiceAccounts(t *testing.T) {
	srv := testEmulator(t)
	addVBRUser(t, srv, "svc-backup", emulator.VBRRoleAdministrator, true)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: vbrProviderConfig(srv, "administrator", "Password1") + `
resource "veeam_vbr_service_account" "test" {
  user_name = "nobody"
}
`,
				ExpectError: wrapped(`No such user`, `Backup & Replication has no user "nobody"`),
			},
			{
				Config: vbrProviderConfig(srv, "administrator", "Password1") + `
resource "veeam_vbr_service_account" "test" {
  user_name = "jsmith"
  user_id   = "00000000-0000-4000-8000-000000000000"
}
`,
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				// Already a service account: adopted, and left as it was at destroy.
				Config: vbrProviderConfig(srv, "administrator", "Password1") + `
resource "veeam_vbr_service_account" "test" {
  user_name = "svc-backup"
}
`,
				Check: vbrServiceAccountIs(srv, "svc-backup", true),
			},
		},
		CheckDestroy: vbrServiceAccountIs(srv, "svc-backup", true),
	})
}

// The plan refuses to switch MFA on while the provider's own account is not a service account,
// naming the fix; with the fix applied first (depends_on), the same plan goes through; and
// destroying the exemption of the provider's own account while MFA is on leaves it.
func TestAccVBRMFASettings_refusesToLockOutTheProvider(t *testing.T) {
	srv := testEmulator(t)
	addVBRUser(t, srv, "ops-admin", emulator.VBRRoleAdministrator, false)
	provider := vbrProviderConfig(srv, "ops-admin", "Password1")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: provider + `
resource "veeam_vbr_mfa_settings" "test" {
  mfa_enabled = true
}
`,
				PlanOnly: true,
				ExpectError: wrapped(`Switching MFA on would lock the provider out`, `"ops-admin", the account the provider's "vbr" block logs in with, is not a service account`,
					`resource "veeam_vbr_service_account" "terraform"`, `user_name = "ops-admin"`, `depends_on = [veeam_vbr_service_account.terraform]`, `log the provider in with a service account`),
			},
			{
				Config: provider + `
resource "veeam_vbr_service_account" "terraform" {
  user_name = "ops-admin"
}

resource "veeam_vbr_mfa_settings" "test" {
  mfa_enabled = true
  depends_on  = [veeam_vbr_service_account.terraform]
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(vbrMFAIs(srv, true), vbrServiceAccountIs(srv, "ops-admin", true)),
			},
		},
		// MFA stays on (veeam_vbr_mfa_settings leaves it), so ops-admin stays a service account.
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(vbrMFAIs(srv, true), vbrServiceAccountIs(srv, "ops-admin", true)),
	})
	if srv.Emulator.Counters(emulator.VBR).Endpoints["PUT /api/v1/security/settings"] != 1 {
		t.Fatal("want exactly one settings change: the refused plan must not reach the server")
	}
}
