package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

func lookupEnv(k string) string { return os.Getenv(k) }

// Token is a credential a product issued: an OAuth access/refresh pair, or an Enterprise
// Manager session id (AccessToken) with no refresh token.
type Token struct {
	AccessToken   string
	RefreshToken  string
	Expiry        time.Time // when AccessToken stops working; zero: unknown (treated as valid)
	RefreshExpiry time.Time // zero: unknown
	Username      string
	SessionHref   string // Enterprise Manager: the logon session's URL, for logout

	received time.Time // when the session got it, on the session's clock: for the refresh margin
}

// Flavor is what a product contributes to the one credential lifecycle: how to log in, how to
// refresh (nil: log in again), how to log out, and how to put the credential and API version on a
// request. Everything else (single-flight, proactive refresh, re-login, retry after 401,
// transport, logging) is Session's.
type Flavor struct {
	Product          Product
	DefaultPort      int
	VersionHeader    string // "x-api-version", or "" when the version travels another way
	DefaultVersion   string
	CredentialHeader string // "Authorization" or "X-RestSvcSessionId"
	CredentialPrefix string // "Bearer " or ""
	// ErrorFormat decodes the product's error body into code and message.
	DecodeError func(status int, contentType string, body []byte) (code, message string)

	Login   func(ctx context.Context, s *Session) (*Token, error)
	Refresh func(ctx context.Context, s *Session, t *Token) (*Token, error) // nil: no refresh
	Logout  func(ctx context.Context, s *Session, t *Token) error
}

// Credentials are everything a user may configure to log in. Each product reads what it knows.
type Credentials struct {
	Username            string
	Password            string
	TOTPSecret          string // AWS: base32 secret; the code is computed at login time
	MFACode             string // AWS: a one-shot TOTP code or an 8-digit scratch code
	AuthorizationCode   string // AWS, VBR: single-use code from another session
	RefreshToken        string // AWS, VBR, VRO, VAO: start from an existing refresh token
	SAMLResponse        string // AWS: SAMLResponse from the identity provider
	ClientID            string // VRO: client_credentials
	ClientSecret        string
	UseShortTermRefresh bool // VBR
	Tenant              bool // EM: log on as a tenant (LoginSpec body)
}

// Config configures one product's session.
type Config struct {
	Host        string // https://host:port, host:port or host
	APIVersion  string // "" : the flavor's default
	Credentials Credentials
	TLS         TLSConfig

	RequestTimeout time.Duration
	MaxRetries     int // <0: none; 0: DefaultMaxRetries
	RetryWaitMin   time.Duration
	RetryWaitMax   time.Duration
	UserAgent      string

	// RefreshMargin is how long before expiry a token is refreshed; 0: a fifth of its
	// lifetime, at most one minute.
	RefreshMargin time.Duration
	// Now is the clock; nil: time.Now. Tests share the emulator's clock.
	Now func() time.Time
}

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

