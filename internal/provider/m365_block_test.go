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

// TestAccM365TokenEphemeral: veeam_m365_token logs in with the password grant, renews and logs
// out (POST /v8/token/logout).
func TestAccM365TokenEphemeral(t *testing.T) {
	srv := testTokenLifecycle(t, emulator.M365, "veeam_m365_token", `
    username = "administrator"
    password = "Password1"
`, "administrator")
	if n := srv.Emulator.Counters(emulator.M365).Endpoints["POST /v8/token/logout"]; n == 0 {
		t.Fatal("no POST /v8/token/logout reached the emulator")
	}
}

// TestAccM365TokenEphemeralAssertion: a restore operator (operator grant) and an application
// (jwt-bearer grant) log in with client_id and assertion; nothing logs in with a password.
func TestAccM365TokenEphemeralAssertion(t *testing.T) {
	for _, tc := range []struct{ grant, id, assertion, counted string }{
		{"", emulator.M365SeedOperator, "Operator-Assertion1", "operator"},
		{"jwt-bearer", emulator.M365SeedApplication, "App-Assertion1", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
	} {
		t.Run(tc.counted, func(t *testing.T) {
			srv := testEmulator(t)
			credentials := `client_id = "` + tc.id + `"` + "\n" + `assertion = "` + tc.assertion + `"` + "\n"
			if tc.grant != "" {
				credentials += `assertion_grant = "` + tc.grant + `"` + "\n"
			}
			expectEphemeralLogouts(t, srv, emulator.M365, func() {
				resource.Test(t, resource.TestCase{
					TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
					ProtoV6ProviderFactories: withEcho(srv),
					Steps: []resource.TestStep{{
						Config:            orchProviderConfig(srv, emulator.M365, credentials) + echoToken("veeam_m365_token"),
						ConfigStateChecks: tokenChecks(srv.URL[emulator.M365], tc.id),
					}},
				})
			})
			c := srv.Emulator.Counters(emulator.M365)
			if c.Endpoints["POST /v8/token grant="+tc.counted] == 0 || c.Endpoints["POST /v8/token grant=password"] != 0 {
				t.Fatalf("token requests %v: want only grant=%s", c.Endpoints, tc.counted)
			}
		})
	}
}

func TestAccM365CredentialErrors(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{
			{
				Config:      orchProviderConfig(srv, emulator.M365, "") + echoToken("veeam_m365_token"),
				ExpectError: wrapped(`Invalid "m365" block`, `no credentials: set username and password, or client_id and assertion`, `VEEAM_M365_ASSERTION`),
			},
			{
				Config:      orchProviderConfig(srv, emulator.M365, `client_id = "terraform-app"`) + echoToken("veeam_m365_token"),
				ExpectError: wrapped(`assertion: not set`, `VEEAM_M365_ASSERTION`),
			},
			{
				Config:      orchProviderConfig(srv, emulator.M365, `assertion_grant = "password"`+"\n"+`client_id = "x"`+"\n"+`assertion = "y"`) + echoToken("veeam_m365_token"),
				ExpectError: wrapped(`Invalid Attribute Value Match`, `m365.assertion_grant value must be one of`),
			},
			{
				Config: orchProviderConfig(srv, emulator.M365, `
    client_id = "terraform-app"
    assertion = "expired"
    assertion_grant = "jwt-bearer"
`) + echoToken("veeam_m365_token"),
				ExpectError: wrapped(`the server rejected the credentials`, `check client_id and assertion in the "m365" block`, `get a fresh one`),
			},
		},
	})
}

// TestAccM365AuthorizationCode: the ephemeral resource and the data source each ask
// POST /v8/token/AuthCode for a code with the provider's session.
func TestAccM365AuthorizationCode(t *testing.T) {
	srv := testEmulator(t)
	code := knownvalue.StringRegexp(regexp.MustCompile(`^\S{16,}$`))
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{{
			Config: orchProviderConfig(srv, emulator.M365, `
    username = "administrator"
    password = "Password1"
`) + echoToken("veeam_m365_authorization_code") + `
data "veeam_m365_authorization_code" "test" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("code"), code),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("expires_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
				statecheck.ExpectKnownValue("data.veeam_m365_authorization_code.test", tfjsonpath.New("code"), code),
				statecheck.ExpectSensitiveValue("data.veeam_m365_authorization_code.test", tfjsonpath.New("code")),
			},
		}},
	})
	if n := srv.Emulator.Counters(emulator.M365).Endpoints["POST /v8/token/AuthCode"]; n < 2 {
		t.Fatalf("POST /v8/token/AuthCode reached the emulator %d times, want the ephemeral resource's and the data source's", n)
	}
}
