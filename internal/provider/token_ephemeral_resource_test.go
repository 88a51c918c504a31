package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// withEcho adds echoprovider, which copies an ephemeral value into state so a test can see it.
func withEcho() map[string]func() (tfprotov6.ProviderServer, error) {
	f := map[string]func() (tfprotov6.ProviderServer, error){"echo": echoprovider.NewProviderServer()}
	for k, v := range testAccProtoV6ProviderFactories {
		f[k] = v
	}
	return f
}

func TestAccAWSTokenEphemeral(t *testing.T) {
	srv := testEmulator(t)
	opened0, closed0 := ephemeralOpened.Load(), ephemeralClosed.Load() // other tests' ephemerals count too
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(),
		Steps: []resource.TestStep{{
			Config: awsProviderConfig(srv, "administrator", "Password1") + `
ephemeral "veeam_aws_token" "test" {}

provider "echo" {
  data = ephemeral.veeam_aws_token.test
}

resource "echo" "test" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("header_name"), knownvalue.StringExact("Authorization")),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("header_value"), knownvalue.StringRegexp(regexp.MustCompile(`^Bearer [\w-]+\.[\w-]+\.[\w-]+$`))),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("username"), knownvalue.StringExact("administrator")),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("expires_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("base_url"), knownvalue.StringExact(srv.URL[emulator.AWS])),
			},
		}},
	})
	// Every Open was matched by a Close that logged its own session out.
	opened, closed := ephemeralOpened.Load()-opened0, ephemeralClosed.Load()-closed0
	if opened == 0 || opened != closed {
		t.Fatalf("ephemeral tokens opened %d, closed (logged out) %d", opened, closed)
	}
	if got := srv.Emulator.Counters(emulator.AWS).Logouts; int64(got) != closed {
		t.Fatalf("the emulator saw %d logouts, want %d", got, closed)
	}
}
