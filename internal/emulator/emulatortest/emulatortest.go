// Package emulatortest starts the Veeam emulator on TLS test servers, one
// per product, for use in Go tests.
package emulatortest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// Servers are the running test servers of one Emulator.
type Servers struct {
	Emulator  *emulator.Emulator
	URL       map[emulator.Product]string // "https://127.0.0.1:PORT"
	CACertPEM string                      // trusts every URL above

	servers   map[emulator.Product]*httptest.Server
	pool      *x509.CertPool
	transport *http.Transport
}

// Start creates an Emulator from opts and serves every product on its own
// httptest TLS server. Everything is closed by t.Cleanup.
func Start(t testing.TB, opts emulator.Options) *Servers {
	t.Helper()
	e, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("emulatortest: %v", err)
	}
	s := &Servers{
		Emulator: e,
		URL:      map[emulator.Product]string{},
		servers:  map[emulator.Product]*httptest.Server{},
		pool:     x509.NewCertPool(),
	}
	s.transport = &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: s.pool, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2: true,
	}
	t.Cleanup(func() {
		s.transport.CloseIdleConnections()
		for _, srv := range s.servers {
			srv.Close()
		}
		if err := e.Close(); err != nil {
			t.Errorf("emulatortest: close emulator: %v", err)
		}
	})
	seen := map[string]bool{}
	for _, p := range emulator.AllProducts() {
		srv := httptest.NewUnstartedServer(e.Handler(p))
		srv.Config.ErrorLog = log.New(quietTLS{}, "", log.LstdFlags)
		srv.StartTLS()
		s.servers[p] = srv
		s.URL[p] = srv.URL
		// httptest serves one built-in certificate (valid for 127.0.0.1,
		// ::1 and example.com); keep each distinct one should that change.
		block := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
		if !seen[block] {
			seen[block] = true
			s.CACertPEM += block
		}
	}
	if !s.pool.AppendCertsFromPEM([]byte(s.CACertPEM)) {
		t.Fatalf("emulatortest: cannot add the test certificate to a pool")
	}
	return s
}

// HTTPClient returns a client that trusts CACertPEM (and nothing else).
// Clients share one transport, closed by the test's cleanup.
func (s *Servers) HTTPClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: s.transport}
}

// quietTLS drops the "TLS handshake error" lines that clients which do not
// trust the test certificate provoke, and passes everything else to stderr.
type quietTLS struct{}

func (quietTLS) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte("TLS handshake error")) {
		return len(b), nil
	}
	return os.Stderr.Write(b)
}

// CertPool returns a pool holding CACertPEM.
func (s *Servers) CertPool() *x509.CertPool { return s.pool.Clone() }
