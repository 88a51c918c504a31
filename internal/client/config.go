package client

// Configuration: what a product contributes (Flavor), what the user configures (Config,
// Credentials), what a login yields (Token), and NewSession, which checks it all.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"
)

// Token is a credential a product issued: an OAuth access/refresh pair, or an Enterprise
// Manager session id (AccessToken) with no refresh token.
type Token struct {
	AccessToken   string
	RefreshToken  string
	Expiry        time.Time // when AccessToken stops working; zero: unknown (treated as valid)
	RefreshExpiry time.Time // zero: unknown
	Username      string
	SessionHref   string // Enterprise Manager: the logon session's URL, for logout
	// Issued is when the session received it, on the session's clock: the refresh margin is a
	// share of Expiry-Issued. Zero: unknown (Resume then counts from the moment it resumes).
	Issued time.Time
}

// Flavor is what a product contributes to the one credential lifecycle: how to log in, how to
// refresh (nil: log in again), how to log out, and how to put the credential and API version on a
// request. Everything else (single-flight, proactive refresh, re-login, retry after 401,
// transport, logging) is Session's.
type Flavor struct {
	Product          Product
	Title            string // the product's name as Veeam writes it (Product.Title)
	DefaultPort      int
	TokenPath        string // the OAuth-style token endpoint; "": none, or one per API version (M365)
	VersionHeader    string // "x-api-version", or "" when the version travels another way
	DefaultVersion   string
	CredentialHeader string // "Authorization" or "X-RestSvcSessionId"
	CredentialPrefix string // "Bearer " or ""
	// ErrorFormat decodes the product's error body into code and message.
	DecodeError func(status int, contentType string, body []byte) (code, message string)

	// CheckCredentials says what a login with c lacks, before anything is sent: the one
	// credential check, which the lifecycle runs before Login and the provider may run early.
	CheckCredentials func(c Credentials) error
	Login            func(ctx context.Context, s *Session) (*Token, error)
	Refresh          func(ctx context.Context, s *Session, t *Token) (*Token, error) // nil: no refresh
	Logout           func(ctx context.Context, s *Session, t *Token) error
}

// Credentials are everything a user may configure to log in. Each product reads what it knows.
type Credentials struct {
	Username            string `field:"username"`
	Password            string `field:"password"`
	TOTPSecret          string `field:"totp_secret"`        // AWS: base32 secret; the code is computed at login time
	MFACode             string `field:"mfa_code"`           // AWS: a one-shot TOTP code or an 8-digit scratch code
	AuthorizationCode   string `field:"authorization_code"` // AWS, VBR: single-use code from another session
	RefreshToken        string `field:"refresh_token"`      // AWS, VBR, VRO, VAO: start from an existing refresh token
	SAMLResponse        string `field:"saml_response"`      // AWS: SAMLResponse from the identity provider
	ClientID            string `field:"client_id"`          // VRO: client_credentials
	ClientSecret        string `field:"client_secret"`
	Assertion           string `field:"assertion"`       // M365: the operator or jwt-bearer grant's assertion (with ClientID)
	AssertionGrant      string `field:"assertion_grant"` // M365: "operator" (default) or "jwt-bearer"
	UseShortTermRefresh bool   // VBR
	Tenant              bool   // EM: log on as a tenant (LoginSpec body)
}

// Set puts v in the credential field f (its `field` tag); other fields are ignored.
func (c *Credentials) Set(f Field, v string) {
	rv := reflect.ValueOf(c).Elem()
	for i := range rv.NumField() {
		if rv.Type().Field(i).Tag.Get("field") == string(f) {
			rv.Field(i).SetString(v)
		}
	}
}

// Config configures one product's session.
type Config struct {
	Host        string // https://host:port, host:port or host
	APIVersion  string // "" : the flavor's default
	Credentials Credentials
	TLS         TLSConfig
	// AllowPlaintextHTTP lets Host be http://: credentials and tokens then travel in clear
	// text. Without it an http:// host is a ConfigError (ReasonPlaintext).
	AllowPlaintextHTTP bool

	RequestTimeout time.Duration
	MaxRetries     int // <0: none; 0: DefaultMaxRetries
	RetryWaitMin   time.Duration
	RetryWaitMax   time.Duration
	UserAgent      string

	// RefreshMargin is how long before expiry a token is refreshed; 0: a fifth of its
	// lifetime, at most one minute. Either way the margin grows to twice the slowest recent
	// round trip, so that a request reaches the server before its token expires.
	RefreshMargin time.Duration
	// Now and Sleep are the session's clock: Now is the time TOTP codes and token ages are
	// computed from, Sleep waits d on that clock (for the next TOTP step) and returns early with
	// ctx's error. nil: the real clock (time.Now, a timer). Tests hand both to the emulator's
	// clock (Sleep advances it), so that waiting for a later TOTP step costs no real time.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// WrapTransport, when set, wraps the HTTP transport under the retry policy and the logging:
	// tests use it to lose answers on purpose (internal/faultproxy).
	WrapTransport func(http.RoundTripper) http.RoundTripper
}

// NewSession validates cfg and builds the transport. It sends nothing: call Credential (or any
// API call) to log in.
func NewSession(f *Flavor, cfg Config) (*Session, error) {
	u, err := normalizeHost(cfg.Host, f.DefaultPort)
	if err != nil {
		return nil, err
	}
	if u.Scheme == "http" && !cfg.AllowPlaintextHTTP {
		return nil, &ConfigError{Field: FieldHost, Reason: ReasonPlaintext, Other: FieldAllowPlaintextHTTP,
			Detail: fmt.Sprintf("%q is plain http: the password and tokens would cross the network in clear text", cfg.Host)}
	}
	if err := CheckTOTPSecret(cfg.Credentials.TOTPSecret); err != nil {
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
	rtt := &roundTrips{}
	hc, err := newHTTPClient(f.Product, cfg, rtt)
	if err != nil {
		return nil, err
	}
	now, sleep := cfg.Now, cfg.Sleep
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = sleepRealTime
	}
	return &Session{flavor: f, cfg: cfg, baseURL: u, http: hc, now: now, sleep: sleep, rtt: rtt}, nil
}

// newClient opens (lazily) a session of f and wraps it in the product's typed client C.
func newClient[C ~struct{ *Session }](f *Flavor, cfg Config) (*C, error) {
	s, err := NewSession(f, cfg)
	if err != nil {
		return nil, err
	}
	c := C{s}
	return &c, nil
}

func normalizeHost(host string, defaultPort int) (*url.URL, error) {
	h := strings.TrimSpace(host)
	if h == "" {
		return nil, &ConfigError{Field: FieldHost, Detail: "is empty: set it to the appliance's address, for example https://backup.example.com:11005"}
	}
	if !strings.Contains(h, "://") {
		h = "https://" + h
	}
	u, err := url.Parse(h)
	if err != nil || u.Host == "" {
		return nil, &ConfigError{Field: FieldHost, Detail: fmt.Sprintf("%q is not a URL: use https://HOST[:PORT]", host)}
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, &ConfigError{Field: FieldHost, Detail: fmt.Sprintf("scheme %q is not supported: use https://", u.Scheme)}
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
