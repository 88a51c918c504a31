package reliability

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// faultyFixture is a fixture whose url goes through a faultProxy; direct reaches the same
// emulator without faults, for the suite's own checks (logins with the secrets in state).
type faultyFixture struct {
	*fixture
	proxy    *faultProxy
	direct   string
	directCA string
}

// startBehindFaults serves the emulator's Backup for AWS twice: behind a faultProxy (seed,
// rates) for Terraform, and directly for the checks. The wire recorder sits between the proxy
// and the emulator, so it counts what the emulator answered, lost answers included.
func startBehindFaults(t *testing.T, opts emulator.Options, seed uint64, rates faultRates) *faultyFixture {
	t.Helper()
	e, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	w := &wire{status: map[int]int{}, secrets: map[string]string{}}
	recorded := w.wrap(e.Handler(emulator.AWS))
	proxy := newFaultProxy(recorded, seed, rates, func(tok string) (string, bool) { return e.SessionOf(emulator.AWS, tok) })
	front := httptest.NewUnstartedServer(proxy)
	front.Config.ErrorLog = log.New(io.Discard, "", 0)
	front.StartTLS()
	direct := httptest.NewUnstartedServer(e.Handler(emulator.AWS))
	direct.Config.ErrorLog = log.New(io.Discard, "", 0)
	direct.StartTLS()
	t.Cleanup(func() {
		front.Close()
		direct.Close()
		_ = e.Close()
	})
	certPEM := func(s *httptest.Server) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}))
	}
	return &faultyFixture{
		fixture: &fixture{t: t, emu: e, url: front.URL, wire: w, caPEM: certPEM(front)},
		proxy:   proxy, direct: direct.URL, directCA: certPEM(direct),
	}
}

// passwordOf is the password addUsers gives the i-th user (from 0) of prefix, and the one the
// scenarios give the users Terraform creates.
func passwordOf(name string) string { return "Pw-" + name + "-Secret" }

// logIn logs in directly (no faults) as user with password and, when set, the TOTP secret,
// reads the user and logs out: nil when the appliance accepts them.
func (f *faultyFixture) logIn(ctx context.Context, user, password, totpSecret string) error {
	c, err := client.NewAWS(client.Config{
		Host:        f.direct,
		Credentials: client.Credentials{Username: user, Password: password, TOTPSecret: totpSecret},
		TLS:         client.TLSConfig{CACertPEM: f.directCA},
	})
	if err != nil {
		return err
	}
	_, err = c.GetUser(ctx, user)
	if lerr := c.Logout(ctx); err == nil && lerr != nil {
		err = fmt.Errorf("logout: %w", lerr)
	}
	return err
}

