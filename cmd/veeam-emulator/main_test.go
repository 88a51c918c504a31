package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an io.Writer safe for the emulator's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var lineRe = regexp.MustCompile(`^veeam-emulator: (\w+) listening on (https?://\S+)$`)

// start runs the command and waits for want listening lines.
func start(t *testing.T, want int, args ...string) (urls map[string]string, stderr *syncBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	stderr = &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, args, pw, stderr)
		pw.Close()
	}()
	urls = map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(urls) < want {
		if !sc.Scan() {
			cancel()
			t.Fatalf("output ended after %v; stderr: %s", urls, stderr.String())
		}
		m := lineRe.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("unexpected output line %q", sc.Text())
		}
		urls[m[1]] = m[2]
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	var once sync.Once
	code := -1
	stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("run did not return after cancel")
			}
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return urls, stderr, stop
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	rq, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	rq.Header.Set("x-api-version", "1.8-rev0")
	rq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r, err := c.Do(rq)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer r.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(r.Body).Decode(&m)
	return r.StatusCode, m
}

func TestRunTLSLogin(t *testing.T) {
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	urls, stderr, stop := start(t, 1,
		"-aws", "127.0.0.1:0", "-vbr", "", "-vro", "", "-vao", "", "-em", "",
		"-ca-cert-out", caFile, "-user", "alice:pw1:Portal Operator", "-user", "administrator:Changed1",
		"-access-token-lifetime", "90s", "-control", "-log-requests", "-tls-host", "emulator.test")
	base := urls["aws"]
	if !strings.HasPrefix(base, "https://127.0.0.1:") || strings.HasSuffix(base, ":0") {
		t.Fatalf("aws URL = %q", base)
	}
	// The certificate was written before the line was printed.
	pemBytes, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(caFile); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v", fi.Mode())
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("ca file is not PEM: %q", pemBytes)
	}
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer c.CloseIdleConnections()

	status, tok := post(t, c, base+"/api/v1/token", url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"pw1"}})
	if status != 200 || tok["roleName"] != "Portal Operator" || tok["expires_in"] != 90.0 || tok["access_token"] == "" {
		t.Fatalf("alice login: %d %v", status, tok)
	}
	// -user replaced the seeded administrator's password.
	if status, _ := post(t, c, base+"/api/v1/token", url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}}); status != 401 {
		t.Errorf("old administrator password: %d", status)
	}
	if status, _ := post(t, c, base+"/api/v1/token", url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Changed1"}}); status != 200 {
		t.Errorf("new administrator password: %d", status)
	}
	// The certificate covers localhost and the extra -tls-host name too.
	cert, _ := x509.ParseCertificate(mustDER(t, pemBytes))
	for _, name := range []string{"127.0.0.1", "::1", "localhost", "emulator.test"} {
		if err := cert.VerifyHostname(name); err != nil {
			t.Errorf("certificate does not cover %s: %v", name, err)
		}
	}
	// The control API moves the clock: the 90 s token expires.
	rq, _ := http.NewRequest("POST", base+"/emulator/clock/advance?seconds=91", nil)
	r, err := c.Do(rq)
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("advance: %v %v", err, r)
	}
	r.Body.Close()
	get, _ := http.NewRequest("GET", base+"/api/v1/users/alice", nil)
	get.Header.Set("x-api-version", "1.8-rev0")
	access, _ := tok["access_token"].(string)
	get.Header.Set("Authorization", "Bearer "+access)
	r, err = c.Do(get)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 401 {
		t.Errorf("expired token: %d", r.StatusCode)
	}
	if code := stop(); code != 0 {
		t.Errorf("exit code %d; stderr: %s", code, stderr.String())
	}
	// -log-requests wrote JSON lines without the password.
	logs := stderr.String()
	if !strings.Contains(logs, `"msg":"request"`) || strings.Contains(logs, "pw1") || strings.Contains(logs, "Changed1") {
		t.Errorf("request log:\n%s", logs)
	}
}

