package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
	"github.com/tfveeam/terraform-provider-veeam/internal/pgpkey/pgpkeytest"
)

// The examples under examples/ are the registry documentation's code. TestAccExamples runs each
// one against the emulator as it is written: apply, an empty plan after it, destroy. The
// examples take hosts and credentials from the environment (VEEAM_<PRODUCT>_<ATTRIBUTE>) and
// their variables from TF_VAR_<name>, which the test sets.

// examplesPassword is every seeded account's password in TestAccExamples.
const examplesPassword = "Password1"

// exampleVariables are the values of the variables examples declare (TF_VAR_<name>).
var exampleVariables = map[string]string{
	"alice_password": "Alice-Pass1",
	"bob_password":   "Bob-Pass1",
	"aws_username":   "administrator",
	"aws_password":   examplesPassword,
}

// exampleSetup adjusts the emulator or the environment for one example, keyed by its path
// under examples/. Examples not listed run with the default seed and environment.
var exampleSetup = map[string]func(t *testing.T, srv *emulatortest.Servers){
	// It creates alice and bob itself.
	"resources/veeam_aws_user/resource.tf": func(t *testing.T, srv *emulatortest.Servers) {},
	// MFA for alice, and for bob with his secrets encrypted for his OpenPGP key.
	"resources/veeam_aws_user_mfa/resource.tf": func(t *testing.T, srv *emulatortest.Servers) {
		seedAlice(t, srv)
		addAWSUser(t, srv, "bob", "Bob-Pass1", emulator.RolePortalOperator)
		t.Setenv("TF_VAR_bob_pgp_public_key", pgpkeytest.New(t).PublicKey)
	},
	// A data source that needs no login: prove it by giving the aws block no credentials.
	"data-sources/veeam_aws_sso_url/data-source.tf": func(t *testing.T, _ *emulatortest.Servers) {
		t.Setenv("VEEAM_AWS_USERNAME", "")
		t.Setenv("VEEAM_AWS_PASSWORD", "")
	},
	// The automation account it makes a service account.
	"resources/veeam_vbr_service_account/resource.tf": func(t *testing.T, srv *emulatortest.Servers) {
		if err := srv.Emulator.AddUser(emulator.VBR, emulator.SeedUser{Name: "svc-scripts", Password: examplesPassword, Role: emulator.VBRRoleAdministrator}); err != nil {
			t.Fatal(err)
		}
	},
	"data-sources/veeam_em_api/data-source.tf": func(t *testing.T, _ *emulatortest.Servers) {
		t.Setenv("VEEAM_EM_USERNAME", "")
		t.Setenv("VEEAM_EM_PASSWORD", "")
	},
}

// exampleBuilds are the product builds an example needs, keyed by its path under examples/
// (others run against each product's newest build).
var exampleBuilds = map[string]map[emulator.Product]string{
	// Backup & Replication 13 removed authorization codes.
	"data-sources/veeam_vbr_authorization_code/data-source.tf":               {emulator.VBR: "12.3"},
	"ephemeral-resources/veeam_vbr_authorization_code/ephemeral-resource.tf": {emulator.VBR: "12.3"},
}

// exampleFreshOutputs are, per example, outputs of data sources that return a fresh value on
// every read (a single-use code, a sign-on URL with a new SAMLRequest): after apply, the plan
// changes these outputs and nothing else.
var exampleFreshOutputs = map[string][]string{
	"data-sources/veeam_aws_authorization_code/data-source.tf":  {"code"},
	"data-sources/veeam_vbr_authorization_code/data-source.tf":  {"code"},
	"data-sources/veeam_m365_authorization_code/data-source.tf": {"code"},
	"data-sources/veeam_aws_sso_url/data-source.tf":             {"sign_on_url"},
}

var exampleVariable = regexp.MustCompile(`(?m)^variable\s+"([^"]+)"`)

