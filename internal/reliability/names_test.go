package reliability

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// unusualNames are user names with every character a path must escape: a space, non-ASCII
// letters, +, %, #, ? and /.
var unusualNames = []string{"john doe", "jürgen", "a+b", "100%", "c#d", "why?", "x/y"}

// TestReliabilityUnusualUserNames takes users with such names through create (veeam_aws_user
// with password_wo), read (data source), MFA (veeam_aws_user_mfa), import of both resources and
// destroy, checking the emulator's own record at each step: the user Terraform means is the one
// the appliance changed, and after destroy none of them is left.
//
// A name the appliance refuses (the emulator refuses / \ ? # % in user names, see
// internal/emulator/DECISIONS.md) is tested for what escaping must still guarantee: creating it
// fails naming the attribute, and reading, enabling MFA for or importing it reaches no other
// user (a decoy named like the part before the character is left alone).
func TestReliabilityUnusualUserNames(t *testing.T) {
	clearVeeamEnv(t)
	f := start(t, emulator.Options{})
	// Ask the API which names it allows (the body carries the name: no path is involved).
	admin, err := client.NewAWS(client.Config{Host: f.url, Credentials: client.Credentials{Username: "administrator", Password: "Password1"}, TLS: client.TLSConfig{CACertPEM: f.caPEM}})
	if err != nil {
		t.Fatal(err)
	}
	var accepted, refused []string
	for i, name := range unusualNames {
		_, err := admin.CreateUser(context.Background(), fmt.Sprintf("probe%d-%s", i, name), "", "Probe-Pw-1")
		var apiErr *client.APIError
		switch {
		case err == nil:
			accepted = append(accepted, name)
		case errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest:
			refused = append(refused, name)
		default:
			t.Fatalf("creating a user named like %q: %v", name, err)
		}
	}
	_ = admin.Logout(context.Background())
	t.Logf("names the appliance accepts: %q; refuses: %q", accepted, refused)
	lifecycle := t.Run("accepted", func(t *testing.T) { unusualNamesLifecycle(t, f, accepted) })
	contained := t.Run("refused", func(t *testing.T) { refusedNamesReachNoOtherUser(t, f, refused) })
	record(scenarioFigures{Scenario: "Bad inputs: user names with a space, non-ASCII letters, +, %, #, ?, /", Passed: lifecycle && contained, SessionsLeft: -1, Figures: [][2]string{
		{"names the appliance accepts", fmt.Sprintf("%q", accepted)},
		{"create, read, MFA, import and destroy of those, state equal to the appliance", verdict(lifecycle)},
		{"names the appliance refuses", fmt.Sprintf("%q", refused)},
		{"creating those names the attribute; reading, MFA and import reach no other user", verdict(contained)},
		{"5xx answered by the emulator", fmt.Sprint(f.emu.Counters(emulator.AWS).Status5xx)},
	}})
	if c := f.emu.Counters(emulator.AWS); c.Status5xx != 0 {
		t.Errorf("the emulator answered %d 5xx", c.Status5xx)
	}
}

