package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// The provider's Backup for AWS surface against the two ends of the published API: a product 1
// build (REST API 1.0-rev0: /token/authorizationCode, disableMfa answered 200, no SSO) and a
// product 10 build (1.8-rev0: /token/authorization_code, disableMfa answered 204). With
// api_version unset the provider negotiates each server's revision; MFA is enabled, a user is
// created, users are listed in one of the spec's eight orders and an authorization code is
// issued, then MFA is disabled and the user deleted, and the appliance's own record is checked
// after every step.
func TestAccAWSBuilds_userAndMFALifecycle(t *testing.T) {
	for _, b := range []struct{ build, codePath, disablePath string }{
		{"1.0", "POST /api/v1/token/authorizationCode", "POST /api/v1/users/{userId}/disableMfa"},
		{"10", "POST /api/v1/token/authorization_code", "POST /api/v1/users/{userId}/disableMfa"},
	} {
		t.Run(b.build, func(t *testing.T) {
			srv := emulatortest.Start(t, emulator.Options{Builds: map[emulator.Product]string{emulator.AWS: b.build}})
			addAWSUser(t, srv, "alice", "Alice-Pass1", "Portal Operator")
			everything := awsProviderConfig(srv, "administrator", "Password1") + `
resource "veeam_aws_user_mfa" "test" {
  user_name = "alice"
}

resource "veeam_aws_user" "bob" {
  name        = "bob"
  description = "created on build ` + b.build + `"
  password    = "Bob-Passw0rd!"
}

data "veeam_aws_users" "by_description" {
  sort       = "descriptionDesc"
  depends_on = [veeam_aws_user.bob, veeam_aws_user_mfa.test]
}

data "veeam_aws_authorization_code" "code" {}
`
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(srv),
				Steps: []resource.TestStep{
					{
						Config: everything,
						Check: resource.ComposeAggregateTestCheckFunc(
							secretMatchesEmulator(srv, "alice", nil),
							func(*terraform.State) error {
								if _, ok := srv.Emulator.AWSUser("bob"); !ok {
									return fmt.Errorf("the appliance has no user bob")
								}
								if n := srv.Emulator.Counters(emulator.AWS).Endpoints[b.codePath]; n < 1 {
									return fmt.Errorf("%s was not served on build %s", b.codePath, b.build)
								}
								return nil
							},
						),
						ConfigStateChecks: []statecheck.StateCheck{
							// descriptionDesc: "Restore operator", "Portal operator", ... "created on build".
							statecheck.ExpectKnownValue("data.veeam_aws_users.by_description", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("name"),
								knownvalue.StringExact("restore")),
							statecheck.ExpectSensitiveValue("data.veeam_aws_authorization_code.code", tfjsonpath.New("code")),
						},
					},
					{
						// MFA off and bob deleted: the appliance's answers differ by build (200 or 204).
						Config: awsProviderConfig(srv, "administrator", "Password1"),
						Check: func(*terraform.State) error {
							st, ok := srv.Emulator.AWSUser("alice")
							if !ok || st.MFAEnabled {
								return fmt.Errorf("alice still has MFA on build %s (known: %v)", b.build, ok)
							}
							if _, ok := srv.Emulator.AWSUser("bob"); ok {
								return fmt.Errorf("bob was not deleted on build %s", b.build)
							}
							if n := srv.Emulator.Counters(emulator.AWS).Endpoints[b.disablePath]; n != 1 {
								return fmt.Errorf("%s served %d times, want 1", b.disablePath, n)
							}
							return nil
						},
					},
				},
			})
		})
	}
}
