package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// userEntry is one element of a veeam_aws_users list.
func userEntry(name, description string, mfa, isDefault bool) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name":        knownvalue.StringExact(name),
		"description": knownvalue.StringExact(description),
		"mfa_enabled": knownvalue.Bool(mfa),
		"is_default":  knownvalue.Bool(isDefault),
	})
}

func TestAccAWSUsersDataSource(t *testing.T) {
	srv := testEmulator(t)
	for _, u := range []emulator.SeedUser{
		{Name: "zz-carol", Password: "x", Description: "Carol"},
		{Name: "zz-bob", Password: "x", Description: "Bob", MFASecret: "JBSWY3DPEHPK3PXP"},
		{Name: "ZZ-dave", Password: "x"},
	} {
		if err := srv.Emulator.AddUser(emulator.AWS, u); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 230 {
		addAWSUser(t, srv, fmt.Sprintf("bulk-%03d", i), "x", "")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: awsProviderConfig(srv, "administrator", "Password1") + `
data "veeam_aws_users" "bad" {
  sort = "nameascending"
}
`,
				ExpectError: msgRe(`Attribute sort value must be one of: ["nameAsc" "nameDesc" "descriptionAsc" "descriptionDesc" "mfaEnabledAsc" "mfaEnabledDesc" "isDefaultAsc" "isDefaultDesc"], got: "nameascending"`),
			},
			{
				// Listing users needs a Portal Administrator.
				Config: awsProviderConfig(srv, "operator", "Password1") + `
data "veeam_aws_users" "all" {}
`,
				ExpectError: msgRe("Listing users needs a Portal Administrator", "403"),
			},
			{
				Config: awsProviderConfig(srv, "administrator", "Password1") + `
data "veeam_aws_users" "desc" {
  search_pattern = "zz-"
  sort           = "nameDesc"
}

data "veeam_aws_users" "mfa_first" {
  search_pattern = "zz-"
  sort           = "mfaEnabledDesc"
}

data "veeam_aws_users" "default_order" {
  search_pattern = "ZZ-"
}

data "veeam_aws_users" "bulk" {
  search_pattern = "bulk-"
}

data "veeam_aws_users" "all" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					// Filtered and sorted by name case-insensitively by the appliance.
					statecheck.ExpectKnownValue("data.veeam_aws_users.desc", tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{
						userEntry("ZZ-dave", "", false, false),
						userEntry("zz-carol", "Carol", false, false),
						userEntry("zz-bob", "Bob", true, false),
					})),
					statecheck.ExpectKnownValue("data.veeam_aws_users.mfa_first", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("zz-bob")),
					statecheck.ExpectKnownValue("data.veeam_aws_users.default_order", tfjsonpath.New("users"), knownvalue.ListSizeExact(3)),
					// 230 users come in three pages of at most 100.
					statecheck.ExpectKnownValue("data.veeam_aws_users.bulk", tfjsonpath.New("users"), knownvalue.ListSizeExact(230)),
					statecheck.ExpectKnownValue("data.veeam_aws_users.bulk", tfjsonpath.New("users").AtSliceIndex(229).AtMapKey("name"), knownvalue.StringExact("bulk-229")),
					statecheck.ExpectKnownValue("data.veeam_aws_users.all", tfjsonpath.New("users"), knownvalue.ListSizeExact(4+3+230)),
					statecheck.ExpectKnownValue("data.veeam_aws_users.all", tfjsonpath.New("users").AtSliceIndex(0), userEntry("administrator", "Default administrator", false, true)),
				},
			},
		},
	})
}