func mustDER(t *testing.T, p []byte) []byte {
	t.Helper()
	blk, _ := pem.Decode(p)
	if blk == nil || blk.Type != "CERTIFICATE" {
		t.Fatal("no certificate in PEM")
	}
	return blk.Bytes
}

func TestRunPlainHTTPAllProducts(t *testing.T) {
	urls, _, stop := start(t, 5, "-plain-http", "-aws", "127.0.0.1:0", "-vbr", "127.0.0.1:0", "-vro", "127.0.0.1:0", "-vao", "127.0.0.1:0", "-em", "127.0.0.1:0")
	seen := map[string]bool{}
	for p, u := range urls {
		if !strings.HasPrefix(u, "http://127.0.0.1:") || seen[u] {
			t.Errorf("%s URL = %q", p, u)
		}
		seen[u] = true
	}
	status, tok := post(t, http.DefaultClient, urls["aws"]+"/api/v1/token", url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}})
	if status != 200 || tok["username"] != "administrator" {
		t.Errorf("login: %d %v", status, tok)
	}
	// Every other product answers on its own listener (an unversioned,
	// unauthenticated request is a client error, or 501 while a product is
	// not implemented).
	for _, p := range []string{"vbr", "vro", "vao", "em"} {
		r, err := http.Get(urls[p] + "/no/such/path")
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		r.Body.Close()
		if r.StatusCode < 400 || r.StatusCode > 501 {
			t.Errorf("%s: status %d", p, r.StatusCode)
		}
	}
	if code := stop(); code != 0 {
		t.Errorf("exit code %d", code)
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
	urls, _, _ := start(t, 1, "-plain-http", "-aws", "127.0.0.1:0", "-vbr", "", "-vro", "", "-vao", "", "-em", "")
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
	for _, f := range []string{"-aws", "-vbr", "-vro", "-vao", "-em", "-plain-http", "-tls-host", "-ca-cert-out", "-user", "-access-token-lifetime",
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
		{"-aws", "", "-vbr", "", "-vro", "", "-vao", "", "-em", ""},
		{"stray"},
	}
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

func TestRunPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var errb syncBuffer
	code := run(t.Context(), []string{"-plain-http", "-aws", "127.0.0.1:0", "-vbr", ln.Addr().String(), "-vro", "", "-vao", "", "-em", ""}, io.Discard, &errb)
	if code != 1 || !strings.Contains(errb.String(), "vbr") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

func TestDisplayAddr(t *testing.T) {
	for in, want := range map[string]string{"0.0.0.0:1": "127.0.0.1:1", "[::]:2": "127.0.0.1:2", "127.0.0.1:3": "127.0.0.1:3", "[::1]:4": "[::1]:4"} {
		a, _ := net.ResolveTCPAddr("tcp", in)
		if got := displayAddr(a); got != want {
			t.Errorf("displayAddr(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestRunTLSAllProducts serves every product over TLS at once (the servers
// must not share one tls.Config: ServeTLS changes it) and reaches each with
// the -ca-cert-out certificate.
func TestRunTLSAllProducts(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	urls, stderr, stop := start(t, 5, "-aws", "127.0.0.1:0", "-vbr", "127.0.0.1:0", "-vro", "127.0.0.1:0", "-vao", "127.0.0.1:0", "-em", "127.0.0.1:0",
		"-ca-cert-out", caFile)
	pemBytes, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
	defer c.CloseIdleConnections()
	for p, u := range urls {
		r, err := c.Get(u + "/api/")
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		r.Body.Close()
		if r.StatusCode >= 500 || r.ProtoMajor != 2 {
			t.Errorf("%s: %s %d", p, r.Proto, r.StatusCode)
		}
	}
	c.CloseIdleConnections()
	if code := stop(); code != 0 {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestRunVersion(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "veeam-emulator dev (none)") {
		t.Fatalf("-version: code %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}
