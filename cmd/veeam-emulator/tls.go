package main

import (
	"crypto/tls"
	"fmt"
	"io"

	"github.com/tfveeam/terraform-provider-veeam/internal/atomicfile"
	"github.com/tfveeam/terraform-provider-veeam/internal/selfsigned"
)

// tlsConfig makes the self-signed certificate for 127.0.0.1, ::1, localhost and the -tls-host
// names, and writes it to -ca-cert-out. It returns nil with -plain-http; a non-zero status
// (after saying why on stderr) when the certificate cannot be made or written.
func (c *config) tlsConfig(stderr io.Writer) (*tls.Config, int) {
	if c.plainHTTP {
		if c.caCertOut != "" {
			fmt.Fprintln(stderr, "veeam-emulator: -ca-cert-out ignored with -plain-http")
		}
		return nil, 0
	}
	cert, certPEM, err := selfsigned.Certificate("veeam-emulator", c.tlsHosts.vals)
	if err != nil {
		fmt.Fprintf(stderr, "veeam-emulator: certificate: %v\n", err)
		return nil, 1
	}
	if c.caCertOut != "" {
		if err := atomicfile.WriteFile(c.caCertOut, certPEM, 0o644); err != nil {
			fmt.Fprintf(stderr, "veeam-emulator: -ca-cert-out: %v\n", err)
			return nil, 1
		}
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, 0
}
