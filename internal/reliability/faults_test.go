package reliability

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// TestReliabilityApplyThroughFaults applies N veeam_aws_user_mfa (10, full: 50) while the
// emulator itself answers 10% of requests with 503 and drops 5% of connections before acting,
// checks that every user's MFA secret on the appliance is the one in Terraform's state, then
// destroys them through the same faults and checks MFA is off for every user.
//
// The provider runs with the default max_retries (4): at 14.5% failed tries that leaves about
// 6e-5 per request to fail all five. disableMfa is retry-safe (design/retries.md): a destroy
// through dropped connections succeeds. TestReliabilityLostAnswers covers answers lost after the
// appliance acted.
func TestReliabilityApplyThroughFaults(t *testing.T) {
	n := size(10, 50)
	f := start(t, emulator.Options{Faults: emulator.Faults{ServiceUnavailableRate: 0.10, DropRate: 0.05}})
	users := f.addUsers("faulty", n)
	base := f.admin() + `
locals {
  users = [` + quoteList(users) + `]
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		// The destroy at the end of the test goes through the same faults.
		CheckDestroy: func(*terraformState) error {
			var on []string
			for _, name := range users {
				if st, ok := f.emu.AWSUser(name); !ok || st.MFAEnabled || st.PendingMFASecret != "" {
					on = append(on, name)
				}
			}
			if len(on) > 0 {
				return fmt.Errorf("after destroy, MFA is still on (or the user is gone) on the appliance for %v", on)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: base + `
resource "veeam_aws_user_mfa" "u" {
  count     = length(local.users)
  user_name = local.users[count.index]
}
`,
				Check: func(s *terraformState) error {
					var bad []string
					for i, name := range users {
						rs, ok := s.RootModule().Resources[fmt.Sprintf("veeam_aws_user_mfa.u.%d", i)]
						if !ok {
							bad = append(bad, name+": not in state")
							continue
						}
						st, ok := f.emu.AWSUser(name)
						switch {
						case !ok:
							bad = append(bad, name+": not on the appliance")
						case !st.MFAEnabled:
							bad = append(bad, name+": MFA is off on the appliance")
						case st.PendingMFASecret != "":
							bad = append(bad, name+": an enrollment is still pending on the appliance")
						case st.MFASecret == "" || st.MFASecret != rs.Primary.Attributes["secret_key"]:
							bad = append(bad, name+": the appliance's secret differs from secret_key in state")
						}
					}
					if len(bad) > 0 {
						return fmt.Errorf("MFA state differs between the appliance and Terraform:\n%s", strings.Join(bad, "\n"))
					}
					return nil
				},
			},
		},
	})
	c := f.emu.Counters(emulator.AWS)
	record(scenarioFigures{Scenario: "Apply and destroy through the emulator's own faults (default max_retries)", Resources: n, Passed: !t.Failed(), SessionsLeft: -1, Figures: [][2]string{
		{"faults (emulator): 503 rate, drop rate before acting", "10%, 5%"},
		{"requests answered 503, connections dropped", fmt.Sprintf("%d, %d", c.Status5xx, c.Dropped)},
		{"apply and destroy succeeded, secrets in state equal to the appliance's, MFA off after destroy", fmt.Sprint(!t.Failed())},
	}})
	t.Logf("%d resources through faults: %d requests answered 503, %d connections dropped, %d logins, statuses %s",
		n, c.Status5xx, c.Dropped, c.Logins, f.wire.Statuses())
	if !t.Failed() && c.Status5xx+c.Dropped == 0 {
		t.Fatal("no fault was injected: the scenario tested nothing")
	}
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
