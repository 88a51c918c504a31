//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestGuideShellScriptRuns runs the guide's shell snippet
// (examples/emulator/ci.sh) with this command as veeam-emulator: with no
// arguments it logs in with curl, moves the clock and prints the counters;
// with a command it runs it with every product's environment set; and it
// leaves no emulator running.
func TestGuideShellScriptRuns(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "sed", "mktemp"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	bin := t.TempDir()
	wrapper := "#!/bin/sh\nVEEAM_EMULATOR_BE_MAIN=1 exec '" + os.Args[0] + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "veeam-emulator"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("../../examples/emulator/ci.sh")
	if err != nil {
		t.Fatal(err)
	}
	runScript := func(env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command("bash", append([]string{script}, args...)...)
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		cmd.Env = append(cmd.Env, env...)
		done := make(chan struct{})
		var out []byte
		go func() {
			out, err = cmd.CombinedOutput()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatal("ci.sh did not finish in 60s")
		}
		if err != nil {
			t.Fatalf("ci.sh %q: %v\n%s", args, err, out)
		}
		return string(out)
	}
	out := runScript(nil)
	if !strings.Contains(out, `"POST /api/v1/token grant=password":1`) || !strings.Contains(out, `"logins":1`) {
		t.Errorf("smoke test output: %s", out)
	}
	out = runScript(nil, "sh", "-c", `env | grep '^VEEAM_' | sort`)
	for _, p := range []string{"AWS", "VBR", "VRO", "VAO", "EM"} {
		if !regexp.MustCompile(`(?m)^VEEAM_`+p+`_HOST=https://127\.0\.0\.1:[1-9][0-9]*$`).MatchString(out) ||
			!strings.Contains(out, "VEEAM_"+p+"_CA_CERT_FILE=") {
			t.Errorf("%s environment missing:\n%s", p, out)
		}
	}
	if !strings.Contains(out, `VEEAM_VAO_USERNAME=VEEAM\administrator`) {
		t.Errorf("VAO user name: %s", out)
	}
	// With a seed file (the documented example) the smoke test uses its
	// accounts; the caller's credentials win over the defaults.
	seed, _ := filepath.Abs("../../examples/emulator/seed.json")
	out = runScript([]string{"VEEAM_EMULATOR_SEED=" + seed, "VEEAM_AWS_USERNAME=restore", "VEEAM_AWS_PASSWORD=Restore-Pass1"})
	if !strings.Contains(out, `"logins":1`) {
		t.Errorf("smoke test with the example seed: %s", out)
	}
	// A command that fails makes the script fail (and still stops the emulator).
	cmd := exec.Command("bash", script, "false")
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	if err := cmd.Run(); err == nil {
		t.Error("ci.sh false succeeded")
	}
}
