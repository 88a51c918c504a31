package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

func TestAccVBRTokenEphemeral(t *testing.T) {
	srv := testEmulator(t)
	opened, closed := ephemeralOpened.Load(), ephemeralClosed.Load()
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(),
		Steps: []resource.TestStep{{
			Config: vbrProviderConfig(srv, "administrator", "Password1", "use_short_term_refresh = true") + `
ephemeral "veeam_vbr_token" "test" {}

provider "echo" {
  data = ephemeral.veeam_vbr_token.test
}

resource "echo" "test" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("header_name"), knownvalue.StringExact("Authorization")),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("header_value"), knownvalue.StringRegexp(regexp.MustCompile(`^Bearer [\w-]+\.[\w-]+\.[\w-]+$`))),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("token"), knownvalue.StringRegexp(regexp.MustCompile(`^[\w-]+\.[\w-]+\.[\w-]+$`))),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("username"), knownvalue.StringExact("administrator")),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("expires_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("base_url"), knownvalue.StringExact(srv.URL[emulator.VBR])),
			},
		}},
	})
	// Every Open of this test was matched by a Close that logged its own session out (counted
	// as deltas: other tests open and close ephemeral tokens too).
	dOpened, dClosed := ephemeralOpened.Load()-opened, ephemeralClosed.Load()-closed
	if dOpened == 0 || dOpened != dClosed {
		t.Fatalf("ephemeral tokens opened %d, closed (logged out) %d", dOpened, dClosed)
	}
	if got := srv.Emulator.Counters(emulator.VBR).Logouts; int64(got) != dClosed {
		t.Fatalf("the emulator saw %d logouts, want %d", got, dClosed)
	}
}
