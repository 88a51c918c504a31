package client

// Benchmarks of the credential lifecycle and of authenticated calls against the in-process
// emulator (TLS on loopback). `make bench` runs them with -count and summarises them; they
// assert correctness (one login) but never time.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// benchAWS is a logged-in Backup for AWS client against the in-process emulator (TLS on
// loopback) on a frozen clock, so the token stays valid for the whole benchmark. conns counts
// the TCP connections the server accepted: a client that keeps its connections alive opens a
// handful, whatever b.N is.
func benchAWS(b *testing.B) (c *AWSClient, counters func() emulator.Counters, conns *atomic.Int64) {
	b.Helper()
	e, err := emulator.New(emulator.Options{Clock: emulator.NewClock(t0)})
	if err != nil {
		b.Fatal(err)
	}
	conns = new(atomic.Int64)
	srv := httptest.NewUnstartedServer(e.Handler(emulator.AWS))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes cut short by Close
	srv.StartTLS()
	b.Cleanup(srv.Close)
	c, err = NewAWS(Config{
		Host:        srv.URL,
		Credentials: Credentials{Username: "administrator", Password: "Password1"},
		TLS:         TLSConfig{CACertPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))},
		Now:         e.Clock().Now,
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Credential(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Logout(context.Background()) })
	return c, func() emulator.Counters { return e.Counters(emulator.AWS) }, conns
}

// checkOneLogin fails the benchmark when the lifecycle logged in or refreshed more than once.
func checkOneLogin(b *testing.B, c *AWSClient) {
	b.Helper()
	if st := c.Stats(); st.Logins != 1 || st.Refreshes != 0 || st.Reauths != 0 {
		b.Fatalf("lifecycle did more than one login: %+v", st)
	}
}

// BenchmarkSessionCredential: Credential with a valid token, from one goroutine.
func BenchmarkSessionCredential(b *testing.B) {
	c, _, _ := benchAWS(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Credential(ctx); err != nil {
			b.Fatal(err)
		}
	}
	checkOneLogin(b, c)
}

// BenchmarkSessionCredentialParallel: Credential with a valid token from GOMAXPROCS×4
// goroutines at once (the lock every API call takes first).
func BenchmarkSessionCredentialParallel(b *testing.B) {
	c, _, _ := benchAWS(b)
	ctx := context.Background()
	b.SetParallelism(4)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Credential(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
	checkOneLogin(b, c)
}

// BenchmarkAWSGetUser: authenticated GET /api/v1/users/administrator through the whole client
// (credential, retrying transport, logging transport, TLS, decoding) against the emulator.
func BenchmarkAWSGetUser(b *testing.B) {
	c, _, _ := benchAWS(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetUser(ctx, "administrator"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	checkOneLogin(b, c)
}

// BenchmarkAWSGetUserParallel: the same from 10 goroutines per GOMAXPROCS, like Terraform's
// default -parallelism=10 sharing one provider session.
func BenchmarkAWSGetUserParallel(b *testing.B) {
	c, counters, conns := benchAWS(b)
	ctx := context.Background()
	b.SetParallelism(10)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.GetUser(ctx, "administrator"); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(conns.Load())/float64(b.N), "conns/op")
	checkOneLogin(b, c)
	if n := counters().Logins; n != 1 {
		b.Fatalf("the emulator saw %d logins, want 1", n)
	}
}

// BenchmarkBareTLSGet is the baseline for BenchmarkAWSGetUser: go-cleanhttp's pooled transport
// (what the session is built on) against a handler that only answers 200 with a small JSON
// body, over TLS on loopback, from one goroutine.
func BenchmarkBareTLSGet(b *testing.B) {
	hc, url, _ := bareTLS(b, 0)
	b.ReportAllocs()
	for b.Loop() {
		bareGet(b, hc, url)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkBareTLSGetParallel is the baseline for BenchmarkAWSGetUserParallel (10 goroutines
// per GOMAXPROCS), with go-cleanhttp's default idle pool (GOMAXPROCS+1 connections per host)
// and with a pool as large as the parallelism: conns/op shows how many requests paid for a
// new TLS connection.
func BenchmarkBareTLSGetParallel(b *testing.B) {
	for _, bc := range []struct {
		name string
		idle int
	}{{"idle=cleanhttp", 0}, {"idle=64", 64}} {
		b.Run(bc.name, func(b *testing.B) {
			hc, url, conns := bareTLS(b, bc.idle)
			b.SetParallelism(10)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					bareGet(b, hc, url)
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			b.ReportMetric(float64(conns.Load())/float64(b.N), "conns/op")
		})
	}
}

// bareTLS starts the baseline server; idle > 0 overrides MaxIdleConnsPerHost.
func bareTLS(b *testing.B, idle int) (*http.Client, string, *atomic.Int64) {
	b.Helper()
	conns := new(atomic.Int64)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"name":"administrator","description":"","mfaEnabled":false,"isDefault":true}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes cut short by Close
	srv.StartTLS()
	b.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tr := cleanhttp.DefaultPooledTransport()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if idle > 0 {
		tr.MaxIdleConnsPerHost = idle
	}
	b.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}, srv.URL + "/api/v1/users/administrator", conns
}

func bareGet(b *testing.B, hc *http.Client, url string) {
	resp, err := hc.Get(url)
	if err != nil {
		b.Error(err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Errorf("status %d", resp.StatusCode)
	}
}
