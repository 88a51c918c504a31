package emulatortest_test

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

func TestStart(t *testing.T) {
	var urls map[emulator.Product]string
	var client *http.Client
	t.Run("running", func(t *testing.T) {
		s := emulatortest.Start(t, emulator.Options{})
		urls, client = s.URL, s.HTTPClient()
		if len(s.URL) != len(emulator.AllProducts()) {
			t.Fatalf("URL = %v", s.URL)
		}
		blk, _ := pem.Decode([]byte(s.CACertPEM))
		if blk == nil {
			t.Fatal("CACertPEM holds no PEM block")
		}
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if err := cert.VerifyHostname("127.0.0.1"); err != nil {
			t.Errorf("certificate: %v", err)
		}
		seen := map[string]bool{}
		for _, p := range emulator.AllProducts() {
			u := s.URL[p]
			if !strings.HasPrefix(u, "https://127.0.0.1:") || seen[u] {
				t.Errorf("URL[%s] = %q", p, u)
			}
			seen[u] = true
			// Each listener serves its own product.
			r, err := client.Get(u + "/no/such/path")
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			r.Body.Close()
			if r.StatusCode < 400 || r.StatusCode > 501 {
				t.Errorf("%s: status %d", p, r.StatusCode)
			}
		}
		if s.CertPool() == nil || s.Emulator == nil {
			t.Error("CertPool or Emulator missing")
		}
		rq, _ := http.NewRequest("POST", s.URL[emulator.AWS]+"/api/v1/token", strings.NewReader("grant_type=password&username=administrator&password=Password1"))
		rq.Header.Set("x-api-version", "1.8-rev0")
		rq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r, err := client.Do(rq)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 200 || s.Emulator.Counters(emulator.AWS).Logins != 1 {
			t.Errorf("login: %d", r.StatusCode)
		}
	})
	// The subtest's cleanup closed every server.
	for p, u := range urls {
		if r, err := client.Get(u + "/"); err == nil {
			r.Body.Close()
			t.Errorf("%s still serving after cleanup", p)
		}
	}
}
