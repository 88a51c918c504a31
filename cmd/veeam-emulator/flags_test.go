package main

import (
	"bytes"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

const testSeed = `{
  "users": {
    "aws": [
      {"name": "administrator", "password": "Seeded-Admin1", "isDefault": true},
      {"name": "carol", "password": "Carol-Pass1", "role": "Portal Operator", "mfaSecret": "JBSWY3DPEHPK3PXP"}
    ],
    "vro": [{"name": "ci", "password": "Ci-Secret1", "client": true}]
  }
}`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRunConfigSeed: -config replaces the default accounts and -user adds to
// them.
func TestRunConfigSeed(t *testing.T) {
	path := writeFile(t, "seed.json", testSeed)
	urls, stderr, stop := start(t, 2, "-plain-http", "-aws", "127.0.0.1:0", "-vro", "127.0.0.1:0", "-vbr", "", "-vao", "", "-em", "", "-azure", "", "-gcp", "",
		"-config", path, "-user", "extra:Extra-Pass1:Restore Operator")
	aws := urls["aws"]
	login := func(user, pw string) (int, map[string]any) {
		return post(t, http.DefaultClient, aws+"/api/v1/token", url.Values{"grant_type": {"password"}, "username": {user}, "password": {pw}})
	}
	if status, tok := login("administrator", "Seeded-Admin1"); status != 200 {
		t.Errorf("seeded administrator: %d %v", status, tok)
	}
	if status, _ := login("administrator", "Password1"); status != 401 {
		t.Errorf("default administrator password: %d, want 401", status)
	}
	if status, _ := login("operator", "Password1"); status != 401 {
		t.Errorf("default operator: %d, want 401 (the file replaces the default accounts)", status)
	}
	if status, tok := login("carol", "Carol-Pass1"); status != 200 || tok["mfa_enabled"] != true {
		t.Errorf("carol (MFA on): %d %v", status, tok)
	}
	if status, tok := login("extra", "Extra-Pass1"); status != 200 || tok["roleName"] != "Restore Operator" {
		t.Errorf("-user extra: %d %v", status, tok)
	}
	if status, tok := post(t, http.DefaultClient, urls["vro"]+"/api/token",
		url.Values{"grant_type": {"client_credentials"}, "client_id": {"ci"}, "client_secret": {"Ci-Secret1"}}); status != 200 {
		t.Errorf("vro client: %d %v", status, tok)
	}
	if status, _ := post(t, http.DefaultClient, urls["vro"]+"/api/token",
		url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}}); status != 400 {
		t.Errorf("default vro administrator: %d, want 400", status)
	}
	if code := stop(); code != 0 {
		t.Errorf("exit %d; stderr: %s", code, stderr)
	}
}

// TestRunConfigErrors: a bad seed file stops the command with exit 2 and a
// message naming the file, the account, the field and the fix.
func TestRunConfigErrors(t *testing.T) {
	bad := writeFile(t, "bad.json", `{"users": {"aws": [{"name": "alice", "password": "p", "role": "Boss"}], "em": [{"name": "t", "tenant": true}]}}`)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"-config", bad}, []string{"-config: seed " + bad, "2 problems", `users.aws[0] ("alice"): role: "Boss" is not a Backup for AWS role`, `users.em[0] ("t"): password: is empty`}},
		{[]string{"-config", filepath.Join(t.TempDir(), "nope.json")}, []string{"-config: seed:", "nope.json"}},
		{[]string{"-config", writeFile(t, "syntax.json", "{\n\"users\": {,}}")}, []string{"line 2, column 11"}},
		{[]string{"-config", writeFile(t, "ok.json", testSeed), "-user", "x:y:King"}, []string{"(-config, -user)", `"King" is not a Backup for AWS role`}},
	} {
		var errb bytes.Buffer
		code := run(t.Context(), append(c.args, "-plain-http", "-aws", "127.0.0.1:0"), io.Discard, &errb)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2", c.args, code)
		}
		for _, w := range c.want {
			if !strings.Contains(errb.String(), w) {
				t.Errorf("%q: stderr lacks %q:\n%s", c.args, w, errb.String())
			}
		}
	}
}

