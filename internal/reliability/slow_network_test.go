package reliability

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// TestReliabilityShortTokensSlowNetwork is issue #12's second figure: access tokens live 3
// seconds and every request takes 1 s more (emulator latency), while the real terraform CLI
// with the provider binary creates N veeam_aws_user_mfa (10, full: 80) and destroys them. No
// 401 may reach the user (a failed command, or a diagnostic that mentions it), and no session
// may be left open. The 401s the emulator answered and the requests the client resent after
// one (its debug log: "credential rejected; renewing and retrying once") are reported.
func TestReliabilityShortTokensSlowNetwork(t *testing.T) {
	n := size(10, 80)
	const lifetime, latency = 3 * time.Second, time.Second
	f := startBehindFaults(t, emulator.Options{
		Lifetimes: emulator.Lifetimes{AccessToken: lifetime},
		Faults:    emulator.Faults{Latency: latency},
	}, 0, faultRates{})
	x := expectation{wantMFA: true, succeeded: true}
	for i := range n {
		name := fmt.Sprintf("slow%03d", i+1)
		if err := f.emu.AddUser(emulator.AWS, emulator.SeedUser{Name: name, Password: passwordOf(name), Role: emulator.RolePortalOperator}); err != nil {
			t.Fatal(err)
		}
		x.mfaUsers = append(x.mfaUsers, name)
	}
	logPath := filepath.Join(t.TempDir(), "provider.log")
	c := newCLI(t, f.admin()+`
resource "veeam_aws_user_mfa" "u" {
  for_each  = toset([`+quoteList(x.mfaUsers)+`])
  user_name = each.value
}
`, "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+logPath)
	figs := scenarioFigures{Scenario: "3-second access tokens, 1 s latency", Resources: n, Passed: true}
	fail := func(format string, args ...any) {
		t.Errorf(format, args...)
		figs.Passed = false
	}
	visible := regexp.MustCompile(`(?i)\b401\b|unauthori[sz]ed|credential rejected`)
	userVisible := 0
	for _, s := range []struct {
		name string
		args []string
		want expectation
	}{
		{"create veeam_aws_user_mfa", []string{"apply", "-auto-approve", "-input=false", "-no-color"}, x},
		{"destroy all", []string{"destroy", "-auto-approve", "-input=false", "-no-color"}, expectation{mfaUsers: x.mfaUsers}},
	} {
		var out string
		var err error
		cf := commandFigures{Command: s.name}
		cf.Took = timed(func() { out, err = c.try(s.args...) })
		if err != nil {
			cf.Failed, cf.Rerun, cf.Errors = true, "not rerun", errorLines(out)
			userVisible++
			fail("%s failed: %v\n%s", s.name, err, tail(out, 40))
		} else if m := visible.FindString(out); m != "" {
			userVisible++
			fail("%s: the output shows %q to the user:\n%s", s.name, m, tail(out, 40))
		}
		res := f.check(context.Background(), c, s.want)
		cf.Mismatches = len(res.Mismatches)
		for _, m := range res.Mismatches {
			fail("after %s: mismatch: %s", s.name, m)
		}
		cf.OpenAfter, _, _ = f.openSessions()
		figs.Commands = append(figs.Commands, cf)
	}
	left, _, who := f.openSessions()
	if left != 0 {
		fail("%d sessions left open at the end (users %v)", left, who)
	}
	log, _ := os.ReadFile(logPath)
	resent := bytes.Count(log, []byte("credential rejected; renewing and retrying once"))
	counters := f.emu.Counters(emulator.AWS)
	if counters.Status5xx != 0 {
		fail("the emulator answered %d 5xx", counters.Status5xx)
	}
	if counters.Refreshes == 0 && counters.Logins < 3 {
		fail("the commands lasted longer than an access token but nothing was renewed (counters %+v): the scenario did not exercise renewal", counters)
	}
	figs.Figures = [][2]string{
		{"access token lifetime, latency per request", fmt.Sprintf("%s, %s", lifetime, latency)},
		{"user-visible 401s (failed commands or diagnostics)", fmt.Sprint(userVisible)},
		{"401s answered by the emulator", fmt.Sprint(f.wire.Status(http.StatusUnauthorized))},
		{"requests the client resent after a 401 (its debug log)", fmt.Sprint(resent)},
		{"emulator: logins, refreshes, logouts", fmt.Sprintf("%d, %d, %d", counters.Logins, counters.Refreshes, counters.Logouts)},
		{"sessions left open at the end", fmt.Sprint(left)},
		{"statuses the emulator answered", f.wire.Statuses()},
	}
	figs.SessionsLeft = left
	record(figs)
	t.Logf("%+v", figs)
}
