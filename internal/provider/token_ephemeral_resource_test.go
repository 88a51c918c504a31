package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// withEcho is providerFactories(srv) with echoprovider, which copies an ephemeral value into state
// so a test can see it.
func withEcho(srv *emulatortest.Servers) map[string]func() (tfprotov6.ProviderServer, error) {
	f := map[string]func() (tfprotov6.ProviderServer, error){"echo": echoprovider.NewProviderServer()}
	for k, v := range providerFactories(srv) {
		f[k] = v
	}
	return f
}

func TestAccAWSTokenEphemeral(t *testing.T) {
	srv := testEmulator(t)
	opened0, closed0 := ephemeralOpened.Load(), ephemeralClosed.Load() // other tests' ephemerals count too
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
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

func TestAccVBRTokenEphemeral(t *testing.T) {
	srv := testEmulator(t)
	opened, closed := ephemeralOpened.Load(), ephemeralClosed.Load()
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
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

const emSessionEcho = `
ephemeral "veeam_em_session" "test" {}

provider "echo" {
  data = ephemeral.veeam_em_session.test
}

resource "echo" "test" {}
`

// emSessionID matches an X-RestSvcSessionId: base64 of 16 bytes.
var emSessionID = regexp.MustCompile(`^[A-Za-z0-9+/]{22}==$`)

func emSessionChecks(srv *emulatortest.Servers, user string) []statecheck.StateCheck {
	data := tfjsonpath.New("data")
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue("echo.test", data.AtMapKey("header_name"), knownvalue.StringExact("X-RestSvcSessionId")),
		statecheck.ExpectKnownValue("echo.test", data.AtMapKey("header_value"), knownvalue.StringRegexp(emSessionID)),
		statecheck.ExpectKnownValue("echo.test", data.AtMapKey("token"), knownvalue.StringRegexp(emSessionID)),
		statecheck.ExpectKnownValue("echo.test", data.AtMapKey("username"), knownvalue.StringExact(user)),
		statecheck.ExpectKnownValue("echo.test", data.AtMapKey("expires_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
		statecheck.ExpectKnownValue("echo.test", data.AtMapKey("base_url"), knownvalue.StringExact(srv.URL[emulator.EM])),
	}
}

// emExpectClosed runs test and checks that every veeam_em_session it opened was closed with a
// DELETE of its logon session that the emulator saw.
func emExpectClosed(t *testing.T, srv *emulatortest.Servers, test func()) {
	t.Helper()
	opened0, closed0 := ephemeralOpened.Load(), ephemeralClosed.Load() // other tests' ephemerals count too
	test()
	opened, closed := ephemeralOpened.Load()-opened0, ephemeralClosed.Load()-closed0
	if opened == 0 || opened != closed {
		t.Fatalf("sessions opened %d, closed (logged out) %d", opened, closed)
	}
	if got := srv.Emulator.Counters(emulator.EM).Logouts; int64(got) != closed {
		t.Fatalf("the emulator saw %d logouts, want %d", got, closed)
	}
}

func TestAccEMSessionEphemeral(t *testing.T) {
	srv := testEmulator(t)
	emExpectClosed(t, srv, func() {
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
			ProtoV6ProviderFactories: withEcho(srv),
			Steps: []resource.TestStep{{
				Config:            emProviderConfig(srv, emCredentials("administrator", "Password1")) + emSessionEcho,
				ConfigStateChecks: emSessionChecks(srv, "administrator"),
			}},
		})
	})
	// Only the provider's own logon sessions (one per Configure) may remain: every ephemeral
	// session was deleted.
	c := srv.Emulator.Counters(emulator.EM)
	if live := len(srv.Emulator.Sessions(emulator.EM)); live != c.Logins-c.Logouts || c.Logouts == 0 {
		t.Fatalf("live sessions %d, logons %d, logouts %d", live, c.Logins, c.Logouts)
	}
}

func TestAccEMSessionEphemeral_tenant(t *testing.T) {
	srv := testEmulator(t)
	emExpectClosed(t, srv, func() {
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
			ProtoV6ProviderFactories: withEcho(srv),
			Steps: []resource.TestStep{{
				Config:            emProviderConfig(srv, emCredentials("tenant01", "Password1"), "    tenant = true", `    api_version = "latest"`) + emSessionEcho,
				ConfigStateChecks: emSessionChecks(srv, "tenant01"),
			}},
		})
	})
}

func TestAccEMSessionEphemeral_needsCredentials(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{{
			Config:      emProviderConfig(srv) + emSessionEcho,
			ExpectError: emOutput(`Invalid "em" block`, `username: no credentials: set username and password in the "em" block`, "VEEAM_EM_USERNAME"),
		}},
	})
}