// NewSession validates cfg and builds the transport. It sends nothing: call Credential (or any
// API call) to log in.
func NewSession(f *Flavor, cfg Config) (*Session, error) {
	u, err := normalizeHost(cfg.Host, f.DefaultPort)
	if err != nil {
		return nil, err
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "terraform-provider-veeam/dev"
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = f.DefaultVersion
	}
	hc, err := newHTTPClient(f.Product, cfg.TLS, cfg.RequestTimeout, cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax)
	if err != nil {
		return nil, err
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Session{flavor: f, cfg: cfg, baseURL: u, http: hc, now: now}, nil
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

func normalizeHost(host string, defaultPort int) (*url.URL, error) {
	h := strings.TrimSpace(host)
	if h == "" {
		return nil, &ConfigError{Attribute: "host", Message: "is empty: set it to the appliance's address, for example https://backup.example.com:11005"}
	}
	if !strings.Contains(h, "://") {
		h = "https://" + h
	}
	u, err := url.Parse(h)
	if err != nil || u.Host == "" {
		return nil, &ConfigError{Attribute: "host", Message: fmt.Sprintf("%q is not a URL: use https://HOST[:PORT]", host)}
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, &ConfigError{Attribute: "host", Message: fmt.Sprintf("scheme %q is not supported: use https://", u.Scheme)}
	}
	if u.Port() == "" && defaultPort > 0 {
		u.Host = fmt.Sprintf("%s:%d", u.Hostname(), defaultPort)
		if strings.Contains(u.Hostname(), ":") {
			u.Host = fmt.Sprintf("[%s]:%d", u.Hostname(), defaultPort)
		}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
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
	nt, err := f.Login(ctx, s)
	if versionRejected(s, err) {
		return nil, &ConfigError{Attribute: "api_version", Message: fmt.Sprintf(
			"%q is not accepted by the server: set api_version in the %q block (or %s) to a version it supports, or leave it unset for %s.\n\n%s",
			s.cfg.APIVersion, f.Product, "VEEAM_"+strings.ToUpper(string(f.Product))+"_API_VERSION", f.DefaultVersion, err)}
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

// markSingleUseSpent is called by a Login that used an authorization code or SAML response;
// a second call tells the user why a new login is impossible.
func (s *Session) markSingleUseSpent(what, attr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loginUsed {
		return &ConfigError{Attribute: attr, Message: fmt.Sprintf("the %s was already used and the session it opened can no longer be refreshed: configure password (or a fresh %s) in the %q block", what, what, s.flavor.Product)}
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
	if err := s.flavor.Logout(ctx, s, t); err != nil {
		return err
	}
	s.mu.Lock()
	s.stats.Logouts++
	s.mu.Unlock()
	return nil
}

// secrets are the values no log line may show for this session.
func (s *Session) secrets(tok *Token) []string {
	c := s.cfg.Credentials
	out := []string{c.Password, c.TOTPSecret, c.MFACode, c.AuthorizationCode, c.RefreshToken, c.SAMLResponse, c.ClientSecret}
	if tok != nil {
		out = append(out, tok.AccessToken, tok.RefreshToken)
	}
	s.mu.Lock()
	if s.token != nil && s.token != tok {
		out = append(out, s.token.AccessToken, s.token.RefreshToken)
	}
	s.mu.Unlock()
	return out
}

// Request is one API call.
type Request struct {
	Method string
	Path   string     // relative to the base URL, e.g. /api/v1/users
	Query  url.Values // optional
	Form   url.Values // sent as application/x-www-form-urlencoded
	JSON   any        // sent as application/json
	Body   []byte     // sent raw with ContentType
	// ContentType of Body; Accept defaults to application/json.
	ContentType string
	Accept      string
	Header      http.Header
	// RetrySafe marks a POST as safe to resend after a lost connection (see docs/design/retries.md).
	RetrySafe bool
}

// Response is what came back from a successful call.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode unmarshals a JSON body into out.
func (r *Response) Decode(out any) error {
	if len(bytes.TrimSpace(r.Body)) == 0 {
		return fmt.Errorf("empty response body, expected JSON")
	}
	if err := json.Unmarshal(r.Body, out); err != nil {
		return fmt.Errorf("decoding response: %w", err)
	}
	return nil
}

// Do sends an authenticated request. A 401 makes it renew the credential and send once more.
func (s *Session) Do(ctx context.Context, r Request) (*Response, error) {
	tok, err := s.Credential(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := s.Send(ctx, r, tok)
	var apiErr *APIError
	if err != nil && errors.As(err, &apiErr) && apiErr.Status == http.StatusUnauthorized {
		tflog.Debug(ctx, "credential rejected; renewing and retrying once", map[string]any{"product": string(s.flavor.Product), "path": r.Path})
		s.mu.Lock()
		s.stats.Reauths++
		s.mu.Unlock()
		tok, err = s.renew(ctx, tok)
		if err != nil {
			return nil, err
		}
		return s.Send(ctx, r, tok)
	}
	return resp, err
}

// Send sends r with tok as the credential (nil: unauthenticated) and decodes a failure into
// *APIError. Login, refresh and logout implementations use it directly.
func (s *Session) Send(ctx context.Context, r Request, tok *Token) (*Response, error) {
	u := *s.baseURL
	u.Path = s.baseURL.Path + r.Path
	if r.Query != nil {
		u.RawQuery = r.Query.Encode()
	}
	var body []byte
	ct := r.ContentType
	switch {
	case r.Form != nil:
		body, ct = []byte(r.Form.Encode()), "application/x-www-form-urlencoded"
	case r.JSON != nil:
		b, err := json.Marshal(r.JSON)
		if err != nil {
			return nil, fmt.Errorf("encoding request: %w", err)
		}
		body, ct = b, "application/json"
	case r.Body != nil:
		body = r.Body
	}
	ctx = context.WithValue(ctx, methodKey{}, r.Method)
	ctx = withSecrets(ctx, s.secrets(tok)...)
	if r.RetrySafe {
		ctx = withRetrySafe(ctx)
	}
	var rdr io.Reader
	if body != nil {
		rdr = bytes.NewReader(body)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, u.String(), rdr)
	if err != nil {
		return nil, err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	accept := r.Accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", s.cfg.UserAgent)
	if s.flavor.VersionHeader != "" && s.cfg.APIVersion != "" {
		req.Header.Set(s.flavor.VersionHeader, s.cfg.APIVersion)
	}
	if tok != nil && s.flavor.CredentialHeader != "" {
		req.Header.Set(s.flavor.CredentialHeader, s.flavor.CredentialPrefix+tok.AccessToken)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, explainTransportError(s.flavor.Product, s.baseURL.Host, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, explainTransportError(s.flavor.Product, s.baseURL.Host, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
	}
	apiErr := &APIError{Product: s.flavor.Product, Method: r.Method, Path: r.Path, Status: resp.StatusCode}
	if s.flavor.DecodeError != nil {
		apiErr.ErrorCode, apiErr.Message = s.flavor.DecodeError(resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	return nil, apiErr
}
