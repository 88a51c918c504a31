package reliability

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfstate "github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/provider"
)

// fullEnv selects the full sizes (make reliability).
const fullEnv = "VEEAM_RELIABILITY_FULL"

// size is small under `make test` and full under `make reliability`.
func size(small, full int) int {
	if os.Getenv(fullEnv) == "1" {
		return full
	}
	return small
}

// factories serve the provider in process, as internal/provider's acceptance tests do.
var factories = map[string]func() (tfprotov6.ProviderServer, error){
	"veeam": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// terraformState is the state terraform-plugin-testing hands to check functions.
type terraformState = tfstate.State

// terraformInstanceState is one imported instance, as ImportStateCheck sees it.
type terraformInstanceState = tfstate.InstanceState

// fixture is the emulator's Backup for AWS in process, over TLS on loopback, behind a wire
// recorder.
type fixture struct {
	t     *testing.T
	emu   *emulator.Emulator
	url   string
	caPEM string
	wire  *wire
}

func start(t *testing.T, opts emulator.Options) *fixture {
	t.Helper()
	e, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	w := &wire{status: map[int]int{}, secrets: map[string]string{}}
	srv := httptest.NewUnstartedServer(w.wrap(e.Handler(emulator.AWS)))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // dropped connections and cut handshakes
	srv.StartTLS()
	t.Cleanup(func() {
		srv.Close()
		_ = e.Close()
	})
	return &fixture{
		t: t, emu: e, url: srv.URL, wire: w,
		caPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})),
	}
}

// providerBlock is a provider "veeam" block with an aws block for the fixture; lines are more
// attributes of the aws block (alias: "" for the default configuration).
func (f *fixture) providerBlock(alias string, lines ...string) string {
	var b strings.Builder
	b.WriteString("provider \"veeam\" {\n")
	if alias != "" {
		fmt.Fprintf(&b, "  alias = %q\n", alias)
	}
	fmt.Fprintf(&b, "  aws {\n    host        = %q\n    ca_cert_pem = %s", f.url, heredoc(f.caPEM))
	for _, l := range lines {
		b.WriteString("    " + l + "\n")
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// admin is the provider block of the seeded administrator.
func (f *fixture) admin(lines ...string) string {
	return f.providerBlock("", append([]string{`username = "administrator"`, `password = "Password1"`}, lines...)...)
}

// addUsers adds n Portal Operators named prefix001… with known passwords (their passwords are
// secrets the tests look for).
func (f *fixture) addUsers(prefix string, n int) []string {
	f.t.Helper()
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s%03d", prefix, i+1)
		pw := fmt.Sprintf("Pw-%s-%d-Secret", prefix, i+1)
		if err := f.emu.AddUser(emulator.AWS, emulator.SeedUser{Name: names[i], Password: pw, Role: emulator.RolePortalOperator}); err != nil {
			f.t.Fatalf("AddUser %s: %v", names[i], err)
		}
		f.wire.add("password of "+names[i], pw)
	}
	return names
}

func heredoc(s string) string {
	return "<<-EOT\n" + strings.TrimRight(s, "\n") + "\nEOT\n"
}

// ---- the wire recorder ----

// wire counts response statuses and collects every secret value that crosses the wire in
// either direction: passwords, access and refresh tokens, mfa tokens, MFA secrets, scratch codes,
// enrollment tokens and authorization codes. Values shorter than 8 characters (the 6-digit TOTP
// codes) are not collected: they would match unrelated digits in a log.
type wire struct {
	mu      sync.Mutex
	status  map[int]int
	secrets map[string]string // value → what it is
}

// secretKeys are the form fields and JSON keys whose values are secrets.
var secretKeys = map[string]bool{
	"password": true, "oldpassword": true, "newpassword": true, "access_token": true, "refresh_token": true,
	"accesstoken": true, "refreshtoken": true, "mfa_token": true, "mfa_code": true, "code": true, "token": true,
	"secretkey": true, "scratchcodes": true, "client_secret": true, "samlresponse": true,
}

func (w *wire) add(kind, v string) {
	if len(v) < 8 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.secrets[v]; !ok {
		w.secrets[v] = kind
	}
}

// Secrets returns a copy of what was collected.
func (w *wire) Secrets() map[string]string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[string]string, len(w.secrets))
	for k, v := range w.secrets {
		out[k] = v
	}
	return out
}

