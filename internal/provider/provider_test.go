package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	tfstate "github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// providerFactories runs the provider in process for acceptance tests, every client it builds on
// the clock of srv's emulator (nil: the real clock, for tests that start none).
func providerFactories(srv *emulatortest.Servers) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){"veeam": providerserver.NewProtocol6WithError(testProvider(srv))}
}

// testProvider is New("test")'s provider on the clock of srv's emulator (nil: the real clock).
func testProvider(srv *emulatortest.Servers) *veeamProvider {
	p := &veeamProvider{version: "test"}
	if srv != nil {
		p.now, p.sleep = emulatorClock(srv)
	}
	return p
}

// emulatorClock is the clock of srv's emulator as client.Config's Now and Sleep: a wait (for the
// next TOTP step, which the emulator asks for by refusing a replayed code) moves the emulator's
// clock forward at once instead of sleeping.
func emulatorClock(srv *emulatortest.Servers) (now func() time.Time, sleep func(context.Context, time.Duration) error) {
	clock := srv.Emulator.Clock()
	return clock.Now, func(ctx context.Context, d time.Duration) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		clock.Advance(d)
		return nil
	}
}

// onEmulatorClock is cfg on the clock of srv's emulator, for a client a test builds itself.
func onEmulatorClock(srv *emulatortest.Servers, cfg client.Config) client.Config {
	cfg.Now, cfg.Sleep = emulatorClock(srv)
	return cfg
}

// testEmulator starts every emulated product in process over TLS.
func testEmulator(t *testing.T) *emulatortest.Servers {
	t.Helper()
	return emulatortest.Start(t, emulator.Options{})
}

// heredoc quotes a multi-line value for HCL.
func heredoc(s string) string {
	return "<<-EOT\n" + strings.TrimRight(s, "\n") + "\nEOT\n"
}

// awsProviderConfig is a provider block for the emulator's Backup for AWS, trusted through
// ca_cert_pem.
func awsProviderConfig(srv *emulatortest.Servers, user, password string) string {
	return fmt.Sprintf(`
provider "veeam" {
  aws {
    host        = %q
    username    = %q
    password    = %q
    ca_cert_pem = %s
  }
}
`, srv.URL[emulator.AWS], user, password, heredoc(srv.CACertPEM))
}

func addAWSUser(t *testing.T, srv *emulatortest.Servers, name, password, role string) {
	t.Helper()
	if err := srv.Emulator.AddUser(emulator.AWS, emulator.SeedUser{Name: name, Password: password, Role: role}); err != nil {
		t.Fatalf("AddUser %s: %v", name, err)
	}
}

// terraformState is the state the testing framework hands to check functions.
type terraformState = tfstate.State

