package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Transport settings shared by every product.
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultMaxRetries     = 4
	defaultRetryWaitMin   = 250 * time.Millisecond
	defaultRetryWaitMax   = 5 * time.Second
)

// TLSConfig is how a session trusts the server.
type TLSConfig struct {
	CACertPEM  string // PEM bundle trusted in addition to the system roots
	CACertFile string // path to a PEM bundle, same meaning
	Insecure   bool   // skip verification entirely (logs a warning)
}

func (c TLSConfig) build() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.Insecure {
		cfg.InsecureSkipVerify = true //nolint:gosec // the user asked for it with insecure = true
		return cfg, nil
	}
	if c.CACertPEM == "" && c.CACertFile == "" {
		return cfg, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if c.CACertPEM != "" && !pool.AppendCertsFromPEM([]byte(c.CACertPEM)) {
		return nil, &ConfigError{Field: FieldCACertPEM, Detail: "holds no PEM certificate: paste the whole -----BEGIN CERTIFICATE----- block"}
	}
	if c.CACertFile != "" {
		b, err := os.ReadFile(c.CACertFile)
		if err != nil {
			return nil, &ConfigError{Field: FieldCACertFile, Detail: fmt.Sprintf("cannot be read: %v", err)}
		}
		if !pool.AppendCertsFromPEM(b) {
			return nil, &ConfigError{Field: FieldCACertFile, Detail: fmt.Sprintf("%s holds no PEM certificate", c.CACertFile)}
		}
	}
	cfg.RootCAs = pool
	return cfg, nil
}

type retrySafeKey struct{}

// withRetrySafe marks a non-idempotent request as safe to resend after a connection error,
// because sending it twice ends in the same state as sending it once (see design/retries.md).
func withRetrySafe(ctx context.Context) context.Context {
	return context.WithValue(ctx, retrySafeKey{}, true)
}

func retrySafe(ctx context.Context, method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	v, _ := ctx.Value(retrySafeKey{}).(bool)
	return v
}

// checkRetry decides whether a request is sent again:
//   - never after the caller's context ends;
//   - 429, 503: the server says it did not do the work, so any method is resent;
//   - connection errors, and a gateway's 502 or 504: only idempotent methods or requests marked
//     retry-safe, because the server may have done the work before the answer was lost;
//   - TLS verification failures and every other status: never.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			var certErr *tls.CertificateVerificationError
			var unknownAuth x509.UnknownAuthorityError
			var hostErr x509.HostnameError
			if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
				return false, nil
			}
		}
		method, _ := ctx.Value(methodKey{}).(string)
		return retrySafe(ctx, method), nil
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		return true, nil
	case gatewayLost(resp.StatusCode):
		method, _ := ctx.Value(methodKey{}).(string)
		return retrySafe(ctx, method), nil
	}
	return false, nil
}

// gatewayLost reports whether status is a gateway's "the upstream answer was lost" (502, 504):
// the appliance behind it may have done the work, so it counts as a lost connection.
func gatewayLost(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusGatewayTimeout
}

// neverSent reports whether a transport error happened before the request left this machine
// (no connection, or a certificate refused), so the server cannot have acted on it.
func neverSent(err error) bool {
	var opErr *net.OpError
	var tlsErr *TLSError
	return errors.As(err, &tlsErr) || (errors.As(err, &opErr) && opErr.Op == "dial")
}

type methodKey struct{}

// backoff is capped exponential backoff with full jitter; Retry-After on 429 and 503 wins.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if s := resp.Header.Get("Retry-After"); s != "" {
			if secs, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && secs >= 0 {
				d := time.Duration(secs) * time.Second
				if d > maxWait*4 {
					d = maxWait * 4
				}
				return d
			}
			if t, err := http.ParseTime(s); err == nil {
				if d := time.Until(t); d > 0 && d <= maxWait*4 {
					return d
				}
			}
		}
	}
	d := minWait << uint(min(attempt, 16))
	if d <= 0 || d > maxWait {
		d = maxWait
	}
	// Half fixed, half random: spreads many clients retrying at once without ever waiting 0.
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// httpClient builds go-cleanhttp's pooled transport under go-retryablehttp, behind the
// redacting logger, so that every request is retried by one policy and logged once per try.
func newHTTPClient(product Product, cfg Config, rtt *roundTrips) (*retryablehttp.Client, error) {
	timeout, maxRetries, waitMin, waitMax := cfg.RequestTimeout, cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax
	tc, err := cfg.TLS.build()
	if err != nil {
		return nil, err
	}
	base := cleanhttp.DefaultPooledTransport()
	base.TLSClientConfig = tc
	// cleanhttp keeps GOMAXPROCS+1 idle connections per host; at -parallelism=10 against an
	// HTTP/1.1 appliance that means a TLS handshake for most requests (measured by make bench).
	base.MaxIdleConnsPerHost = 64
	base.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	if maxRetries < 0 {
		maxRetries = 0
	}
	if waitMin <= 0 {
		waitMin = defaultRetryWaitMin
	}
	if waitMax <= 0 {
		waitMax = defaultRetryWaitMax
	}
	var next http.RoundTripper = base
	if cfg.WrapTransport != nil {
		next = cfg.WrapTransport(base)
	}
	next = &timedTransport{next: next, rtt: rtt}
	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{Transport: &loggingTransport{product: product, next: next}, Timeout: timeout}
	rc.RetryMax = maxRetries
	rc.RetryWaitMin = waitMin
	rc.RetryWaitMax = waitMax
	rc.Logger = nil // loggingTransport logs every try through tflog
	rc.CheckRetry = checkRetry
	rc.Backoff = func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
		return backoff(minWait, maxWait, attempt, resp)
	}
	rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
		if attempt > 0 {
			tflog.Info(req.Context(), "retrying request", map[string]any{"product": string(product), "method": req.Method, "path": req.URL.Path, "attempt": attempt})
		}
	}
	// When retries run out, hand back the last response so its error body is decoded,
	// or the last error wrapped with the number of tries.
	rc.ErrorHandler = func(resp *http.Response, err error, numTries int) (*http.Response, error) {
		if err != nil {
			return resp, fmt.Errorf("giving up after %d attempt(s): %w", numTries, err)
		}
		return resp, nil
	}
	return rc, nil
}

// explainTransportError turns an x509 failure into a *TLSError.
func explainTransportError(product Product, host string, err error) error {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.As(err, &unknownAuth) || errors.As(err, &certErr):
		return &TLSError{Product: product, Host: host, Err: err}
	case errors.As(err, &hostErr):
		return &TLSError{Product: product, Host: host, WrongName: true, Err: err}
	}
	return fmt.Errorf("%s at %s: %w", product.Title(), host, err)
}

// roundTrips remembers how long the last few requests took, for the refresh margin.
type roundTrips struct {
	mu   sync.Mutex
	last [8]time.Duration
	n    int
}

func (r *roundTrips) add(d time.Duration) {
	r.mu.Lock()
	r.last[r.n%len(r.last)] = d
	r.n++
	r.mu.Unlock()
}

// slowest is the longest of the recent round trips (0 before the first).
func (r *roundTrips) slowest() time.Duration {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Max(r.last[:])
}

// timedTransport times every try that got an answer into rtt.
type timedTransport struct {
	next http.RoundTripper
	rtt  *roundTrips
}

func (t *timedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if err == nil && t.rtt != nil {
		t.rtt.add(time.Since(start))
	}
	return resp, err
}
