//go:build unix

package main

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as the command itself (for the signal
// test) when VEEAM_EMULATOR_BE_MAIN is set.
func TestMain(m *testing.M) {
	if os.Getenv("VEEAM_EMULATOR_BE_MAIN") == "1" {
		os.Args = append([]string{"veeam-emulator"}, strings.Fields(os.Getenv("VEEAM_EMULATOR_ARGS"))...)
		main()
		return
	}
	os.Exit(m.Run())
}

func TestSIGTERMExitsZero(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "VEEAM_EMULATOR_BE_MAIN=1", "VEEAM_EMULATOR_ARGS=-plain-http -aws 127.0.0.1:0 -vbr 127.0.0.1:0 -vro=127.0.0.1:0 -vao=127.0.0.1:0 -em=127.0.0.1:0")
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
