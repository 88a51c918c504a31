package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

const emAPIAddr = "data.veeam_em_api.test"

var emAPIChecks = []statecheck.StateCheck{
	statecheck.ExpectKnownValue(emAPIAddr, tfjsonpath.New("supported_versions"), knownvalue.ListExact([]knownvalue.Check{
		knownvalue.StringExact("v1_5"), knownvalue.StringExact("v1_6"), knownvalue.StringExact("v1_7"),
	})),
	statecheck.ExpectKnownValue(emAPIAddr, tfjsonpath.New("latest"), knownvalue.StringExact("v1_7")),
}

// emLogins checks how many logons the emulator's Enterprise Manager has seen.
func emLogins(srv *emulatortest.Servers, check func(n int) bool, want string) resource.TestCheckFunc {
	return func(*terraformState) error {
		if n := srv.Emulator.Counters(emulator.EM).Logins; !check(n) {
			return fmt.Errorf("Enterprise Manager logons = %d, want %s", n, want)
		}
		return nil
	}
}

func TestAccEMAPIDataSource(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				// Only the host: GET /api/ needs no logon, and none happens.
				Config:            emProviderConfig(srv) + `data "veeam_em_api" "test" {}`,
				ConfigStateChecks: emAPIChecks,
				Check:             emLogins(srv, func(n int) bool { return n == 0 }, "0"),
			},
			{
				// With credentials the provider logs on when configured (and checks them early).
				Config:            emProviderConfig(srv, emCredentials("administrator", "Password1")) + `data "veeam_em_api" "test" {}`,
				ConfigStateChecks: emAPIChecks,
				Check:             emLogins(srv, func(n int) bool { return n > 0 }, "at least 1"),
			},
		},
	})
}

func TestAccEMAPIDataSource_missingBlock(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config:      awsProviderConfig(srv, "administrator", "Password1") + `data "veeam_em_api" "test" {}`,
			ExpectError: emOutput(`Missing "em" block in the provider configuration`, "veeam_em_api talks to Veeam Backup Enterprise Manager"),
		}},
	})
}
