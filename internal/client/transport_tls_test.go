package client

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/selfsigned"
)

// TestGivenCAIsTrustedBesideTheSystemRoots: with ca_cert_pem (or ca_cert_file) crypto/tls verifies
// the server's chain against the given CAs and the system roots: a server whose certificate the
// CA signed is trusted; another CA's server is an unknown authority; the right CA under another
// name is a hostname error.
func TestGivenCAIsTrustedBesideTheSystemRoots(t *testing.T) {
	cert, certPEM, err := selfsigned.Certificate("veeam-test", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, otherPEM, err := selfsigned.Certificate("someone-else", nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	get := func(caPEM, serverName string) error {
		cfg, err := TLSConfig{CACertPEM: caPEM}.build()
		if err != nil {
			t.Fatal(err)
		}
		cfg.ServerName = serverName
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
		resp, err := c.Get(srv.URL)
		if err == nil {
			_ = resp.Body.Close()
		}
		return err
	}
	if err := get(string(certPEM), "127.0.0.1"); err != nil {
		t.Fatalf("the given CA: %v", err)
	}
	var certErr *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	if err := get(string(otherPEM), "127.0.0.1"); !errors.As(err, &certErr) || !errors.As(err, &unknown) {
		t.Errorf("another CA: want a certificate verification error (unknown authority), got %v", err)
	}
	var wrongName x509.HostnameError
	if err := get(string(certPEM), "not-this-host.example"); !errors.As(err, &certErr) || !errors.As(err, &wrongName) {
		t.Errorf("the given CA under another name: want a hostname error, got %v", err)
	}
}
