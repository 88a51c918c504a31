package faultproxy

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
)

// Server is a TLS reverse proxy in front of one server that loses the answers its Transport's
// rules name: point code that only takes a URL (the provider's host) at URL and trust CACertPEM.
type Server struct {
	*Transport
	URL       string // https://127.0.0.1:PORT
	CACertPEM string // trusts URL
}

// Serve starts a proxy to target (https://… trusted by targetCAPEM, or http://…) with rules.
// It is closed by t.Cleanup.
func Serve(t testing.TB, target, targetCAPEM string, rules ...Rule) *Server {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("faultproxy: target %q: %v", target, err)
	}
	base := &http.Transport{}
	if def, ok := http.DefaultTransport.(*http.Transport); ok {
		base = def.Clone()
	}
	if targetCAPEM != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(targetCAPEM)) {
			t.Fatalf("faultproxy: the target's CA holds no certificate")
		}
		base.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	tr := New(base, rules...)
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = tr
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		if errors.Is(err, ErrDropped) {
			hangUp(w)
			return
		}
		w.WriteHeader(http.StatusBadGateway)
	}
	srv := httptest.NewTLSServer(rp)
	t.Cleanup(func() {
		srv.Close()
		base.CloseIdleConnections()
	})
	ca := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	return &Server{Transport: tr, URL: srv.URL, CACertPEM: ca}
}

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
