package client

// The credential lifecycle of one session: log in, refresh, renew single-flight, log out.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Session is one logged-in connection to one product, safe for concurrent use.
type Session struct {
	flavor  *Flavor
	cfg     Config
	baseURL *url.URL
	http    *retryablehttp.Client
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error

	mu    sync.Mutex
	token *Token
	// loginUsed records that a single-use credential (authorization code, SAML response) was
	// spent, so a re-login reports that instead of replaying it.
	loginUsed bool
	flight    *flight // the renewal in progress, if any
	stats     Stats
	rtt       *roundTrips
	version   versionNegotiation // the revision settled when api_version is unset (versions.go)
}

// Stats counts what the lifecycle did; tests and benchmarks read it.
type Stats struct {
	Logins, Refreshes, Logouts, Reauths int
}

// Product is the product this session talks to.
func (s *Session) Product() Product { return s.flavor.Product }

// BaseURL is the scheme://host:port the session sends to.
func (s *Session) BaseURL() string { return s.baseURL.String() }

// Now is the session's clock.
func (s *Session) Now() time.Time { return s.now() }

// Config returns the session's configuration (credentials included: do not log it).
func (s *Session) Config() Config { return s.cfg }

// Stats returns a copy of the lifecycle counters.
func (s *Session) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// rttFactor times the slowest recent round trip is the least refresh margin: a request sent
// just before the margin must still arrive (one trip) while the token lives, with one trip to
// spare for the clock difference between the expiry the server set and the one the client
// computed on receipt.
const rttFactor = 2

// margin is how long before expiry a token counts as expired: the configured margin, or a fifth
// of the token's lifetime (at most a minute); at least rttFactor slowest recent round trips; at
// most three quarters of the lifetime, so that a new token is used before it counts as stale.
func (s *Session) margin(t *Token) time.Duration {
	life := t.Expiry.Sub(t.Issued)
	m := s.cfg.RefreshMargin
	if m <= 0 {
		m = min(life/5, time.Minute)
	}
	m = max(m, rttFactor*s.rtt.slowest())
	if life > 0 {
		m = min(m, life*3/4)
	}
	return max(m, 0)
}

// RefreshAt is when the session would renew t before using it: its expiry less the refresh
// margin; zero when t does not say when it expires.
func (s *Session) RefreshAt(t *Token) time.Time {
	if t == nil || t.Expiry.IsZero() {
		return time.Time{}
	}
	return t.Expiry.Add(-s.margin(t))
}

func (s *Session) fresh(t *Token) bool {
	if t == nil {
		return false
	}
	if t.Expiry.IsZero() {
		return true
	}
	return s.now().Add(s.margin(t)).Before(t.Expiry)
}

// Credential returns a token that is valid now, logging in or refreshing first if needed. Many
// goroutines calling it at once cause at most one login or refresh.
func (s *Session) Credential(ctx context.Context) (*Token, error) {
	s.mu.Lock()
	t := s.token
	s.mu.Unlock()
	if s.fresh(t) {
		return t, nil
	}
	return s.renew(ctx, t)
}

// renew replaces stale (which may be nil) by a new token, single-flight: the first caller
// starts one refresh (or login) and every caller waits for that result. The shared work is not
// tied to the first caller's context: it stops when it finishes, or when every waiter has
// given up (so an abandoned renewal does not retry on in the background).
func (s *Session) renew(ctx context.Context, stale *Token) (*Token, error) {
	s.mu.Lock()
	if s.token != nil && s.token != stale {
		t := s.token // renewed while we were deciding
		s.mu.Unlock()
		return t, nil
	}
	f := s.flight
	if f == nil {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*s.requestTimeout()*time.Duration(max(s.cfg.MaxRetries, 0)+1))
		f = &flight{done: make(chan struct{}), cancel: cancel}
		s.flight = f
		go s.fly(wctx, f, s.token)
	}
	f.waiters++
	s.mu.Unlock()
	select {
	case <-f.done:
		return f.token, f.err
	case <-ctx.Done():
		s.mu.Lock()
		f.waiters--
		if f.waiters == 0 {
			// Abandoned: stop it, and let the next caller start a renewal of its own
			// rather than join one that can only end in "context canceled".
			f.cancel()
			if s.flight == f {
				s.flight = nil
			}
		}
		s.mu.Unlock()
		return nil, ctx.Err()
	}
}

