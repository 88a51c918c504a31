// Command benchserver is the baseline of `make bench`'s HTTP load test: a bare net/http server
// that answers every request with 200 and a small JSON body, served the way cmd/veeam-emulator
// serves (http.Server, the same self-signed certificate from internal/selfsigned, HTTP/2 over
// TLS, TLS 1.2 minimum), so the emulator's requests per second can be compared with it like with
// like. It prints
//
//	benchserver: plain listening on http://127.0.0.1:PORT
//	benchserver: tls listening on https://127.0.0.1:PORT
//
// and stops on SIGINT or SIGTERM. It listens on loopback only.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/selfsigned"
)

func main() {
	plain := flag.String("plain", "127.0.0.1:0", "plain HTTP listen `ADDR` (\"\" disables it)")
	tlsAddr := flag.String("tls", "127.0.0.1:0", "HTTPS listen `ADDR` (\"\" disables it)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *plain, *tlsAddr); err != nil {
		log.Fatalf("benchserver: %v", err)
	}
}

// body is about the size of the emulator's answer to GET /api/v1/users/administrator.
var body = []byte(`{"name":"administrator","description":"Default administrator","mfaEnabled":false,"isDefault":true,"_links":[{"method":"GET","rel":"self","href":"/api/v1/users/administrator"}]}`)

func handler(w http.ResponseWriter, r *http.Request) {
	if r.Body != nil {
		_, _ = r.Body.Read(make([]byte, 512))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(body)
}

func run(ctx context.Context, plainAddr, tlsAddr string) error {
	cert, _, err := selfsigned.Certificate("benchserver", nil)
	if err != nil {
		return err
	}
	type served struct {
		name string
		srv  *http.Server
		ln   net.Listener
		tls  bool
	}
	var all []served
	for _, l := range []struct {
		name, addr string
		tls        bool
	}{{"plain", plainAddr, false}, {"tls", tlsAddr, true}} {
		if l.addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: http.HandlerFunc(handler), ReadHeaderTimeout: 10 * time.Second}
		if l.tls {
			srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		}
		all = append(all, served{l.name, srv, ln, l.tls})
	}
	if len(all) == 0 {
		return errors.New("both listeners are disabled")
	}
	errc := make(chan error, len(all))
	for _, s := range all {
		scheme := "http"
		if s.tls {
			scheme = "https"
		}
		fmt.Printf("benchserver: %s listening on %s://%s\n", s.name, scheme, s.ln.Addr())
		go func() {
			var err error
			if s.tls {
				err = s.srv.ServeTLS(s.ln, "", "")
			} else {
				err = s.srv.Serve(s.ln)
			}
			if !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range all {
		_ = s.srv.Shutdown(sctx)
	}
	return runErr
}