// eachParallel runs fn for every name, ten at a time, and returns the failures sorted.
func eachParallel(names []string, fn func(name string) error) []string {
	var (
		mu  sync.Mutex
		out []string
		wg  sync.WaitGroup
	)
	sem := make(chan struct{}, 10)
	for _, n := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(n); err != nil {
				mu.Lock()
				out = append(out, fmt.Sprintf("%s: %v", n, err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Strings(out)
	return out
}

// ---- Terraform's state ----

// tfState is what the suite reads from terraform.tfstate: per resource type, the instances by
// name (user_name or name attribute) with their attributes.
type tfState map[string]map[string]map[string]any

func (c *cli) state() (tfState, error) {
	b, err := os.ReadFile(filepath.Join(c.dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return tfState{}, nil
	}
	if err != nil {
		return nil, err
	}
	var raw struct {
		Resources []struct {
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("terraform.tfstate: %w", err)
	}
	out := tfState{}
	for _, r := range raw.Resources {
		if r.Mode != "managed" {
			continue
		}
		if out[r.Type] == nil {
			out[r.Type] = map[string]map[string]any{}
		}
		for _, i := range r.Instances {
			name, _ := i.Attributes["user_name"].(string)
			if name == "" {
				name, _ = i.Attributes["name"].(string)
			}
			out[r.Type][name] = i.Attributes
		}
	}
	return out, nil
}

// write replaces the working directory's configuration (the terraform block is kept).
func (c *cli) write(config string) {
	c.t.Helper()
	main := "terraform {\n  required_providers {\n    veeam = { source = \"tfveeam/veeam\" }\n  }\n}\n\n" + config
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(main), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// try runs terraform ARGS and returns its output and error, without failing the test.
func (c *cli) try(args ...string) (string, error) {
	c.t.Helper()
	tf := ""
	for _, kv := range c.env {
		if v, ok := strings.CutPrefix(kv, "TF_ACC_TERRAFORM_PATH="); ok {
			tf = v
		}
	}
	cmd := exec.Command(tf, append([]string{"-chdir=" + c.dir}, args...)...)
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// ---- state against the appliance ----

// expectation is what a check knows of the configuration a command applied.
type expectation struct {
	mfaUsers   []string // users the configuration may give MFA (seeded, MFA off at start)
	newUsers   []string // users the configuration may create
	wantMFA    bool     // the configuration holds veeam_aws_user_mfa for every mfaUsers
	wantUsers  bool     // the configuration holds veeam_aws_user for every newUsers
	succeeded  bool     // the command succeeded: everything configured must be in state
	loginCheck bool     // log in with every secret in state (lost secrets)
}

// checkResult is what one check found.
type checkResult struct {
	Mismatches  []string // state differs from the appliance
	LostSecrets []string // a secret in state the appliance does not accept
}

// check compares Terraform's state with the emulator's own record: every MFA secret in state
// is the appliance's, every user in state exists, no user or MFA Terraform made is unknown to
// it, and (loginCheck) every secret in state logs in.
func (f *faultyFixture) check(ctx context.Context, c *cli, x expectation) checkResult {
	var r checkResult
	st, err := c.state()
	if err != nil {
		r.Mismatches = append(r.Mismatches, err.Error())
		return r
	}
	mfa, users := st["veeam_aws_user_mfa"], st["veeam_aws_user"]
	var withSecret []string
	for _, name := range x.mfaUsers {
		u, onAppliance := f.emu.AWSUser(name)
		attrs, inState := mfa[name]
		secret, _ := attrs["secret_key"].(string)
		switch {
		case !onAppliance:
			r.Mismatches = append(r.Mismatches, name+": the user is gone from the appliance")
		case inState && !u.MFAEnabled:
			r.Mismatches = append(r.Mismatches, name+": MFA in state, off on the appliance")
		case inState && u.PendingMFASecret != "":
			r.Mismatches = append(r.Mismatches, name+": an enrollment is still pending on the appliance")
		case inState && (secret == "" || secret != u.MFASecret):
			r.Mismatches = append(r.Mismatches, name+": secret_key in state is not the appliance's secret")
		case !inState && u.MFAEnabled:
			r.Mismatches = append(r.Mismatches, name+": MFA on the appliance, not in state (Terraform made it and forgot it)")
		case !inState && x.wantMFA && x.succeeded:
			r.Mismatches = append(r.Mismatches, name+": configured, not in state after a successful command")
		}
		if inState && secret != "" {
			withSecret = append(withSecret, name)
		}
	}
	for _, name := range x.newUsers {
		_, onAppliance := f.emu.AWSUser(name)
		_, inState := users[name]
		switch {
		case inState && !onAppliance:
			r.Mismatches = append(r.Mismatches, name+": in state, not on the appliance")
		case !inState && onAppliance:
			r.Mismatches = append(r.Mismatches, name+": on the appliance, not in state (Terraform created it and does not know it)")
		case !inState && x.wantUsers && x.succeeded:
			r.Mismatches = append(r.Mismatches, name+": configured, not in state after a successful command")
		}
	}
	if x.loginCheck {
		r.LostSecrets = eachParallel(withSecret, func(name string) error {
			secret, _ := mfa[name]["secret_key"].(string)
			return f.logIn(ctx, name, passwordOf(name), secret)
		})
		var created []string
		for name := range users {
			created = append(created, name)
		}
		// A password that does not log in is a state/appliance mismatch.
		for _, l := range eachParallel(created, func(name string) error { return f.logIn(ctx, name, passwordOf(name), "") }) {
			r.Mismatches = append(r.Mismatches, l+" (the configured password does not log in)")
		}
	}
	sort.Strings(r.Mismatches)
	return r
}

// openSessions counts the sessions left open on the appliance, and apart those a cut login
// or refresh answer opened (no client can know them; they end when their tokens expire).
func (f *faultyFixture) openSessions() (left, orphaned int, who []string) {
	for _, s := range f.emu.Sessions(emulator.AWS) {
		if f.proxy.Orphaned(s.SessionID) {
			orphaned++
			continue
		}
		left++
		who = append(who, s.UserName)
	}
	sort.Strings(who)
	return left, orphaned, who
}

// timed runs fn and returns how long it took, rounded for a report.
func timed(fn func()) time.Duration {
	t0 := time.Now()
	fn()
	return time.Since(t0).Round(100 * time.Millisecond)
}
