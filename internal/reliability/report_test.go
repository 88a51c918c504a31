package reliability

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// reportEnv names the file `make reliability` asks the figures to be written to (Markdown).
const reportEnv = "VEEAM_RELIABILITY_REPORT"

// commandFigures are one Terraform command's figures in a scenario.
type commandFigures struct {
	Command     string
	Failed      bool   // the first run failed
	Rerun       string // "" (not needed), "converged" or "failed"
	Mismatches  int    // state against the appliance, after the command (after the rerun if any)
	LostSecrets int    // secrets in state the appliance refused
	OpenAfter   int    // sessions open on the appliance after the command (cut logins apart)
	Took        time.Duration
	Errors      []string // the diagnostics of the failed runs, one line each
}

// errorLines sums up Terraform's error diagnostics in out: "title (resource address)", and
// the API's answer when the diagnostic quotes one.
func errorLines(out string) []string {
	var errs []string
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		title, ok := strings.CutPrefix(strings.TrimSpace(l), "Error: ")
		if !ok {
			continue
		}
		for _, m := range lines[i+1 : min(i+12, len(lines))] {
			m = strings.TrimSpace(m)
			if strings.HasPrefix(m, "Error: ") {
				break
			}
			if addr, ok := strings.CutPrefix(m, "with "); ok {
				title += " (" + strings.TrimSuffix(addr, ",") + ")"
			}
			if strings.HasPrefix(m, "Veeam Backup for AWS") {
				title += ": " + answer(lines[i+1:], m)
				break
			}
		}
		errs = append(errs, title)
	}
	return errs
}

// answer is the paragraph of lines that starts with first, joined into one line.
func answer(lines []string, first string) string {
	var parts []string
	started := false
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == first {
			started = true
		}
		if !started {
			continue
		}
		if l == "" {
			break
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, " ")
}

// scenarioFigures are one scenario run (one seed) for the report.
type scenarioFigures struct {
	Scenario  string
	Seed      uint64
	Resources int
	Commands  []commandFigures
	Figures   [][2]string // more figures, in order: name, value
	Passed    bool
	// SessionsLeft is how many sessions were left open at the end; -1 when not counted.
	SessionsLeft int
}

// summaryRow is the scenario's line in the report's summary table.
func (s scenarioFigures) summaryRow() string {
	failed, mismatches, lost := 0, 0, 0
	for _, c := range s.Commands {
		if c.Failed {
			failed++
		}
		mismatches += c.Mismatches
		lost += c.LostSecrets
	}
	seed, sessions := "—", "—"
	if s.Seed > 0 {
		seed = fmt.Sprint(s.Seed)
	}
	if s.SessionsLeft >= 0 {
		sessions = fmt.Sprint(s.SessionsLeft)
	}
	if len(s.Commands) == 0 {
		resources := "—"
		if s.Resources > 0 {
			resources = fmt.Sprint(s.Resources)
		}
		return fmt.Sprintf("| %s | %s | %s | — | — | — | %s | %s |\n", s.Scenario, seed, resources, sessions, verdict(s.Passed))
	}
	return fmt.Sprintf("| %s | %s | %d | %d of %d | %d | %d | %s | %s |\n", s.Scenario, seed, s.Resources, failed, len(s.Commands), mismatches, lost, sessions, verdict(s.Passed))
}

var report struct {
	mu   sync.Mutex
	rows []scenarioFigures
}

func record(s scenarioFigures) {
	report.mu.Lock()
	defer report.mu.Unlock()
	report.rows = append(report.rows, s)
}

