package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Product names one emulated Veeam REST surface.
type Product string

// The emulated products.
const (
	AWS Product = "aws" // Veeam Backup for AWS
	VBR Product = "vbr" // Veeam Backup & Replication
	VRO Product = "vro" // Veeam Recovery Orchestrator
	VAO Product = "vao" // Veeam Availability Orchestrator
	EM  Product = "em"  // Veeam Backup Enterprise Manager
)

// AllProducts returns every product, in a fixed order.
func AllProducts() []Product { return []Product{AWS, VBR, VRO, VAO, EM} }

func (p Product) valid() bool { return slices.Contains(AllProducts(), p) }

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
// see DECISIONS.md) lifetimes.
func DefaultLifetimes(p Product) Lifetimes {
	switch p {
	case AWS:
		return Lifetimes{AccessToken: time.Hour, RefreshToken: 2 * time.Hour, AuthorizationCode: 60 * time.Second, MFAToken: 5 * time.Minute}
	case VBR:
		return Lifetimes{AccessToken: 15 * time.Minute, RefreshToken: 14 * 24 * time.Hour, AuthorizationCode: 60 * time.Second, MFAToken: 5 * time.Minute}
	case VRO, VAO:
		return Lifetimes{AccessToken: 15 * time.Minute, RefreshToken: 24 * time.Hour, AuthorizationCode: 60 * time.Second, MFAToken: 5 * time.Minute}
	default: // EM
		return Lifetimes{AccessToken: 15 * time.Minute, AuthorizationCode: 60 * time.Second, MFAToken: 5 * time.Minute}
	}
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
	Clock       *Clock       // nil: a real clock; tests pass NewClock(t0) and Advance it
	Lifetimes   Lifetimes    // zero fields: the product's documented defaults
	Seed        *Seed        // nil: DefaultSeed()
	Control     bool         // serve the /emulator/ control API on every listener
	Faults      Faults       // latency, 503 rate, dropped-connection rate
	Logger      *slog.Logger // structured request log, secrets masked; nil: discard
	StatePath   string       // "": memory only; else accounts are loaded from and saved to this JSON file
	AWSVersions []string     // nil: DefaultAWSVersions()
	// VROSingleSession makes a Recovery Orchestrator password login end the
	// user's other sessions (the interference its documents warn about);
	// client_credentials sessions are not affected.
	VROSingleSession bool
}

// DefaultAWSVersions returns the x-api-version values Backup for AWS accepts
// by default: 1.0-rev0 … 1.8-rev0.
func DefaultAWSVersions() []string {
	out := make([]string, 0, 9)
	for i := 0; i <= 8; i++ {
		out = append(out, fmt.Sprintf("1.%d-rev0", i))
	}
	return out
}