func TestAccEMSessionEphemeral_wrongCredentials(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{{
			Config:      emProviderConfig(srv, emCredentials("tenant01", "Password1")) + emSessionEcho, // a tenant without tenant = true
			ExpectError: emOutput(`login failed ("em" block)`, `rejected the credentials of the "em" block`, "tenant: true for a tenant account"),
		}},
	})
}

// TestTokenRenewRefreshesAndCloseLogsOutAfterExpiry drives Open's private data through Renew
// and Close as Terraform would, on 3-second tokens and the emulator's clock.
func TestTokenRenewRefreshesAndCloseLogsOutAfterExpiry(t *testing.T) {
	srv, e := tokenEphemeralOn(t, client.AWS)
	ctx := context.Background()
	var diags diag.Diagnostics
	s, _ := e.session(&diags)
	opened, err := s.Credential(ctx) // what Open does
	if err != nil {
		t.Fatal(err)
	}
	at := renewAt(s, opened)
	if !at.Before(opened.Expiry) || !at.After(srv.Emulator.Clock().Now()) {
		t.Fatalf("Open's RenewAt %v is not between now and expiry %v", at, opened.Expiry)
	}
	srv.Emulator.Clock().Advance(at.Sub(srv.Emulator.Clock().Now())) // Terraform renews at RenewAt
	private, next := e.renew(ctx, privateOf(opened, originOf(opened)), &diags)
	renewed, _, _ := tokenFromPrivate(private)
	if diags.HasError() || renewed == nil || renewed.AccessToken == opened.AccessToken || !renewed.Expiry.After(opened.Expiry) {
		t.Fatalf("Renew did not refresh the token: %v", diags)
	}
	if !next.After(at) || !next.Before(renewed.Expiry) {
		t.Fatalf("Renew's RenewAt %v is not before the new expiry %v", next, renewed.Expiry)
	}
	if cnt := srv.Emulator.Counters(emulator.AWS); cnt.Refreshes != 1 {
		t.Fatalf("emulator refreshes = %d, want 1", cnt.Refreshes)
	}
	srv.Emulator.Clock().Advance(time.Minute) // the renewed token has expired too
	closed0 := ephemeralClosed.Load()
	e.close(ctx, private, &diags)
	if len(diags) != 0 || ephemeralClosed.Load() != closed0+1 {
		t.Fatalf("Close did not log out: %v", diags)
	}
	if live := srv.Emulator.Sessions(emulator.AWS); len(live) != 0 {
		t.Fatalf("%d session(s) left open after Close", len(live))
	}
}

// Each token's page names the header its product really uses, and recommends only login
// attributes its block has.
func TestTokenDescriptionsAreTheProducts(t *testing.T) {
	for _, p := range products {
		if p.token == nil {
			continue
		}
		var resp ephemeral.SchemaResponse
		(&tokenEphemeral{product: p}).Schema(context.Background(), ephemeral.SchemaRequest{}, &resp)
		name := resp.Schema.Attributes["header_name"].GetMarkdownDescription()
		value := resp.Schema.Attributes["header_value"].GetMarkdownDescription()
		if !strings.Contains(name, "`"+p.flavor.CredentialHeader+"`") {
			t.Errorf("%s: header_name says %q, want the header %s", p.id, name, p.flavor.CredentialHeader)
		}
		if bearer := strings.Contains(value, "`Bearer <token>`"); bearer != (p.flavor.CredentialPrefix == "Bearer ") {
			t.Errorf("%s: header_value says %q, but the prefix is %q", p.id, value, p.flavor.CredentialPrefix)
		}
		block := p.schema().Attributes
		for _, a := range []string{"client_id", "client_secret"} {
			if _, ok := block[a]; !ok && strings.Contains(resp.Schema.MarkdownDescription, "`"+a+"`") {
				t.Errorf("%s: the token's description recommends %s, which the %q block does not have", p.id, a, p.id)
			}
		}
	}
	var em ephemeral.SchemaResponse
	(&tokenEphemeral{product: productOf(client.EM)}).Schema(context.Background(), ephemeral.SchemaRequest{}, &em)
	for _, want := range []string{"does not use bearer tokens", "`X-RestSvcSessionId` header", "15 minutes"} {
		if !strings.Contains(em.Schema.MarkdownDescription, want) {
			t.Errorf("veeam_em_session's description lacks %q: %s", want, em.Schema.MarkdownDescription)
		}
	}
}
