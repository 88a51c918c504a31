package emulator

// Assembly: options, New, and the accessors of a running Emulator. The
// domain lives in package core, the HTTP plumbing in middleware.go and
// routing.go, each product's wire in its own file.

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// Lifetimes overrides how long the secrets the emulator hands out stay
// valid. A zero field means the product's documented default (see
// DefaultLifetimes); a non-zero field applies to every product.
type Lifetimes struct {
	AccessToken       time.Duration `json:"accessToken"`       // EM: the idle timeout of a logon session
	RefreshToken      time.Duration `json:"refreshToken"`      // ignored by EM (no refresh)
	AuthorizationCode time.Duration `json:"authorizationCode"` // AWS, VBR
	MFAToken          time.Duration `json:"mfaToken"`          // AWS: the mfa_token between the two MFA steps
}

// DefaultLifetimes returns p's documented (or, where undocumented, chosen;
// see DECISIONS.md) lifetimes for its newest build, as its wire file states
// them (an older build may differ: Emulator.Lifetimes); zero for an unknown
// product.
func DefaultLifetimes(p Product) Lifetimes { return wires[p].lifetimes }

// lifetimes are a product's access and refresh token lifetimes (refresh 0:
// no refresh tokens) with the authorization code (60 s) and mfa_token (5
// min) lifetimes every product shares.
func lifetimes(access, refresh time.Duration) Lifetimes {
	return Lifetimes{AccessToken: access, RefreshToken: refresh, AuthorizationCode: 60 * time.Second, MFAToken: 5 * time.Minute}
}

// Faults makes the emulator misbehave on purpose, to test clients'
// resilience. Faults never touch the /emulator/ control API.
type Faults struct {
	Latency time.Duration `json:"latency"` // added before every request (real time, not the emulator clock)
	// ServiceUnavailableRate is the fraction (0..1) of requests answered
	// with 503 ServiceUnavailable in the product's error format.
	ServiceUnavailableRate float64 `json:"serviceUnavailableRate"`
	// DropRate is the fraction (0..1) of requests whose connection is
	// closed without a response.
	DropRate float64 `json:"dropRate"`
}

// Options configures an Emulator. The zero value is usable.
type Options struct {
	Clock     *Clock       // nil: a real clock; tests pass NewClock(t0) and Advance it
	Lifetimes Lifetimes    // zero fields: the product's documented defaults
	Seed      *Seed        // nil: DefaultSeed()
	Control   bool         // serve the /emulator/ control API on every listener
	Faults    Faults       // latency, 503 rate, dropped-connection rate
	Logger    *slog.Logger // structured request log, secrets masked; nil: discard
	StatePath string       // "": memory only; else accounts are loaded from and saved to this JSON file
	// Builds chooses the build each product plays (KnownBuilds); a missing
	// or empty entry means the newest published build (DefaultBuild). The
	// build decides which API revisions the product accepts and which
	// endpoints exist.
	Builds map[Product]string
	// AWSVersions, when set, replaces the x-api-version values Backup for
	// AWS accepts (its build's otherwise).
	AWSVersions []string
	// VROSingleSession makes a Recovery Orchestrator password login end the
	// user's other sessions (the interference its documents warn about);
	// client_credentials sessions are not affected.
	VROSingleSession bool
}

// DefaultAWSVersions returns the x-api-version values Backup for AWS accepts
// by default (its newest build's): 1.0-rev0 … 1.8-rev0.
func DefaultAWSVersions() []string {
	r, _ := BuildRevisions(AWS, DefaultBuild(AWS))
	return r
}

// Emulator is an in-memory stand-in for the authentication surfaces of the
// five products. One Emulator serves every product; Handler(p) returns the
// http.Handler for one of them. It is safe for concurrent use.
type Emulator struct {
	opts      Options
	clock     *Clock
	seed      *Seed
	st        *core.Store
	log       *slog.Logger
	builds    map[Product]string
	handlers  map[Product]http.Handler
	persistMu sync.Mutex
	closeOnce sync.Once
}

// New returns an Emulator configured by opts.
func New(opts Options) (*Emulator, error) {
	if opts.Faults.ServiceUnavailableRate < 0 || opts.Faults.ServiceUnavailableRate > 1 ||
		opts.Faults.DropRate < 0 || opts.Faults.DropRate > 1 || opts.Faults.Latency < 0 {
		return nil, errors.New("emulator: fault rates must be within 0..1 and latency not negative")
	}
	if opts.Lifetimes.AccessToken < 0 || opts.Lifetimes.RefreshToken < 0 ||
		opts.Lifetimes.AuthorizationCode < 0 || opts.Lifetimes.MFAToken < 0 {
		return nil, errors.New("emulator: lifetimes must not be negative")
	}
	st, err := core.NewStore()
	if err != nil {
		return nil, err
	}
	e := &Emulator{
		opts:     opts,
		clock:    opts.Clock,
		seed:     opts.Seed,
		st:       st,
		log:      opts.Logger,
		handlers: map[Product]http.Handler{},
	}
	if e.clock == nil {
		e.clock = NewRealClock()
	}
	if e.seed == nil {
		e.seed = DefaultSeed()
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if opts.AWSVersions != nil && len(opts.AWSVersions) == 0 {
		return nil, errors.New("emulator: AWSVersions is empty")
	}
	e.opts.AWSVersions = slices.Clone(opts.AWSVersions)
	if e.builds, err = resolveBuilds(opts.Builds); err != nil {
		return nil, err
	}
	loaded, err := e.loadState()
	if err != nil {
		return nil, err
	}
	if !loaded {
		if err := e.applySeed(); err != nil {
			return nil, err
		}
		if err := e.saveState(); err != nil {
			return nil, err
		}
	}
	for _, p := range AllProducts() {
		e.handlers[p] = e.middleware(p, e.routes(p))
	}
	return e, nil
}

// Handler returns the http.Handler that serves product p.
func (e *Emulator) Handler(p Product) http.Handler {
	if h, ok := e.handlers[p]; ok {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, VBR, errNotFound("unknown product "+string(p)))
	})
}

// Clock returns the emulator's clock.
func (e *Emulator) Clock() *Clock { return e.clock }

// Lifetimes returns the lifetimes in force for p.
func (e *Emulator) Lifetimes(p Product) Lifetimes {
	l := DefaultLifetimes(p)
	if b, _ := buildOf(p, e.builds[p]); b.access > 0 {
		l.AccessToken = b.access
	}
	o := e.opts.Lifetimes
	if o.AccessToken > 0 {
		l.AccessToken = o.AccessToken
	}
	if o.RefreshToken > 0 && l.RefreshToken > 0 { // EM has no refresh tokens
		l.RefreshToken = o.RefreshToken
	}
	if o.AuthorizationCode > 0 {
		l.AuthorizationCode = o.AuthorizationCode
	}
	if o.MFAToken > 0 {
		l.MFAToken = o.MFAToken
	}
	return l
}

// AWSVersions returns the x-api-version values Backup for AWS accepts.
func (e *Emulator) AWSVersions() []string { return e.Revisions(AWS) }

// Reset forgets every session, token, code and counter and restores the
// seed's accounts (users added since are gone). The clock is not touched.
func (e *Emulator) Reset() error {
	e.st.Reset()
	if err := e.applySeed(); err != nil {
		return err
	}
	return e.saveState()
}

// Close saves the state (when Options.StatePath is set). The handlers keep
// working; Close only marks the end of the emulator's use. It is safe to
// call more than once.
func (e *Emulator) Close() error {
	var err error
	e.closeOnce.Do(func() { err = e.saveState() })
	return err
}