// writeReport writes every recorded scenario to path as Markdown.
func writeReport(path string) error {
	report.mu.Lock()
	rows := append([]scenarioFigures(nil), report.rows...)
	report.mu.Unlock()
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Scenario != rows[j].Scenario {
			return rows[i].Scenario < rows[j].Scenario
		}
		return rows[i].Seed < rows[j].Seed
	})
	var b strings.Builder
	tf, _ := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "version").Output()
	tfv, _, _ := strings.Cut(string(tf), "\n")
	sizes := "small (make test)"
	if os.Getenv(fullEnv) == "1" {
		sizes = "full (make reliability)"
	}
	fmt.Fprintf(&b, `# Reliability report

Written by `+"`make reliability`"+` (internal/reliability, issue #12) on %s: %s, %s, %s/%s, %d CPUs, sizes %s.
Every figure comes from the emulator's own record (users, MFA secrets, sessions, counters) and
from Terraform's state file, read after each command; the commands are the real terraform CLI
with the provider binary.

- **Faults**: a proxy in front of the emulator answers 10%% of requests 503, resets 5%% of
  connections before forwarding and 5%% after forwarding (the emulator acted, the answer is
  lost). The fate of the n-th request to an endpoint is a hash of (seed, endpoint, n).
- **Mismatches**: a secret in state that is not the appliance's, MFA on the appliance that
  Terraform does not know, a user in state missing on the appliance or on the appliance and
  not in state, a configured password that does not log in, an enrollment left pending.
- **Lost secrets**: users whose secret in state fails a real login (password, then the TOTP
  code of that secret).
- **Sessions left open**: sessions on the appliance with a working token after the scenario.
  Sessions opened by a login (or continued by a refresh) whose answer the proxy cut are shown
  apart: no client can know them; they end when their tokens expire.

`, time.Now().UTC().Format("2006-01-02 15:04 UTC"), strings.TrimSpace(tfv), runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), sizes)
	b.WriteString("## Summary\n\n| scenario | seed | resources | failed commands | mismatches (sum after each command) | lost secrets | sessions left open | verdict |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		b.WriteString(r.summaryRow())
	}
	b.WriteString("\n")
	last := ""
	for _, r := range rows {
		if r.Scenario != last {
			fmt.Fprintf(&b, "## %s\n\n", r.Scenario)
			last = r.Scenario
		}
		v := verdict(r.Passed)
		if r.Seed > 0 {
			fmt.Fprintf(&b, "### seed %d, %d resources: %s\n\n", r.Seed, r.Resources, v)
		} else if r.Resources > 0 {
			fmt.Fprintf(&b, "### %d resources: %s\n\n", r.Resources, v)
		} else {
			fmt.Fprintf(&b, "%s\n\n", v)
		}
		if len(r.Commands) > 0 {
			b.WriteString("| command | failed | rerun | mismatches | lost secrets | sessions open after | took |\n|---|---|---|---|---|---|---|\n")
			for _, c := range r.Commands {
				failed, rerun := "0", "—"
				if c.Failed {
					failed, rerun = "**1**", c.Rerun
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d | %s |\n", c.Command, failed, rerun, c.Mismatches, c.LostSecrets, c.OpenAfter, c.Took)
			}
			b.WriteString("\n")
		}
		for _, c := range r.Commands {
			for _, e := range c.Errors {
				fmt.Fprintf(&b, "- error in %s: %s\n", c.Command, e)
			}
		}
		for _, kv := range r.Figures {
			fmt.Fprintf(&b, "- %s: %s\n", kv[0], kv[1])
		}
		b.WriteString("\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644) //nolint:gosec // a report for the repository
}

// verdict is how the report shows a pass or a failure.
func verdict(passed bool) string {
	if passed {
		return "passed"
	}
	return "**FAILED**"
}

// mapFigure prints a map sorted by key, e.g. "503 ×12, reset after forwarding ×3".
func mapFigure(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s ×%d", k, m[k])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// TestReliabilityErrorLines: a Terraform error diagnostic becomes one report line.
func TestReliabilityErrorLines(t *testing.T) {
	out := `veeam_aws_user_mfa.u["a"]: Still modifying... [id=a, 10s elapsed]

Error: Rotating the MFA secret failed

  with veeam_aws_user_mfa.u["a"],
  on main.tf line 40, in resource "veeam_aws_user_mfa" "u":
  40:   rotation_triggers = { round = "2" }

Veeam Backup for AWS: POST /api/v1/users/a/acceptMfa: 400 Bad Request
(UnexpectedContent): no MFA enrollment is pending

Error: Invalid provider configuration
`
	got := errorLines(out)
	want := []string{
		`Rotating the MFA secret failed (veeam_aws_user_mfa.u["a"]): Veeam Backup for AWS: POST /api/v1/users/a/acceptMfa: 400 Bad Request (UnexpectedContent): no MFA enrollment is pending`,
		`Invalid provider configuration`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errorLines = %q, want %q", got, want)
	}
}
