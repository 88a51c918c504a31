//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as the command itself (for the signal,
// crash and guide script tests) when VEEAM_EMULATOR_BE_MAIN is set. The
// arguments come from VEEAM_EMULATOR_ARGS_JSON (a JSON list, for arguments
// with blanks), else VEEAM_EMULATOR_ARGS (split at blanks), else the test
// binary's own arguments.
func TestMain(m *testing.M) {
	if os.Getenv("VEEAM_EMULATOR_BE_MAIN") == "1" {
		args := strings.Fields(os.Getenv("VEEAM_EMULATOR_ARGS"))
		if _, set := os.LookupEnv("VEEAM_EMULATOR_ARGS"); !set {
			args = os.Args[1:]
		}
		if j := os.Getenv("VEEAM_EMULATOR_ARGS_JSON"); j != "" {
			if err := json.Unmarshal([]byte(j), &args); err != nil {
				fmt.Fprintln(os.Stderr, "VEEAM_EMULATOR_ARGS_JSON:", err)
				os.Exit(2)
			}
		}
		if _, set := os.LookupEnv("VEEAM_EMULATOR_ARGS"); set || os.Getenv("VEEAM_EMULATOR_ARGS_JSON") != "" {
			args = onlyNamed(args) // a test's own list: only the products it names
		}
		os.Args = append([]string{"veeam-emulator"}, args...)
		main()
		return
	}
	os.Exit(m.Run())
}

func TestSIGTERMExitsZero(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "VEEAM_EMULATOR_BE_MAIN=1", "VEEAM_EMULATOR_ARGS=-plain-http -aws 127.0.0.1:0 -vbr 127.0.0.1:0 -vro=127.0.0.1:0 -vao=127.0.0.1:0 -em=127.0.0.1:0 -azure=127.0.0.1:0 -gcp=127.0.0.1:0")
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(out)
			lines := 0
			for lines < 5 && sc.Scan() {
				if !lineRe.MatchString(sc.Text()) {
					t.Fatalf("unexpected line %q", sc.Text())
				}
				lines++
			}
			if lines != 5 {
				_ = cmd.Process.Kill()
				t.Fatalf("got %d listening lines", lines)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("exit after %v: %v", sig, err)
				}
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("no exit after %v", sig)
			}
		})
	}
}
