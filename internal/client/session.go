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

	mu    sync.Mutex
	token *Token
	// loginUsed records that a single-use credential (authorization code, SAML response) was
	// spent, so a re-login reports that instead of replaying it.
	loginUsed bool
	flight    *flight // the renewal in progress, if any
	stats     Stats
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

// margin is how long before expiry a token counts as expired.
func (s *Session) margin(t *Token) time.Duration {
	if s.cfg.RefreshMargin > 0 {
		return s.cfg.RefreshMargin
	}
	life := t.Expiry.Sub(t.received)
	m := life / 5
	if m > time.Minute {
		m = time.Minute
	}
	if m < 0 {
		m = 0
	}
	return m
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

// Refresh replaces the session's token now, whatever its expiry: a refresh where the product has
// one (else, or when the server refuses it, a new login). For a holder that decides itself when
// to renew, such as an ephemeral token's Renew, which Terraform calls before the margin that
// Credential applies is reached.
func (s *Session) Refresh(ctx context.Context) (*Token, error) {
	s.mu.Lock()
	t := s.token
	s.mu.Unlock()
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
			f.cancel()
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
		nt.received = s.now()
		s.token = nt
	}
	f.token, f.err = nt, err
	s.flight = nil
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
	if versionRejected(s, err) {
		return nil, &ConfigError{Field: FieldAPIVersion, Reason: ReasonUnsupported, Detail: fmt.Sprintf("%q is not accepted by the server", s.cfg.APIVersion), Err: err}
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

// versionRejected reports whether err is the server refusing the API version the session sent.
func versionRejected(s *Session, err error) bool {
	var apiErr *APIError
	return err != nil && s.flavor.VersionHeader != "" && errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest &&
		strings.Contains(strings.ToLower(apiErr.Message), strings.ToLower(s.flavor.VersionHeader))
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
	t.received = s.now()
	s.mu.Lock()
	s.token = &t
	s.mu.Unlock()
}

// Logout ends the session on the server. It is a no-op when the session never logged in.
func (s *Session) Logout(ctx context.Context) error {
	s.mu.Lock()
	t := s.token
	s.token = nil
	s.mu.Unlock()
	if t == nil || s.flavor.Logout == nil {
		return nil
	}
	// An expired access token cannot log out, but its session lives on as long as its refresh
	// token: refresh first, so the session ends now rather than when the refresh token expires.
	if !t.Expiry.IsZero() && !s.now().Before(t.Expiry) && t.RefreshToken != "" && s.flavor.Refresh != nil &&
		(t.RefreshExpiry.IsZero() || s.now().Before(t.RefreshExpiry)) {
		if nt, err := s.flavor.Refresh(ctx, s, t); err == nil {
			t = nt
		}
	}
	if err := s.flavor.Logout(ctx, s, t); err != nil {
		return err
	}
	s.mu.Lock()
	s.stats.Logouts++
	s.mu.Unlock()
	return nil
}