// A provider block whose values are only known after apply (here: from terraform_data) must
// plan without error and log in at apply, when Terraform configures it again.
func TestAccProvider_valuesUnknownAtPlanDeferTheLogin(t *testing.T) {
	srv := testEmulator(t)
	addAWSUser(t, srv, "alice", "Alice-Pass1", "Portal Operator")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "endpoint" {
  input = %q
}

provider "veeam" {
  aws {
    host        = terraform_data.endpoint.output
    username    = "administrator"
    password    = "Password1"
    ca_cert_pem = %s
  }
}

resource "veeam_aws_user_mfa" "test" {
  user_name = "alice"
}
`, srv.URL[emulator.AWS], heredoc(srv.CACertPEM)),
			Check: secretMatchesEmulator(srv, "alice", nil),
		}},
	})
}

// insecure = true works against a self-signed appliance and warns, naming the attribute and
// the safer settings.
func TestInsecureWarns(t *testing.T) {
	srv := testEmulator(t)
	block := &awsBlockModel{
		connectionModel: connectionModel{Host: types.StringValue(srv.URL[emulator.AWS]), Insecure: types.BoolValue(true)},
		Username:        types.StringValue("administrator"),
		Password:        types.StringValue("Password1"),
	}
	var diags diag.Diagnostics
	c := configureProduct(context.Background(), testProvider(srv), productOf(client.AWS), block, &diags)
	if diags.HasError() || c == nil || c.client == nil {
		t.Fatalf("insecure login failed: %v", diags)
	}
	w := diags.Warnings()
	if len(w) != 1 || !strings.Contains(w[0].Detail(), "ca_cert_pem or ca_cert_file") {
		t.Fatalf("want one warning naming ca_cert_pem/ca_cert_file, got %v", w)
	}
	if p, ok := w[0].(diag.DiagnosticWithPath); !ok || !p.Path().Equal(path.Root("aws").AtName("insecure")) {
		t.Fatalf("the warning must point at aws.insecure, got %v", w[0])
	}
}

// The provider New builds is on the real clock. The test provider's clients are on the
// emulator's: the second MFA login of a user in one TOTP step (the emulator refuses the replayed
// code) waits for the next step by moving that clock forward, not by sleeping.
func TestTestProviderWaitsOnTheEmulatorClock(t *testing.T) {
	if p, ok := New("v")().(*veeamProvider); !ok || p.now != nil || p.sleep != nil {
		t.Fatalf("New must build a provider on the real clock, got %#v", p)
	}
	srv := testEmulator(t)
	clearAWSEnv(t)
	const secret = "JBSWY3DPEHPK3PXP"
	if err := srv.Emulator.AddUser(emulator.AWS, emulator.SeedUser{Name: "alice", Password: "Alice-Pass1", Role: "Portal Operator", MFASecret: secret}); err != nil {
		t.Fatal(err)
	}
	block := &awsBlockModel{
		connectionModel: connectionModel{Host: types.StringValue(srv.URL[emulator.AWS]), CACertPEM: types.StringValue(srv.CACertPEM)},
		Username:        types.StringValue("alice"),
		Password:        types.StringValue("Alice-Pass1"),
		TOTPSecret:      types.StringValue(secret),
	}
	clock := srv.Emulator.Clock()
	// 10 s into a step: both logins fall in it, and the second waits 20 s for the next one.
	clock.Advance(clock.Now().Truncate(30 * time.Second).Add(40 * time.Second).Sub(clock.Now()))
	ahead := func() time.Duration { return time.Until(clock.Now()) }
	ahead0, start := ahead(), time.Now()
	for i := range 2 {
		var diags diag.Diagnostics
		if c := configureProduct(context.Background(), testProvider(srv), productOf(client.AWS), block, &diags); c == nil || diags.HasError() {
			t.Fatalf("MFA login %d: %v", i+1, diags)
		}
	}
	if moved, took := ahead()-ahead0, time.Since(start); moved < 15*time.Second || took > 15*time.Second {
		t.Fatalf("the emulator's clock moved %v ahead of real time while the two logins took %v: want the wait for the next step (about 20 s) on the emulator's clock", moved, took)
	}
}

// Every resource and data source gets the provider's data (productResource, productDataSource).
func TestEveryResourceAndDataSourceIsConfigured(t *testing.T) {
	p := &veeamProvider{}
	for _, f := range p.Resources(context.Background()) {
		if _, ok := f().(fwresource.ResourceWithConfigure); !ok {
			t.Errorf("%T has no Configure", f())
		}
	}
	for _, f := range p.DataSources(context.Background()) {
		if _, ok := f().(datasource.DataSourceWithConfigure); !ok {
			t.Errorf("%T has no Configure", f())
		}
	}
}

// A product whose block is absent is configured from the environment alone when
// VEEAM_<PRODUCT>_HOST is set; a block wins attribute by attribute; with neither, a resource
// that needs the product says which block to add or which variable to set.
func TestAccProvider_productFromEnvironmentAlone(t *testing.T) {
	for _, p := range emulator.AllProducts() {
		t.Run(string(p), func(t *testing.T) {
			srv := examplesEmulator(t) // sets every product's VEEAM_<PRODUCT>_* for the emulator
			host := envName(p, "host")
			prod := productOf(client.Product(p))
			if prod.token == nil {
				t.Fatalf("%s has no token resource, which this test uses to see which host the product was configured with: give the test another way for it", p)
			}
			typ := "veeam_" + prod.token.typeName
			baseURL := []statecheck.StateCheck{statecheck.ExpectKnownValue("echo.test",
				tfjsonpath.New("data").AtMapKey("base_url"), knownvalue.StringExact(srv.URL[p]))}
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
				ProtoV6ProviderFactories: withEcho(srv),
				Steps: []resource.TestStep{
					{
						// Neither a block nor the host variable: the product is not configured.
						PreConfig:   func() { t.Setenv(host, "") },
						Config:      `provider "veeam" {}` + echoToken(typ),
						ExpectError: wrapped(fmt.Sprintf(`Missing %q block in the provider configuration`, p), typ+" talks to", "leave the block out and set "+host),
					},
					{
						// No block: VEEAM_<PRODUCT>_HOST configures it, with everything else from
						// the environment.
						PreConfig:         func() { t.Setenv(host, srv.URL[p]) },
						Config:            `provider "veeam" {}` + echoToken(typ),
						ConfigStateChecks: baseURL,
					},
					{
						// No provider block at all: the same.
						Config:            echoToken(typ),
						ConfigStateChecks: baseURL,
					},
					{
						// A block wins per attribute: its host, although the variable points
						// elsewhere (nothing listens there); the credentials still come from the
						// environment.
						PreConfig:         func() { t.Setenv(host, "https://127.0.0.1:9") },
						Config:            fmt.Sprintf("provider \"veeam\" {\n  %s {\n    host = %q\n  }\n}\n", p, srv.URL[p]) + echoToken(typ),
						ConfigStateChecks: baseURL,
					},
				},
			})
		})
	}
}

// A product configured from the environment alone reports a wrong setting without an attribute
// path (there is no block) and says why it is configured at all.
func TestConfigureFromEnvironment_saysWhy(t *testing.T) {
	clearVBREnv(t)
	t.Setenv("VEEAM_VBR_HOST", "https://vbr.example.com")
	var diags diag.Diagnostics
	if c := configureFromEnvironment(context.Background(), testProvider(nil), productOf(client.VBR), &diags); c != nil || !diags.HasError() {
		t.Fatalf("VEEAM_VBR_HOST without credentials must fail like an empty vbr block; got %v, %v", c, diags)
	}
	d := diags.Errors()[0]
	for _, want := range []string{`There is no "vbr" block`, "VEEAM_VBR_HOST is set", "no credentials: set username and password", "VEEAM_VBR_USERNAME"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail %q lacks %q", d.Detail(), want)
		}
	}
	if !strings.HasSuffix(d.Summary(), "(from the environment)") {
		t.Errorf("summary %q", d.Summary())
	}
	if _, ok := d.(diag.DiagnosticWithPath); ok {
		t.Errorf("the diagnostic points at an attribute of a block that does not exist: %v", d)
	}
}