// flight is one renewal in progress.
type flight struct {
	done    chan struct{}
	cancel  context.CancelFunc
	waiters int
	token   *Token
	err     error
}

func (s *Session) fly(ctx context.Context, f *flight, cur *Token) {
	defer f.cancel()
	nt, err := s.obtain(ctx, cur)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		nt.Issued = s.now()
		if s.token == cur { // else a later renewal already replaced it
			s.token = nt
		}
	}
	f.token, f.err = nt, err
	if s.flight == f {
		s.flight = nil
	}
	close(f.done)
}

func (s *Session) requestTimeout() time.Duration {
	if s.cfg.RequestTimeout > 0 {
		return s.cfg.RequestTimeout
	}
	return DefaultRequestTimeout
}

// obtain refreshes cur when the product can and the refresh token is still good, and logs in
// otherwise, or when the server rejects the refresh.
func (s *Session) obtain(ctx context.Context, cur *Token) (*Token, error) {
	f := s.flavor
	if cur != nil && cur.RefreshToken != "" && f.Refresh != nil && (cur.RefreshExpiry.IsZero() || s.now().Before(cur.RefreshExpiry)) {
		nt, err := f.Refresh(ctx, s, cur)
		if err == nil {
			s.mu.Lock()
			s.stats.Refreshes++
			s.mu.Unlock()
			tflog.Debug(ctx, "refreshed access token", map[string]any{"product": string(f.Product)})
			return nt, nil
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || (apiErr.Status != http.StatusBadRequest && apiErr.Status != http.StatusUnauthorized && apiErr.Status != http.StatusForbidden) {
			return nil, err // the server or network failed: the refresh token may still be good
		}
		tflog.Info(ctx, "refresh token rejected; logging in again", map[string]any{"product": string(f.Product), "status": apiErr.Status})
	}
	if f.CheckCredentials != nil {
		if err := f.CheckCredentials(s.cfg.Credentials); err != nil {
			return nil, err
		}
	}
	nt, err := f.Login(ctx, s)
	if wrong := s.wrongProduct(err); wrong != nil {
		return nil, wrong
	}
	if versionRejected(s, err) {
		return nil, versionRefused(s, err)
	}
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.stats.Logins++
	s.mu.Unlock()
	tflog.Debug(ctx, "logged in", map[string]any{"product": string(f.Product)})
	return nt, nil
}

// versionRejected reports whether err is the server refusing the API version the session sent:
// IsVersionRefusal, or, for a version header of the product's own (Service Provider Console's
// X-Client-Version; x-api-version is IsVersionRefusal's to judge, being shared by several
// products), a 400 that names it.
func versionRejected(s *Session, err error) bool {
	h := strings.ToLower(s.flavor.VersionHeader)
	if err == nil || h == "" {
		return false
	}
	var e *APIError
	return IsVersionRefusal(err) ||
		(h != "x-api-version" && errors.As(err, &e) && e.Status == http.StatusBadRequest && strings.Contains(strings.ToLower(e.Message), h))
}

// markSingleUseSpent is called by a Login that used a single-use credential (authorization
// code, SAML response, initial refresh token); a second call says why a new login is impossible.
func (s *Session) markSingleUseSpent(field Field) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loginUsed {
		return &ConfigError{Field: field, Reason: ReasonSpent, Detail: fmt.Sprintf("the %s was already used and the session it opened can no longer be refreshed", field.Words())}
	}
	s.loginUsed = true
	return nil
}

// Header returns the header a request must carry to present tok, e.g.
// ("Authorization", "Bearer eyJ…") or ("X-RestSvcSessionId", "…").
func (s *Session) Header(tok *Token) (name, value string) {
	return s.flavor.CredentialHeader, s.flavor.CredentialPrefix + tok.AccessToken
}

// Resume makes tok the session's credential, e.g. to log out a token an earlier process of
// the same Terraform run obtained.
func (s *Session) Resume(tok *Token) {
	t := *tok
	if t.Issued.IsZero() {
		t.Issued = s.now()
	}
	s.mu.Lock()
	s.token = &t
	s.mu.Unlock()
}

// Renew replaces the session's credential now, whatever its remaining life: a refresh when the
// product has one and the refresh token is good, a new login otherwise. Single-flight with
// every other renewal.
func (s *Session) Renew(ctx context.Context) (*Token, error) {
	s.mu.Lock()
	t := s.token
	s.mu.Unlock()
	return s.renew(ctx, t)
}
