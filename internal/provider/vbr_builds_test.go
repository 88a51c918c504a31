package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// The provider's Backup & Replication surface against the builds whose API differs: 12.3
// (REST API up to 1.2-rev0: authorization codes, no security endpoints), 13.0.1 (1.3-rev1:
// security endpoints, users without mfaEnabled) and 13.1 (1.3-rev2). With api_version unset
// the provider negotiates the newest revision both know, and a feature the server lacks fails
// while Terraform plans, naming the server's version.

// testEmulatorBuild starts every emulated product, Backup & Replication as build.
func testEmulatorBuild(t *testing.T, vbrBuild string) *emulatortest.Servers {
	t.Helper()
	return emulatortest.Start(t, emulator.Options{Builds: map[emulator.Product]string{emulator.VBR: vbrBuild}})
}

// vbrBuilds are the builds of the matrix, with the revision the provider negotiates with each
// and how the messages name the server.
var vbrBuilds = []struct {
	build, revision, server string
	security, mfaField      bool // security endpoints; users' mfaEnabled
	authorizationCodes      bool
}{
	{"12.3", "1.2-rev0", "Veeam Backup & Replication 12.3 (REST API 1.2-rev0)", false, false, true},
	{"13.0.1", "1.3-rev1", "Veeam Backup & Replication 13.0.1 (REST API 1.3-rev1)", true, false, false},
	{"13.1", "1.3-rev2", "Veeam Backup & Replication 13.1 or later (REST API 1.3-rev2)", true, true, false},
}

func TestAccVBRBuilds_users(t *testing.T) {
	for _, b := range vbrBuilds {
		t.Run(b.build, func(t *testing.T) {
			srv := testEmulatorBuild(t, b.build)
			config := vbrProviderConfig(srv, "administrator", "Password1") + `
data "veeam_vbr_users" "all" {}
`
			step := resource.TestStep{Config: config}
			if !b.security {
				step.ExpectError = wrapped("Listing the users failed", b.server+" has no security endpoints (/api/v1/security/users)",
					"they need REST API 1.3-rev1 (Veeam Backup & Replication 13.0.1) or later", "Upgrade the server")
			} else {
				var mfa knownvalue.Check = knownvalue.Null()
				if b.mfaField {
					mfa = knownvalue.Bool(true)
				}
				step.ConfigStateChecks = []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.veeam_vbr_users.all", tfjsonpath.New("users").AtSliceIndex(1), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name":               knownvalue.StringExact("jsmith"),
						"type":               knownvalue.StringExact("InternalUser"),
						"is_service_account": knownvalue.Bool(false),
						"mfa_enabled":        mfa,
					})),
				}
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: providerFactories(srv), Steps: []resource.TestStep{step}})
			if n := srv.Emulator.Counters(emulator.VBR).Endpoints["GET /api/v1/security/users"]; !b.security && n != 0 {
				t.Fatalf("the provider asked a %s server for users %d times", b.build, n)
			}
		})
	}
}

func TestAccVBRBuilds_mfaSettingsAndServiceAccount(t *testing.T) {
	for _, b := range vbrBuilds {
		t.Run(b.build, func(t *testing.T) {
			srv := testEmulatorBuild(t, b.build)
			step := resource.TestStep{
				Config: vbrProviderConfig(srv, "administrator", "Password1") + `
resource "veeam_vbr_service_account" "jsmith" {
  user_name = "jsmith"
}

resource "veeam_vbr_mfa_settings" "this" {
  mfa_enabled = true
  depends_on  = [veeam_vbr_service_account.jsmith]
}
`,
				Check: vbrMFAIs(srv, true),
			}
			if !b.security {
				step.Check = nil
				step.ExpectError = wrapped(b.server+" has no security endpoints", "REST API 1.3-rev1 (Veeam Backup & Replication 13.0.1) or later")
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: providerFactories(srv), Steps: []resource.TestStep{step}})
			if st, _ := srv.Emulator.User(emulator.VBR, "jsmith"); st.ServiceAccount {
				t.Fatal("destroy left jsmith a service account")
			}
		})
	}
}

func TestAccVBRBuilds_tokenAndAuthorizationCode(t *testing.T) {
	for _, b := range vbrBuilds {
		t.Run(b.build, func(t *testing.T) {
			srv := testEmulatorBuild(t, b.build)
			var steps []resource.TestStep
			for _, kind := range []string{"data", "ephemeral"} {
				config := vbrProviderConfig(srv, "administrator", "Password1") + fmt.Sprintf(`
%s "veeam_vbr_authorization_code" "test" {}
`, kind)
				if kind == "ephemeral" {
					config += `
provider "echo" {
  data = ephemeral.veeam_vbr_authorization_code.test
}

resource "echo" "code" {}
`
				}
				step := resource.TestStep{Config: config}
				if !b.authorizationCodes {
					step.PlanOnly = true
					step.ExpectError = wrapped("Authorization codes are not available", "veeam_vbr_authorization_code: "+b.server+
						" has no authorization codes (POST /api/oauth2/authorization_code): REST API 1.3-rev0 (Veeam Backup & Replication 13.0) removed them",
						"Backup & Replication 13 removed authorization codes", "ephemeral resource veeam_vbr_token", "refresh_token")
				}
				steps = append(steps, step)
			}
			// The token works on every build (last: the destroy runs with this configuration).
			steps = append(steps, resource.TestStep{
				Config:            vbrProviderConfig(srv, "administrator", "Password1") + echoToken("veeam_vbr_token"),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("username"), knownvalue.StringExact("administrator"))},
			})
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
				ProtoV6ProviderFactories: withEcho(srv),
				Steps:                    steps,
			})
			n := srv.Emulator.Counters(emulator.VBR).Endpoints["POST /api/oauth2/authorization_code"]
			if b.authorizationCodes != (n > 0) {
				t.Fatalf("%d authorization-code requests on %s", n, b.build)
			}
		})
	}
}
