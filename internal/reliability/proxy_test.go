package reliability

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
)

// faultRates are the fractions of requests a faultProxy spoils, each drawn from the same
// uniform number: 503 without forwarding, a connection reset without forwarding, and a
// connection reset after the emulator acted (the answer is lost).
type faultRates struct {
	ServiceUnavailable, ResetBefore, ResetAfter float64
}

// issueRates are the rates of issue #12: 10% 503 plus 5% resets before and 5% after forwarding.
var issueRates = faultRates{ServiceUnavailable: 0.10, ResetBefore: 0.05, ResetAfter: 0.05}

// faultProxy stands between the client and the emulator's handler, as a load balancer that
// fails would. Its faults are deterministic per seed: the fate of the n-th request to one
// endpoint (method, path and, on the token endpoint, the grant) is a hash of (seed, endpoint,
// n), so Terraform's parallel walk, which orders requests to different users differently from
// run to run, still meets the same faults for the same user's calls.
type faultProxy struct {
	next  http.Handler
	seed  uint64
	rates faultRates
	// lostSession names the session a lost login or refresh answer belonged to (its access
	// token is in the answer): no client can know it.
	lostSession func(accessToken string) (string, bool)

	mu       sync.Mutex
	seen     map[string]int // endpoint → requests so far
	injected map[string]int // fault → count
	lost     map[string]int // endpoint → answers lost after the emulator acted
	orphans  map[string]bool
}

func newFaultProxy(next http.Handler, seed uint64, rates faultRates, lostSession func(string) (string, bool)) *faultProxy {
	return &faultProxy{
		next: next, seed: seed, rates: rates, lostSession: lostSession,
		seen: map[string]int{}, injected: map[string]int{}, lost: map[string]int{}, orphans: map[string]bool{},
	}
}

const (
	fault503         = "503"
	faultResetBefore = "reset before forwarding"
	faultResetAfter  = "reset after forwarding"
)

// endpoint names a request for the fault draw: method, path, the grant of a token request and
// the name of a user being created (so each user's create meets its own faults, whatever the
// order Terraform sends them in).
func endpoint(r *http.Request, body []byte) string {
	key := r.Method + " " + r.URL.EscapedPath()
	if r.Method != http.MethodPost {
		return key
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/token"):
		if v, err := url.ParseQuery(string(body)); err == nil {
			key += " grant=" + v.Get("grant_type")
		}
	case r.URL.Path == strings.TrimSuffix(usersPath, "/"):
		var u struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(body, &u) == nil {
			key += " name=" + u.Name
		}
	}
	return key
}

// usersPath is the users' collection; what follows it is a user name.
const usersPath = "/api/v1/users/"

// route is an endpoint key with the user name replaced by {userId}, to sum up lost answers.
func route(key string) string {
	key, _, _ = strings.Cut(key, " name=")
	before, rest, ok := strings.Cut(key, usersPath)
	if !ok {
		return key
	}
	if _, after, ok := strings.Cut(rest, "/"); ok {
		return before + usersPath + "{userId}/" + after
	}
	return before + usersPath + "{userId}"
}

// draw is a uniform number in [0, 1) from (seed, endpoint, n): the first 53 bits of their
// SHA-256, so draws for neighbouring n or similar endpoints are independent.
func draw(seed uint64, key string, n int) float64 {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], seed)
	binary.LittleEndian.PutUint64(b[8:], uint64(n))
	sum := sha256.Sum256(append(b[:], key...))
	return float64(binary.LittleEndian.Uint64(sum[:8])>>11) / (1 << 53)
}

func (p *faultProxy) fate(key string) string {
	p.mu.Lock()
	n := p.seen[key]
	p.seen[key]++
	p.mu.Unlock()
	u := draw(p.seed, key, n)
	switch r := p.rates; {
	case u < r.ServiceUnavailable:
		return fault503
	case u < r.ServiceUnavailable+r.ResetBefore:
		return faultResetBefore
	case u < r.ServiceUnavailable+r.ResetBefore+r.ResetAfter:
		return faultResetAfter
	}
	return ""
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	key := endpoint(r, body)
	f := p.fate(key)
	if f != "" {
		p.mu.Lock()
		p.injected[f]++
		p.mu.Unlock()
	}
	switch f {
	case fault503:
		http.Error(w, "503 Service Unavailable (injected by the reliability suite's proxy)", http.StatusServiceUnavailable)
		return
	case faultResetBefore:
		panic(http.ErrAbortHandler) // the server closes the connection without an answer
	case faultResetAfter:
		rec := httptest.NewRecorder()
		p.next.ServeHTTP(rec, r)
		p.noteLost(key, rec)
		panic(http.ErrAbortHandler)
	}
	p.next.ServeHTTP(w, r)
}

