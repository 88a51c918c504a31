package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunTLSLogin(t *testing.T) {
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	urls, stderr, stop := start(t, 1,
		"-aws", "127.0.0.1:0", "-vbr", "", "-vro", "", "-vao", "", "-em", "", "-azure", "", "-gcp", "",
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

// TestRunTLSAllProducts serves every product over TLS at once (the servers
// must not share one tls.Config: ServeTLS changes it) and reaches each with
// the -ca-cert-out certificate.
func TestRunTLSAllProducts(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	urls, stderr, stop := start(t, 5, "-aws", "127.0.0.1:0", "-vbr", "127.0.0.1:0", "-vro", "127.0.0.1:0", "-vao", "127.0.0.1:0", "-em", "127.0.0.1:0", "-azure", "", "-gcp", "",
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
