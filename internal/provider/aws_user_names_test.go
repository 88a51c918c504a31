package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// TestAccAWSUser_namesThatNeedEscaping: user names with a space, non-ASCII letters and a plus
// go through create, read, MFA, import and destroy. A wrongly escaped path would answer 404:
// reads would drop the user from state, and Delete would count 404 as "already gone" while the
// account stays (issue #12), so CheckDestroy asks the appliance.
func TestAccAWSUser_namesThatNeedEscaping(t *testing.T) {
	names := []string{"john doe", "jürgen", "a+b"}
	srv := testEmulator(t)
	cfg := awsProviderConfig(srv, "administrator", "Password1")
	for i, n := range names {
		cfg += fmt.Sprintf(`
resource "veeam_aws_user" "u%d" {
  name     = %q
  password = "Escaped-Pass-%d"
}

resource "veeam_aws_user_mfa" "u%d" {
  user_name = veeam_aws_user.u%d.name
}
`, i, n, i, i, i)
	}
	appliance := func(wantMFA bool) resource.TestCheckFunc {
		return func(*terraformState) error {
			for _, n := range names {
				st, ok := srv.Emulator.AWSUser(n)
				if !ok || st.MFAEnabled != wantMFA {
					return fmt.Errorf("user %q: exists %v, MFA %v", n, ok, st.MFAEnabled)
				}
			}
			return nil
		}
	}
	steps := []resource.TestStep{
		{Config: cfg, Check: appliance(true)},
		{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
	}
	for i, n := range names {
		steps = append(steps,
			resource.TestStep{
				Config: cfg, ResourceName: fmt.Sprintf("veeam_aws_user.u%d", i), ImportState: true, ImportStateId: n,
				ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "name", ImportStateVerifyIgnore: []string{"password"},
			},
			resource.TestStep{
				Config: cfg, ResourceName: fmt.Sprintf("veeam_aws_user_mfa.u%d", i), ImportState: true, ImportStateId: n,
				ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "user_name",
				ImportStateVerifyIgnore: []string{"secret_key", "otpauth_uri", "scratch_codes"},
			})
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps:                    steps,
		CheckDestroy: func(*terraformState) error {
			for _, n := range names {
				if _, ok := srv.Emulator.AWSUser(n); ok {
					return fmt.Errorf("user %q still exists after destroy", n)
				}
			}
			return nil
		},
	})
}