// Status returns how many responses had that status.
func (w *wire) Status(code int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.status[code]
}

// Statuses is a printable summary, e.g. "200×120 401×2".
func (w *wire) Statuses() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	codes := make([]int, 0, len(w.status))
	for c := range w.status {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	parts := make([]string, 0, len(codes))
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", c, w.status[c]))
	}
	return strings.Join(parts, " ")
}

type recWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recWriter) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recWriter) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.body.Len() < 1<<20 {
		r.body.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

func (r *recWriter) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// wrap records around next. A connection the emulator drops on purpose (a panic with
// http.ErrAbortHandler) passes through unrecorded.
func (w *wire) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var reqBody []byte
		if r.Body != nil {
			reqBody, _ = io.ReadAll(io.LimitReader(r.Body, 1<<20))
			r.Body = io.NopCloser(bytes.NewReader(reqBody))
		}
		rec := &recWriter{ResponseWriter: rw}
		next.ServeHTTP(rec, r)
		w.mu.Lock()
		w.status[rec.status]++
		w.mu.Unlock()
		w.collect("request to "+r.URL.Path, r.Header.Get("Content-Type"), reqBody)
		w.collect("response of "+r.URL.Path, rec.Header().Get("Content-Type"), rec.body.Bytes())
	})
}

func (w *wire) collect(where, contentType string, body []byte) {
	if len(body) == 0 {
		return
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "application/x-www-form-urlencoded" {
		if v, err := url.ParseQuery(string(body)); err == nil {
			for k, vals := range v {
				if secretKeys[strings.ToLower(k)] {
					for _, s := range vals {
						w.add(k+" in "+where, s)
					}
				}
			}
		}
		return
	}
	var x any
	if json.Unmarshal(body, &x) == nil {
		w.walk(where, "", x)
	}
}

func (w *wire) walk(where, key string, x any) {
	switch v := x.(type) {
	case map[string]any:
		for k, val := range v {
			w.walk(where, k, val)
		}
	case []any:
		for _, val := range v {
			w.walk(where, key, val)
		}
	case string:
		if secretKeys[strings.ToLower(key)] {
			w.add(key+" in "+where, v)
		}
	}
}

// leaks returns one line per secret found in b, raw or in the escaped forms a log or a state
// file would hold (URL query escaping, JSON string escaping). The secret itself is not shown.
func leaks(b []byte, secrets map[string]string) []string {
	var out []string
	for v, kind := range secrets {
		js, _ := json.Marshal(v)
		for _, form := range []string{v, url.QueryEscape(v), string(js[1 : len(js)-1])} {
			i := bytes.Index(b, []byte(form))
			if i < 0 {
				continue
			}
			lo, hi := max(0, i-80), min(len(b), i+len(form)+40)
			ctx := strings.ReplaceAll(string(b[lo:hi]), form, "<SECRET>")
			out = append(out, fmt.Sprintf("%s (%d characters) at byte %d: …%s…", kind, len(v), i, ctx))
			break
		}
	}
	sort.Strings(out)
	return out
}

// ---- the real terraform CLI with the provider binary ----

// mirror is a filesystem mirror holding the provider binary, built once per test process.
var mirror struct {
	once sync.Once
	dir  string
	err  error
}

// TestMain removes the provider build when the tests are done.
func TestMain(m *testing.M) {
	code := m.Run()
	if path := os.Getenv(reportEnv); path != "" {
		if err := writeReport(path); err != nil {
			fmt.Fprintln(os.Stderr, "writing the reliability report:", err)
			code = 1
		}
	}
	if mirror.dir != "" {
		_ = os.RemoveAll(mirror.dir)
	}
	os.Exit(code)
}

const mirrorVersion = "0.1.0"

// providerMirror builds the provider (go build, as scripts/lib.sh does) into a filesystem
// mirror the terraform CLI installs it from.
func providerMirror(t *testing.T) string {
	t.Helper()
	mirror.once.Do(func() {
		// Shared by every test of the process (t.TempDir would go with the first test); TestMain
		// removes it.
		mirror.dir, mirror.err = os.MkdirTemp("", "veeam-reliability-mirror-") //nolint:usetesting // see above
		if mirror.err != nil {
			return
		}
		dir := filepath.Join(mirror.dir, "registry.terraform.io", "tfveeam", "veeam", mirrorVersion, runtime.GOOS+"_"+runtime.GOARCH)
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-X main.version="+mirrorVersion,
			"-o", filepath.Join(dir, "terraform-provider-veeam_v"+mirrorVersion), "github.com/tfveeam/terraform-provider-veeam")
		out, err := cmd.CombinedOutput()
		if err != nil {
			mirror.err = fmt.Errorf("building the provider: %v\n%s", err, out)
		}
	})
	if mirror.err != nil {
		t.Fatal(mirror.err)
	}
	return mirror.dir
}