// TestRunPrintSeed: -print-seed writes a valid seed (the default one, or
// -config's, with -user's accounts) and exits without serving.
func TestRunPrintSeed(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"-print-seed", "-user", "zed:Zed-Pass1"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s, err := emulator.ParseSeed(out.Bytes())
	if err != nil {
		t.Fatalf("-print-seed output does not read back: %v\n%s", err, out.String())
	}
	want := emulator.DefaultSeed()
	want.Users[emulator.AWS] = append(want.Users[emulator.AWS], emulator.SeedUser{Name: "zed", Password: "Zed-Pass1", Role: emulator.RolePortalAdministrator})
	if len(s.Users[emulator.AWS]) != len(want.Users[emulator.AWS]) || !reflect.DeepEqual(s.Users[emulator.AWS][4], want.Users[emulator.AWS][4]) ||
		len(s.Users[emulator.EM]) != len(want.Users[emulator.EM]) {
		t.Errorf("printed seed = %+v", s)
	}
	out.Reset()
	if code := run(t.Context(), []string{"-print-seed", "-config", writeFile(t, "seed.json", testSeed)}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if s, err := emulator.ParseSeed(out.Bytes()); err != nil || len(s.Users[emulator.AWS]) != 2 || len(s.Users[emulator.EM]) != 0 {
		t.Errorf("printed -config seed = %+v %v", s, err)
	}
}

// TestRunStateOverridesConfigSaysSo: with an existing -state file the
// accounts come from it, and the command says that -config is not used.
func TestRunStateOverridesConfigSaysSo(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	_, _, stop := start(t, 1, "-plain-http", "-aws", "127.0.0.1:0", "-vbr", "", "-vro", "", "-vao", "", "-em", "", "-azure", "", "-gcp", "", "-state", state)
	stop()
	urls, stderr, stop := start(t, 1, "-plain-http", "-aws", "127.0.0.1:0", "-vbr", "", "-vro", "", "-vao", "", "-em", "", "-azure", "", "-gcp", "", "-state", state,
		"-config", writeFile(t, "seed.json", testSeed))
	if !strings.Contains(stderr.String(), "-config/-user accounts are ignored") {
		t.Errorf("stderr: %s", stderr)
	}
	if status, _ := post(t, http.DefaultClient, urls["aws"]+"/api/v1/token", url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}}); status != 200 {
		t.Errorf("state's administrator: %d", status)
	}
	stop()
}

