package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// serve listens on every enabled product's address, prints one "listening" line per product,
// and serves until ctx is done (status 0) or a server fails (status 1); then it shuts every
// server down. tlsConf nil serves plain HTTP.
func serve(ctx context.Context, c *config, e *emulator.Emulator, tlsConf *tls.Config, stdout, stderr io.Writer) int {
	type served struct {
		p   emulator.Product
		srv *http.Server
		ln  net.Listener
	}
	var all []served
	closeAll := func() {
		for _, s := range all {
			_ = s.ln.Close()
		}
	}
	for _, p := range emulator.AllProducts() {
		addr := c.addrs[p]
		if addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			closeAll()
			fmt.Fprintf(stderr, "veeam-emulator: %s: %v\n", p, err)
			return 1
		}
		srv := &http.Server{
			Handler:           e.Handler(p),
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          log.New(stderr, "veeam-emulator: "+string(p)+": ", 0),
		}
		if tlsConf != nil {
			// Each server gets its own copy: ServeTLS adds the HTTP/2
			// settings to its server's tls.Config, so a shared one races.
			srv.TLSConfig = tlsConf.Clone()
		}
		all = append(all, served{p, srv, ln})
	}
	if len(all) == 0 {
		fmt.Fprintln(stderr, "veeam-emulator: every product is disabled")
		return 2
	}
	scheme := "https"
	if c.plainHTTP {
		scheme = "http"
	}
	errc := make(chan error, len(all))
	for _, s := range all {
		fmt.Fprintf(stdout, "veeam-emulator: %s listening on %s://%s\n", s.p, scheme, displayAddr(s.ln.Addr()))
	}
	for _, s := range all {
		go func() {
			var err error
			if c.plainHTTP {
				err = s.srv.Serve(s.ln)
			} else {
				err = s.srv.ServeTLS(s.ln, "", "")
			}
			if !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("%s: %w", s.p, err)
			}
		}()
	}
	status := 0
	select {
	case <-ctx.Done():
	case err := <-errc:
		fmt.Fprintf(stderr, "veeam-emulator: %v\n", err)
		status = 1
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range all {
		if err := s.srv.Shutdown(sctx); err != nil {
			fmt.Fprintf(stderr, "veeam-emulator: %s: shutdown: %v\n", s.p, err)
		}
	}
	return status
}

// displayAddr turns a listener address into one a client can dial:
// an unspecified host (0.0.0.0, ::) is shown as 127.0.0.1.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