func unusualNamesLifecycle(t *testing.T, f *fixture, names []string) {
	if len(names) == 0 {
		t.Skip("the appliance accepts none of the names")
	}
	config := f.admin() + `
locals {
  names = [` + quoteList(names) + `]
}

resource "veeam_aws_user" "n" {
  count               = length(local.names)
  name                = local.names[count.index]
  password_wo         = "Pw-${count.index}-Secret-1"
  password_wo_version = 1
}

# The names come from the list, not from veeam_aws_user.n[count.index]: an import step works on
# one instance, and the others' indexes must still evaluate.
resource "veeam_aws_user_mfa" "m" {
  count      = length(local.names)
  user_name  = local.names[count.index]
  depends_on = [veeam_aws_user.n]
}

data "veeam_aws_user" "d" {
  count      = length(local.names)
  name       = local.names[count.index]
  depends_on = [veeam_aws_user.n]
}
`
	steps := []resource.TestStep{{
		Config: config,
		Check: func(s *terraformState) error {
			var bad []string
			for i, name := range names {
				u, ok := f.emu.AWSUser(name)
				mfa := s.RootModule().Resources[fmt.Sprintf("veeam_aws_user_mfa.m.%d", i)]
				data := s.RootModule().Resources[fmt.Sprintf("data.veeam_aws_user.d.%d", i)]
				switch {
				case !ok:
					bad = append(bad, fmt.Sprintf("%q: not on the appliance", name))
				case !u.MFAEnabled || mfa == nil || u.MFASecret != mfa.Primary.Attributes["secret_key"]:
					bad = append(bad, fmt.Sprintf("%q: MFA on the appliance (on: %v) is not the state's", name, u.MFAEnabled))
				case data == nil || data.Primary.Attributes["name"] != name:
					bad = append(bad, fmt.Sprintf("%q: the data source read another user", name))
				}
			}
			if len(bad) > 0 {
				return fmt.Errorf("%s", strings.Join(bad, "\n"))
			}
			return nil
		},
	}}
	for i, name := range names {
		steps = append(steps,
			resource.TestStep{
				Config:                               config,
				ResourceName:                         fmt.Sprintf("veeam_aws_user.n[%d]", i),
				ImportState:                          true,
				ImportStateId:                        name,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "name",
				ImportStateVerifyIgnore:              []string{"password_wo", "password_wo_version"},
			},
			resource.TestStep{
				Config:        config,
				ResourceName:  fmt.Sprintf("veeam_aws_user_mfa.m[%d]", i),
				ImportState:   true,
				ImportStateId: name,
				ImportStateCheck: func(is []*terraformInstanceState) error {
					if len(is) != 1 || is[0].Attributes["user_name"] != name {
						return fmt.Errorf("import of %q: %d instances %v", name, len(is), is)
					}
					return nil
				},
			})
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: factories,
		Steps:                    steps,
		CheckDestroy: func(*terraformState) error {
			var left []string
			for _, name := range names {
				if _, ok := f.emu.AWSUser(name); ok {
					left = append(left, fmt.Sprintf("%q", name))
				}
			}
			if len(left) > 0 {
				return fmt.Errorf("destroy left users on the appliance: %s", strings.Join(left, ", "))
			}
			return nil
		},
	})
}

// decoy is the user a name would reach if its special character were not escaped: what comes
// before it.
func decoy(name string) string {
	if i := strings.IndexAny(name, "/\\?#%"); i > 0 {
		return name[:i]
	}
	return ""
}

func refusedNamesReachNoOtherUser(t *testing.T, f *fixture, names []string) {
	if len(names) == 0 {
		t.Skip("the appliance accepts every name")
	}
	decoys := map[string]bool{}
	for _, name := range names {
		if d := decoy(name); d != "" && !decoys[d] {
			decoys[d] = true
			if err := f.emu.AddUser(emulator.AWS, emulator.SeedUser{Name: d, Password: passwordOf(d), Role: emulator.RolePortalOperator}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			q := fmt.Sprintf("%q", name)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories,
				Steps: []resource.TestStep{
					{
						Config: f.admin() + `
resource "veeam_aws_user" "n" {
  name     = ` + q + `
  password = "Pw-Refused-1"
}
`,
						ExpectError: allOf([]string{`\bname\b`}),
					},
					{
						Config: f.admin() + `
resource "veeam_aws_user_mfa" "m" {
  user_name = ` + q + `
}
`,
						ExpectError: allOf([]string{regexp.QuoteMeta(`no Veeam Backup for AWS user ` + q)}),
					},
					{
						Config: f.admin() + `
data "veeam_aws_user" "d" {
  name = ` + q + `
}
`,
						ExpectError: allOf([]string{regexp.QuoteMeta(q)}),
					},
					{
						Config: f.admin() + `
resource "veeam_aws_user" "n" {
  name     = ` + q + `
  password = "Pw-Refused-1"
}
`,
						ResourceName:  "veeam_aws_user.n",
						ImportState:   true,
						ImportStateId: name,
						ExpectError:   allOf([]string{`(?i)cannot import|does not exist|no Veeam Backup for AWS user`}),
					},
				},
			})
			if d := decoy(name); d != "" {
				if u, _ := f.emu.AWSUser(d); u.MFAEnabled {
					t.Errorf("MFA for %q turned MFA on for %q", name, d)
				}
			}
		})
	}
}