// noteLost counts an answer the emulator gave and the client never got, and remembers the
// session a lost login or refresh answer opened.
func (p *faultProxy) noteLost(key string, rec *httptest.ResponseRecorder) {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	var orphan string
	if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &tok) == nil && tok.AccessToken != "" && p.lostSession != nil {
		orphan, _ = p.lostSession(tok.AccessToken)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lost[fmt.Sprintf("%s → %d", route(key), rec.Code)]++
	if orphan != "" {
		p.orphans[orphan] = true
	}
}

// Injected returns how many faults of each kind were injected so far.
func (p *faultProxy) Injected() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.injected)
}

// LostAnswers summarises the answers lost after the emulator acted, by endpoint and status,
// e.g. "POST /api/v1/users → 201 ×2".
func (p *faultProxy) LostAnswers() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	keys := make([]string, 0, len(p.lost))
	for k := range p.lost {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s ×%d", k, p.lost[k])
	}
	return strings.Join(parts, "; ")
}

// Orphaned reports whether the session id was opened by a login (or continued by a refresh)
// whose answer the proxy cut.
func (p *faultProxy) Orphaned(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.orphans[id]
}

// TestReliabilityFaultProxyIsDeterministic: the same seed spoils the same calls at the rates
// asked, whatever the order of requests to different endpoints; another seed spoils others.
func TestReliabilityFaultProxyIsDeterministic(t *testing.T) {
	fates := func(seed uint64, reverse bool) map[string]string {
		p := newFaultProxy(nil, seed, issueRates, nil)
		out := map[string]string{}
		for i := range 2000 {
			j := i
			if reverse {
				j = 1999 - i
			}
			key := fmt.Sprintf("POST /api/v1/users/u%04d/enableMfa", j)
			for n := range 3 {
				out[fmt.Sprintf("%s #%d", key, n)] = p.fate(key)
			}
		}
		return out
	}
	a, b, c := fates(1, false), fates(1, true), fates(2, false)
	counts := map[string]int{}
	differ := 0
	for k, v := range a {
		if b[k] != v {
			t.Fatalf("seed 1 gave %q then %q to %s when the order changed", v, b[k], k)
		}
		if c[k] != v {
			differ++
		}
		counts[v]++
	}
	total := float64(len(a))
	for f, want := range map[string]float64{fault503: 0.10, faultResetBefore: 0.05, faultResetAfter: 0.05} {
		if got := float64(counts[f]) / total; got < want*0.8 || got > want*1.2 {
			t.Errorf("%s: %.3f of requests, want about %.2f", f, got, want)
		}
	}
	if differ == 0 {
		t.Error("seeds 1 and 2 spoil the same calls")
	}
	// A request's retries meet independent faults: the chance that the n-th and the next try
	// of one call both fail is the square of the fault rate.
	inBand := func(u float64) bool { return u >= 0.10 && u < 0.15 } // reset before forwarding
	both, first := 0, 0
	for i := range 40000 {
		key := fmt.Sprintf("POST /api/v1/users name=user%05d", i)
		if inBand(draw(1, key, 0)) {
			first++
			if inBand(draw(1, key, 1)) {
				both++
			}
		}
	}
	if got := float64(both) / float64(first); got > 0.08 {
		t.Errorf("after a reset before forwarding, %.3f of next tries are reset too, want about 0.05", got)
	}
	for key, want := range map[string]string{
		"GET /api/v1/users/mfa1-003":              "GET /api/v1/users/{userId}",
		"POST /api/v1/users/john%20doe/enableMfa": "POST /api/v1/users/{userId}/enableMfa",
		"POST /api/v1/users name=new1-001":        "POST /api/v1/users",
		"POST /api/v1/token grant=password":       "POST /api/v1/token grant=password",
	} {
		if got := route(key); got != want {
			t.Errorf("route(%q) = %q, want %q", key, got, want)
		}
	}
}
