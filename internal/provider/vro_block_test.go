package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// orchProviderConfig is a provider block with one orchestrator block (vro or vao) for the
// emulator, trusted through ca_cert_pem, with the given credential attributes.
func orchProviderConfig(srv *emulatortest.Servers, p emulator.Product, credentials string) string {
	return fmt.Sprintf(`
provider "veeam" {
  %s {
    host        = %q
    ca_cert_pem = %s
%s
  }
}
`, p, srv.URL[p], heredoc(srv.CACertPEM), credentials)
}

// wrapped matches the parts in order, anywhere in Terraform's output, whatever line wrapping
// Terraform put between their words.
func wrapped(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// echoToken opens ephemeral resource typ and copies it into echo.test's state.
func echoToken(typ string) string {
	return fmt.Sprintf(`
ephemeral %q "test" {}

provider "echo" {
  data = ephemeral.%s.test
}

resource "echo" "test" {}
`, typ, typ)
}

// tokenChecks are the state checks of an echoed bearer token of user from base.
func tokenChecks(base, user string) []statecheck.StateCheck {
	data := tfjsonpath.New("data")
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue("echo.test", data.AtMapKey("header_name"), knownvalue.StringExact("Authorization")),
		statecheck.ExpectKnownValue("echo.test", data.AtMapKey("header_value"), knownvalue.StringRegexp(regexp.MustCompile(`^Bearer [\w-]+\.[\w-]+\.[\w-]+$`))),
		statecheck.ExpectKnownValue("echo.test", data.AtMapKey("token"), knownvalue.StringRegexp(regexp.MustCompile(`^[\w-]+\.[\w-]+\.[\w-]+$`))),
		statecheck.ExpectKnownValue("echo.test", data.AtMapKey("username"), knownvalue.StringExact(user)),
		statecheck.ExpectKnownValue("echo.test", data.AtMapKey("expires_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
		statecheck.ExpectKnownValue("echo.test", data.AtMapKey("base_url"), knownvalue.StringExact(base)),
	}
}

// expectEphemeralLogouts runs test and then checks that every ephemeral token it opened was
// closed with a logout the emulator saw for product p.
func expectEphemeralLogouts(t *testing.T, srv *emulatortest.Servers, p emulator.Product, test func()) {
	t.Helper()
	opened0, closed0 := ephemeralOpened.Load(), ephemeralClosed.Load()
	logouts0 := srv.Emulator.Counters(p).Logouts
	test()
	opened, closed := ephemeralOpened.Load()-opened0, ephemeralClosed.Load()-closed0
	if opened == 0 || opened != closed {
		t.Fatalf("ephemeral tokens opened %d, closed (logged out) %d", opened, closed)
	}
	if got := int64(srv.Emulator.Counters(p).Logouts - logouts0); got != closed {
		t.Fatalf("the emulator saw %d %s logouts, want %d", got, p, closed)
	}
}

func TestAccVROTokenEphemeralPassword(t *testing.T) {
	srv := testEmulator(t)
	expectEphemeralLogouts(t, srv, emulator.VRO, func() {
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
			ProtoV6ProviderFactories: withEcho(srv),
			Steps: []resource.TestStep{{
				Config: orchProviderConfig(srv, emulator.VRO, `
    username = "VEEAM\\administrator"
    password = "Password1"
`) + echoToken("veeam_vro_token"),
				ConfigStateChecks: tokenChecks(srv.URL[emulator.VRO], "administrator"),
			}},
		})
	})
}

func TestAccVROTokenEphemeralClientCredentials(t *testing.T) {
	srv := testEmulator(t)
	expectEphemeralLogouts(t, srv, emulator.VRO, func() {
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
			ProtoV6ProviderFactories: withEcho(srv),
			Steps: []resource.TestStep{{
				Config: orchProviderConfig(srv, emulator.VRO, `
    client_id     = "terraform-client"
    client_secret = "Client-Secret1"
`) + echoToken("veeam_vro_token"),
				ConfigStateChecks: tokenChecks(srv.URL[emulator.VRO], "terraform-client"),
			}},
		})
	})
	if n := srv.Emulator.Counters(emulator.VRO).Endpoints["POST /api/token grant=password"]; n != 0 {
		t.Fatalf("%d password logins; want only client_credentials", n)
	}
}

func TestAccVROCredentialErrors(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{
			{
				Config:      orchProviderConfig(srv, emulator.VRO, "") + echoToken("veeam_vro_token"),
				ExpectError: wrapped(`Invalid "vro" block`, `no credentials: set username and password, or client_id and client_secret`),
			},
			{
				Config:      orchProviderConfig(srv, emulator.VRO, `client_id = "terraform-client"`) + echoToken("veeam_vro_token"),
				ExpectError: wrapped(`client_secret: not set`, `VEEAM_VRO_CLIENT_SECRET`),
			},
			{
				Config: orchProviderConfig(srv, emulator.VRO, `
    username      = "administrator"
    password      = "Password1"
    client_id     = "terraform-client"
    client_secret = "Client-Secret1"
`) + echoToken("veeam_vro_token"),
				ExpectError: wrapped(`Invalid Attribute Combination`, `client_id`),
			},
			{
				Config: orchProviderConfig(srv, emulator.VRO, `
    client_id     = "terraform-client"
    client_secret = "wrong"
`) + echoToken("veeam_vro_token"),
				ExpectError: wrapped(`the server rejected the credentials: check client_id and client_secret`, `invalid_client`),
			},
		},
	})
}

func TestAccVROMissingBlock(t *testing.T) {
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(nil),
		Steps: []resource.TestStep{{
			Config:      `provider "veeam" {}` + echoToken("veeam_vro_token"),
			ExpectError: wrapped(`Missing "vro" block in the provider configuration`),
		}},
	})
}