// TestHelpDocumentsEveryFlag: -h lists every flag the command defines (also
// those added later), each with a description.
func TestHelpDocumentsEveryFlag(t *testing.T) {
	var out syncBuffer
	if code := run(t.Context(), []string{"-h"}, &out, &out); code != 0 {
		t.Fatalf("-h exit %d", code)
	}
	help := out.String()
	c, err := parse(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	c.flags.VisitAll(func(f *flag.Flag) {
		n++
		if !regexp.MustCompile(`(?m)^  -` + regexp.QuoteMeta(f.Name) + `\b`).MatchString(help) {
			t.Errorf("-h does not list -%s", f.Name)
		}
		if len(strings.TrimSpace(f.Usage)) < 15 {
			t.Errorf("-%s has no real description: %q", f.Name, f.Usage)
		}
	})
	if n < 20 {
		t.Errorf("only %d flags seen", n)
	}
	for _, w := range []string{"-config", "-print-seed", "examples/emulator/seed.json", "listening on", "SIGTERM"} {
		if !strings.Contains(help, w) {
			t.Errorf("-h lacks %q", w)
		}
	}
}

func TestRunEnvironmentLifetimes(t *testing.T) {
	t.Setenv("VEEAM_ACCESS_TOKEN_LIFETIME_SEC", "120")
	t.Setenv("VEEAM_REFRESH_TOKEN_LIFETIME_DAYS", "0.5")
	t.Setenv("VEEAM_AUTHORIZATION_CODE_LIFETIME_SECONDS", "30")
	l, err := envLifetimes()
	if err != nil || l.AccessToken != 2*time.Minute || l.RefreshToken != 12*time.Hour || l.AuthorizationCode != 30*time.Second {
		t.Fatalf("envLifetimes = %+v %v", l, err)
	}
	urls, _, _ := start(t, 1, "-plain-http", "-aws", "127.0.0.1:0", "-vbr", "", "-vro", "", "-vao", "", "-em", "", "-azure", "", "-gcp", "")
	_, tok := post(t, http.DefaultClient, urls["aws"]+"/api/v1/token", url.Values{"grant_type": {"password"}, "username": {"operator"}, "password": {"Password1"}})
	if tok["expires_in"] != 120.0 {
		t.Errorf("expires_in = %v", tok["expires_in"])
	}
	// A flag wins over the environment.
	c, err := parse([]string{"-access-token-lifetime", "5m"}, io.Discard)
	if err != nil || c.lifetimes.AccessToken != 5*time.Minute || c.lifetimes.RefreshToken != 12*time.Hour {
		t.Errorf("flag over env: %+v %v", c, err)
	}
}

func TestRunHelpAndBadInput(t *testing.T) {
	var out syncBuffer
	if code := run(t.Context(), []string{"-h"}, &out, &out); code != 0 {
		t.Errorf("-h exit %d", code)
	}
	help := out.String()
	for _, f := range []string{"-aws", "-vbr", "-vro", "-vao", "-em", "-m365", "-one", "-spc", "4443", "1239", "1280", "-plain-http", "-tls-host", "-ca-cert-out", "-user", "-access-token-lifetime",
		"-refresh-token-lifetime", "-authorization-code-lifetime", "-mfa-token-lifetime", "-aws-versions", "-control", "-log-requests", "-state",
		"-fault-latency", "-fault-503-rate", "-fault-drop-rate", "VEEAM_ACCESS_TOKEN_LIFETIME_SEC", "9899"} {
		if !strings.Contains(help, f) {
			t.Errorf("help lacks %s", f)
		}
	}
	bad := [][]string{
		{"-nope"},
		{"-user", "nocolon"},
		{"-user", "x:y:King", "-aws", "127.0.0.1:0"},
		{"-access-token-lifetime", "-1s"},
		{"-aws-versions", " , "},
		{"-fault-drop-rate", "2"},
		{"stray"},
	}
	var none []string // every product disabled
	for _, p := range emulator.AllProducts() {
		none = append(none, "-"+string(p), "")
	}
	bad = append(bad, none)
	for _, args := range bad {
		if code := run(t.Context(), args, io.Discard, io.Discard); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	t.Setenv("VEEAM_ACCESS_TOKEN_LIFETIME_SEC", "soon")
	if code := run(t.Context(), []string{"-aws", "127.0.0.1:0"}, io.Discard, io.Discard); code != 2 {
		t.Errorf("bad env: exit %d", code)
	}
}

// TestBuildFlag: -build PRODUCT=BUILD is repeatable, checked against the
// known builds, and listed in -h.
func TestBuildFlag(t *testing.T) {
	c, err := parse([]string{"-build", "vbr=12.3", "-build", "AWS=1.0"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := (buildsFlag{emulator.VBR: "12.3", emulator.AWS: "1.0"}); !reflect.DeepEqual(c.builds, want) {
		t.Fatalf("builds = %v, want %v", c.builds, want)
	}
	for _, bad := range []string{"vbr=14", "vbr", "nope=1", "vbr="} {
		var stderr bytes.Buffer
		if _, err := parse([]string{"-build", bad}, &stderr); err == nil {
			t.Errorf("-build %s accepted", bad)
		}
	}
	var stderr bytes.Buffer
	_, _ = parse([]string{"-build", "vbr=14"}, &stderr)
	if !strings.Contains(stderr.String(), "known: 12.0, 12.1, 12.2, 12.3, 12.3.1, 13.0, 13.0.1, 13.1") {
		t.Errorf("refusal does not list the known builds: %s", stderr.String())
	}
	var help bytes.Buffer
	if _, err := parse([]string{"-h"}, &help); err != flag.ErrHelp {
		t.Fatal(err)
	}
	if !strings.Contains(help.String(), "-build PRODUCT=BUILD") || !strings.Contains(help.String(), "vbr 12.0, 12.1, 12.2, 12.3, 12.3.1, 13.0, 13.0.1, 13.1 (default 13.1)") {
		t.Errorf("-h does not describe -build: %s", help.String())
	}
}