// Emulator is an in-memory stand-in for the authentication surfaces of the
// five products. One Emulator serves every product; Handler(p) returns the
// http.Handler for one of them. It is safe for concurrent use.
type Emulator struct {
	opts        Options
	clock       *Clock
	seed        *Seed
	st          *store
	log         *slog.Logger
	awsVersions []string
	handlers    map[Product]http.Handler
	persistMu   sync.Mutex
	closeOnce   sync.Once
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
	iss, err := newIssuer()
	if err != nil {
		return nil, err
	}
	e := &Emulator{
		opts:        opts,
		clock:       opts.Clock,
		seed:        opts.Seed,
		st:          newStore(iss),
		log:         opts.Logger,
		awsVersions: slices.Clone(opts.AWSVersions),
		handlers:    map[Product]http.Handler{},
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
	if e.awsVersions == nil {
		e.awsVersions = DefaultAWSVersions()
	}
	if len(e.awsVersions) == 0 {
		return nil, errors.New("emulator: AWSVersions is empty")
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

// applySeed adds the seed's users; the store must be empty of them.
func (e *Emulator) applySeed() error {
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	for _, p := range AllProducts() {
		for _, u := range e.seed.Users[p] {
			if err := validateSeedUser(p, &u); err != nil {
				return err
			}
			if err := e.st.addUserLocked(p, u); err != nil {
				return fmt.Errorf("emulator: seed user %s/%s: %w", p, u.Name, err)
			}
		}
	}
	for p := range e.seed.Users {
		if !p.valid() {
			return fmt.Errorf("emulator: seed for unknown product %q", p)
		}
	}
	return nil
}

// routes builds the product's mux.
func (e *Emulator) routes(p Product) *http.ServeMux {
	mux := http.NewServeMux()
	if e.opts.Control {
		e.controlRoutes(mux)
	}
	switch p {
	case AWS:
		e.awsRoutes(mux)
	case VBR:
		e.vbrRoutes(mux)
	case VRO:
		e.vroRoutes(mux)
	case VAO:
		e.vaoRoutes(mux)
	case EM:
		e.emRoutes(mux)
	default:
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			writeError(w, r, p, &apiError{http.StatusNotImplemented, CodeNotImplemented,
				"the " + string(p) + " emulator is not implemented yet"})
		})
	}
	return mux
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
	o := e.opts.Lifetimes
	if o.AccessToken > 0 {
		l.AccessToken = o.AccessToken
	}
	if o.RefreshToken > 0 && p != EM {
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
func (e *Emulator) AWSVersions() []string { return slices.Clone(e.awsVersions) }

// AddUser adds an account to product p. It fails when the name is taken
// (names are case-insensitive), the product is unknown or the role is not
// one of the product's roles.
func (e *Emulator) AddUser(p Product, u SeedUser) error {
	if err := validateSeedUser(p, &u); err != nil {
		return err
	}
	e.st.mu.Lock()
	err := e.st.addUserLocked(p, u)
	e.st.mu.Unlock()
	if err != nil {
		return fmt.Errorf("emulator: add %s user %q: %w", p, u.Name, err)
	}
	return e.saveState()
}

// User returns a copy of product p's account called name.
func (e *Emulator) User(p Product, name string) (UserState, bool) { return e.st.getUser(p, name) }

// AWSUser returns a copy of the Backup for AWS account called name,
// including its MFA state and current secret.
func (e *Emulator) AWSUser(name string) (AWSUserState, bool) { return e.st.getUser(AWS, name) }

// Sessions returns the principals of p's logon sessions that still hold a
// token (access or refresh) that works now.
func (e *Emulator) Sessions(p Product) []Principal {
	return e.st.liveSessions(p, e.clock.Now())
}

// Reset forgets every session, token, code and counter and restores the
// seed's accounts (users added since are gone). The clock is not touched.
func (e *Emulator) Reset() error {
	e.st.mu.Lock()
	e.st.resetLocked()
	e.st.mu.Unlock()
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

// ---- middleware ----

// maxBody is the largest request body the emulator reads.
const maxBody = 1 << 20

type ctxKey struct{}

// reqInfo carries what handlers learn about a request to the middleware
// (for counters and the request log).
type reqInfo struct {
	grant string // token endpoints: the normalised grant
	user  string // authenticated principal or login name
}

func infoOf(r *http.Request) *reqInfo {
	if i, ok := r.Context().Value(ctxKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{}
}

// statusWriter records the status and size of a response. before, when
// set, runs once just before the status line is written (state saving: a
// change is durable before the client sees it acknowledged).
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
	before func()
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		if w.before != nil {
			w.before()
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// middleware wraps a product's mux with panic recovery, fault injection,
// counting, state saving and the request log.
func (e *Emulator) middleware(p Product, mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, info))
		control := strings.HasPrefix(r.URL.Path, "/emulator/")
		dropped, counted := false, false
		sw := &statusWriter{ResponseWriter: w}
		// Count and save just before the status line goes out, so a client that has its
		// answer also sees it in the counters and the state file.
		sw.before = func() {
			if !control {
				e.countRequest(p, counterKey(r, info), sw.status, false)
				counted = true
			}
			e.persistBeforeAnswer()
		}
		defer func() {
			rec := recover()
			if rec != nil && rec != http.ErrAbortHandler {
				e.log.Error("handler panic", "product", string(p), "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(rec))
				if sw.status == 0 {
					writeError(sw, r, p, &apiError{http.StatusInternalServerError, CodeUnknownError, "internal emulator error"})
				}
			}
			if rec == http.ErrAbortHandler {
				dropped = true
			}
			if !control && !counted {
				e.countRequest(p, counterKey(r, info), sw.status, dropped)
			}
			if err := e.persistIfDirty(); err != nil {
				e.log.Error("saving state", "error", err.Error())
			}
			e.logRequest(p, r, info, sw, time.Since(start), dropped)
			if dropped {
				panic(http.ErrAbortHandler)
			}
		}()
		if r.Body != nil {
			r.Body = http.MaxBytesReader(sw, r.Body, maxBody)
		}
		if !control {
			f := e.opts.Faults
			if f.Latency > 0 {
				t := time.NewTimer(f.Latency)
				select {
				case <-t.C:
				case <-r.Context().Done():
					t.Stop()
				}
			}
			if f.DropRate > 0 && rand.Float64() < f.DropRate {
				panic(http.ErrAbortHandler)
			}
			if f.ServiceUnavailableRate > 0 && rand.Float64() < f.ServiceUnavailableRate {
				sw.Header().Set("Retry-After", "1")
				writeError(sw, r, p, &apiError{http.StatusServiceUnavailable, CodeServiceUnavailable, "the service is temporarily unavailable (injected fault)"})
				return
			}
		}
		mux.ServeHTTP(sw, r)
	})
}

// counterKey is the Counters.Endpoints key of a finished request.
func counterKey(r *http.Request, info *reqInfo) string {
	pat := r.Pattern
	if pat == "" || pat == "/" {
		return r.Method + " (unmatched)"
	}
	if i := strings.IndexByte(pat, ' '); i < 0 || strings.ContainsRune(pat[:i], '/') {
		pat = r.Method + " " + pat
	}
	if info.grant != "" {
		pat += " grant=" + info.grant
	}
	return pat
}

// ---- routing helpers ----

// router registers "METHOD PATH" routes and, for each path, a method-less
// fallback that answers 405 in the product's format with an Allow header.
type router struct {
	mux   *http.ServeMux
	p     Product
	wrap  func(http.HandlerFunc) http.HandlerFunc
	allow map[string][]string
	order []string
}

func newRouter(mux *http.ServeMux, p Product, wrap func(http.HandlerFunc) http.HandlerFunc) *router {
	if wrap == nil {
		wrap = func(h http.HandlerFunc) http.HandlerFunc { return h }
	}
	return &router{mux: mux, p: p, wrap: wrap, allow: map[string][]string{}}
}

func (rt *router) handle(method, path string, h http.HandlerFunc) {
	rt.mux.HandleFunc(method+" "+path, rt.wrap(h))
	if _, ok := rt.allow[path]; !ok {
		rt.order = append(rt.order, path)
	}
	rt.allow[path] = append(rt.allow[path], method)
}

// finish registers the 405 fallbacks.
func (rt *router) finish() {
	for _, path := range rt.order {
		allow := strings.Join(rt.allow[path], ", ")
		rt.mux.HandleFunc(path, rt.wrap(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeError(w, r, rt.p, &apiError{http.StatusMethodNotAllowed, CodeMethodNotAllowed,
				"method " + r.Method + " is not allowed here; allowed: " + allow})
		}))
	}
}

// bearer returns the token of an "Authorization: Bearer …" header.
func bearer(r *http.Request) (string, bool) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// requestBase returns "scheme://host" of the request as the client sent it.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}

// drain reads what is left of a request body (bounded by maxBody).
func drain(r *http.Request) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
	}
}