func TestAccExamples(t *testing.T) {
	var files []string
	for _, pattern := range []string{"resources/*/*.tf", "data-sources/*/*.tf", "ephemeral-resources/*/*.tf"} {
		m, err := filepath.Glob(filepath.Join("..", "..", "examples", pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no examples found under ../../examples")
	}
	sort.Strings(files)
	for _, file := range files {
		name := filepath.ToSlash(strings.TrimPrefix(file, filepath.Join("..", "..", "examples")+string(filepath.Separator)))
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			config := string(b)
			srv := examplesEmulatorBuilds(t, exampleBuilds[name])
			if setup, ok := exampleSetup[name]; ok {
				setup(t, srv)
			} else {
				seedAlice(t, srv)
			}
			for _, m := range exampleVariable.FindAllStringSubmatch(config, -1) {
				if _, setBySetup := os.LookupEnv("TF_VAR_" + m[1]); setBySetup {
					continue
				}
				v, ok := exampleVariables[m[1]]
				if !ok {
					t.Fatalf("%s declares variable %q: add its value to exampleVariables in examples_test.go", name, m[1])
				}
				t.Setenv("TF_VAR_"+m[1], v)
			}
			floor := tfversion.Version1_10_0 // ephemeral resources, ephemeral values in provisioners
			if strings.Contains(config, "_wo ") || strings.Contains(config, "_wo=") {
				floor = tfversion.Version1_11_0 // write-only attributes
			}
			step := resource.TestStep{Config: config}
			if fresh, ok := exampleFreshOutputs[name]; ok {
				only := onlyOutputsChange(fresh)
				step.ExpectNonEmptyPlan = true
				step.ConfigPlanChecks = resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{only},
					PostApplyPostRefresh: []plancheck.PlanCheck{only},
				}
			}
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(floor)},
				ProtoV6ProviderFactories: providerFactories(srv),
				Steps:                    []resource.TestStep{step},
			})
		})
	}
}

// onlyOutputsChange is a plan check: no resource changes, and no output changes but those named.
func onlyOutputsChange(outputs []string) plancheck.PlanCheck { return onlyOutputsCheck(outputs) }

type onlyOutputsCheck []string

func (c onlyOutputsCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var errs []error
	for _, rc := range req.Plan.ResourceChanges {
		if !rc.Change.Actions.NoOp() {
			errs = append(errs, fmt.Errorf("%s has planned action(s) %v after apply", rc.Address, rc.Change.Actions))
		}
	}
	for name, oc := range req.Plan.OutputChanges {
		if !oc.Actions.NoOp() && !slices.Contains(c, name) {
			errs = append(errs, fmt.Errorf("output %q has planned action(s) %v after apply; only %v may change", name, oc.Actions, []string(c)))
		}
	}
	resp.Error = errors.Join(errs...)
}

// examplesEmulator starts the emulator with the accounts the examples name, and points every
// product's VEEAM_<PRODUCT>_* variables at it.
func examplesEmulator(t *testing.T) *emulatortest.Servers {
	t.Helper()
	return examplesEmulatorBuilds(t, nil)
}

// examplesEmulatorBuilds is examplesEmulator with products played as builds says (nil: the
// newest).
func examplesEmulatorBuilds(t *testing.T, builds map[emulator.Product]string) *emulatortest.Servers {
	t.Helper()
	seed := emulator.DefaultSeed()
	seed.Users[emulator.AWS] = append(seed.Users[emulator.AWS],
		emulator.SeedUser{Name: "ops-anna", Password: examplesPassword, Role: emulator.RolePortalOperator, MFASecret: "JBSWY3DPEHPK3PXP"},
		emulator.SeedUser{Name: "ops-omar", Password: examplesPassword, Role: emulator.RolePortalOperator},
	)
	seed.Users[emulator.VBR] = append(seed.Users[emulator.VBR],
		emulator.SeedUser{Name: "svc-backup", Password: examplesPassword, ServiceAccount: true},
	)
	seed.Users[emulator.EM] = append(seed.Users[emulator.EM], emulator.SeedUser{Name: `CORP\svc-terraform`, Password: examplesPassword})
	seed.Users[emulator.VAO] = append(seed.Users[emulator.VAO], emulator.SeedUser{Name: `VEEAM\svc-terraform`, Password: examplesPassword})
	srv := emulatortest.Start(t, emulator.Options{Seed: seed, Builds: builds})

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, []byte(srv.CACertPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	// Every product logs in as administrator unless listed here.
	users := map[emulator.Product][2]string{
		emulator.VAO: {"USERNAME", `VEEAM\administrator`},
		emulator.VRO: {"CLIENT_ID", "terraform-client"},
	}
	for _, p := range emulator.AllProducts() {
		prefix := "VEEAM_" + strings.ToUpper(string(p)) + "_"
		t.Setenv(prefix+"HOST", srv.URL[p])
		t.Setenv(prefix+"CA_CERT_FILE", caFile)
		u, ok := users[p]
		if !ok {
			u = [2]string{"USERNAME", "administrator"}
		}
		t.Setenv(prefix+u[0], u[1])
		if p == emulator.VRO {
			t.Setenv(prefix+"CLIENT_SECRET", "Client-Secret1")
		} else {
			t.Setenv(prefix+"PASSWORD", examplesPassword)
		}
	}
	return srv
}

// seedAlice adds the Backup for AWS user the examples manage MFA for and look up.
func seedAlice(t *testing.T, srv *emulatortest.Servers) {
	t.Helper()
	addAWSUser(t, srv, "alice", "Alice-Pass1", emulator.RolePortalOperator)
}
