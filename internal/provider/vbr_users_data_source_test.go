package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

func TestAccVBRUsersDataSource(t *testing.T) {
	srv := testEmulator(t)
	const all, filtered = "data.veeam_vbr_users.all", "data.veeam_vbr_users.smith"
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config: vbrProviderConfig(srv, "administrator", "Password1") + `
data "veeam_vbr_users" "all" {}

data "veeam_vbr_users" "smith" {
  name_filter = "SMITH"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(all, tfjsonpath.New("id"), knownvalue.StringExact("*")),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":                 knownvalue.StringExact(emulator.VBRUserID("administrator")),
						"name":               knownvalue.StringExact("administrator"),
						"type":               knownvalue.StringExact("InternalUser"), // EUserType, as the spec spells it
						"is_service_account": knownvalue.Bool(true),
						"mfa_enabled":        knownvalue.Bool(false),
						"roles": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":          knownvalue.StringExact(emulator.VBRRoleID(emulator.VBRRoleAdministrator)),
							"name":        knownvalue.StringExact("Veeam Backup Administrator"),
							"description": knownvalue.StringExact("Built-in role with full privileges"),
						})}),
						"role_names": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Veeam Backup Administrator")}),
					}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"id":                 knownvalue.StringRegexp(uuid),
						"name":               knownvalue.StringExact("jsmith"),
						"is_service_account": knownvalue.Bool(false),
						"mfa_enabled":        knownvalue.Bool(true),
					}),
				})),
				statecheck.ExpectKnownValue(filtered, tfjsonpath.New("id"), knownvalue.StringExact("SMITH")),
				statecheck.ExpectKnownValue(filtered, tfjsonpath.New("users"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue(filtered, tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("jsmith")),
			},
		}},
	})
}