// cli is a terraform working directory using the provider from providerMirror.
type cli struct {
	t   *testing.T
	dir string
	env []string
}

// newCLI writes config into a new working directory and runs terraform init. It needs what
// every acceptance test needs: TF_ACC=1 and the terraform CLI (TF_ACC_TERRAFORM_PATH or PATH).
func newCLI(t *testing.T, config string, env ...string) *cli {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Skip("the terraform CLI is not on PATH and TF_ACC_TERRAFORM_PATH is not set")
		}
	}
	m := providerMirror(t)
	dir := t.TempDir()
	rc := filepath.Join(dir, ".terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/tfveeam/veeam"]
  }
  direct {
    exclude = ["registry.terraform.io/tfveeam/veeam"]
  }
}
`, m)), 0o600); err != nil {
		t.Fatal(err)
	}
	main := "terraform {\n  required_providers {\n    veeam = { source = \"tfveeam/veeam\" }\n  }\n}\n\n" + config
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &cli{t: t, dir: dir}
	// A clean environment: no user setting may change what is tested.
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "VEEAM_") || strings.HasPrefix(k, "TF_") {
			continue
		}
		c.env = append(c.env, kv)
	}
	c.env = append(c.env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_ACC_TERRAFORM_PATH="+tf)
	c.env = append(c.env, env...)
	c.run("init", "-input=false", "-no-color")
	return c
}

// run runs terraform ARGS and fails the test when it fails.
func (c *cli) run(args ...string) string {
	c.t.Helper()
	out, err := c.try(args...)
	if err != nil {
		c.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// requireVersion skips the test when the terraform CLI is older than minVersion ("1.11").
func (c *cli) requireVersion(minVersion string) {
	c.t.Helper()
	out := c.run("version")
	var major, minor int
	if _, err := fmt.Sscanf(strings.TrimSpace(out), "Terraform v%d.%d", &major, &minor); err != nil {
		c.t.Fatalf("cannot read the terraform version from %q", out)
	}
	var wantMajor, wantMinor int
	if _, err := fmt.Sscanf(minVersion, "%d.%d", &wantMajor, &wantMinor); err != nil {
		c.t.Fatalf("bad minimum version %q", minVersion)
	}
	if major < wantMajor || (major == wantMajor && minor < wantMinor) {
		c.t.Skipf("needs terraform %s or newer, have %d.%d", minVersion, major, minor)
	}
}

// TestReliabilityLeakScanner proves the scanner the secret scenarios rely on finds a secret raw,
// URL-escaped and JSON-escaped, and collects secrets from forms and JSON bodies.
func TestReliabilityLeakScanner(t *testing.T) {
	w := &wire{status: map[int]int{}, secrets: map[string]string{}}
	w.collect("login", "application/x-www-form-urlencoded", []byte("grant_type=password&username=u&password=Pass%2Bword%2F1"))
	w.collect("token", "application/json; charset=utf-8", []byte(`{"access_token":"eyJhbGciOi.x.y","nested":{"scratchCodes":["12345678"]},"code":"short"}`))
	got := w.Secrets()
	for _, want := range []string{"Pass+word/1", "eyJhbGciOi.x.y", "12345678"} {
		if _, ok := got[want]; !ok {
			t.Errorf("%q was not collected: %v", want, got)
		}
	}
	if _, ok := got["short"]; ok {
		t.Error("a value shorter than 8 characters was collected")
	}
	for _, hay := range []string{`x Pass+word/1 y`, `password=Pass%2Bword%2F1`, `{"p":"eyJhbGciOi.x.y"}`, `12345678`} {
		if len(leaks([]byte(hay), got)) != 1 {
			t.Errorf("leaks(%q) = %v, want one finding", hay, leaks([]byte(hay), got))
		}
	}
	if l := leaks([]byte(`password=*** token=***`), got); len(l) != 0 {
		t.Errorf("masked text reported as a leak: %v", l)
	}
}
