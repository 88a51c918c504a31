// Package faultproxy loses answers on purpose, for tests: it forwards a request, lets the server
// act on it, and then drops the connection or replaces the answer with a gateway error, for
// exactly the calls a test names (method, path, the nth occurrence). It proves what happens when
// the appliance did the work but the caller never heard so (design/retries.md).
//
// Use Transport as an http.RoundTripper under a client (client.Config.WrapTransport), or Serve to
// put a TLS reverse proxy in front of a server for code that only takes a URL (the provider).
package faultproxy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Outcome is what the caller gets instead of the server's answer.
type Outcome int

// The outcomes a Rule can inject.
const (
	// DropAfter forwards the request, lets the server act, then fails the call as a reset
	// connection: the caller cannot know whether the server acted.
	DropAfter Outcome = iota
	// BadGatewayAfter forwards the request, lets the server act, then answers 502.
	BadGatewayAfter
	// GatewayTimeoutAfter forwards the request, lets the server act, then answers 504.
	GatewayTimeoutAfter
	// DropBefore fails the call as a reset connection without forwarding it.
	DropBefore
)

func (o Outcome) String() string {
	switch o {
	case DropAfter:
		return "connection dropped after the server acted"
	case BadGatewayAfter:
		return "502 after the server acted"
	case GatewayTimeoutAfter:
		return "504 after the server acted"
	case DropBefore:
		return "connection dropped before forwarding"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Rule names the calls whose answer is lost.
type Rule struct {
	Method string // "" : any method
	// Path is the request's decoded path ("/api/v1/users/john doe/acceptMfa"); a trailing "*"
	// matches any path with that prefix; "": any path.
	Path string
	// BodyContains, when set, only matches requests whose body contains it
	// ("grant_type=refresh_token").
	BodyContains string
	// Nth is the occurrence (1-based, counted per rule among matching requests) to act on;
	// 0 acts on every match.
	Nth     int
	Outcome Outcome
}

func (r Rule) matches(req *http.Request, body []byte) bool {
	if r.Method != "" && !strings.EqualFold(r.Method, req.Method) {
		return false
	}
	switch {
	case r.Path == "":
	case strings.HasSuffix(r.Path, "*"):
		if !strings.HasPrefix(req.URL.Path, strings.TrimSuffix(r.Path, "*")) {
			return false
		}
	case r.Path != req.URL.Path:
		return false
	}
	return r.BodyContains == "" || bytes.Contains(body, []byte(r.BodyContains))
}

// Event is one lost answer: the call and what the server had answered before it was lost
// (0 for DropBefore).
type Event struct {
	Method, Path string
	Outcome      Outcome
	ServerStatus int
}

// ErrDropped is the error a dropped call fails with (wrapped by the HTTP client).
var ErrDropped = errors.New("faultproxy: connection reset")

// Transport is an http.RoundTripper that loses the answers its rules name. Safe for concurrent
// use; rules may be added while it runs.
type Transport struct {
	Next http.RoundTripper // nil: http.DefaultTransport

	mu     sync.Mutex
	rules  []Rule
	seen   []int // matching requests per rule
	events []Event
}

// New returns a Transport over next that applies rules.
func New(next http.RoundTripper, rules ...Rule) *Transport {
	t := &Transport{Next: next}
	for _, r := range rules {
		t.Add(r)
	}
	return t
}

// Add adds a rule; its occurrences are counted from now.
func (t *Transport) Add(r Rule) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rules = append(t.rules, r)
	t.seen = append(t.seen, 0)
}

// Events returns the answers lost so far.
func (t *Transport) Events() []Event {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Event(nil), t.events...)
}

// Wrap is Transport's constructor in the shape of client.Config.WrapTransport: it sets Next and
// returns t.
func (t *Transport) Wrap(next http.RoundTripper) http.RoundTripper {
	t.Next = next
	return t
}

// RoundTrip forwards req and loses the answer when a rule says so.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	outcome, fire := t.pick(req, body)
	if fire && outcome == DropBefore {
		t.record(req, outcome, 0)
		return nil, ErrDropped
	}
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err != nil || !fire {
		return resp, err
	}
	// The server acted: read its whole answer (so it is done), then lose it.
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	t.record(req, outcome, resp.StatusCode)
	switch outcome {
	case BadGatewayAfter:
		return gatewayAnswer(req, http.StatusBadGateway), nil
	case GatewayTimeoutAfter:
		return gatewayAnswer(req, http.StatusGatewayTimeout), nil
	}
	return nil, ErrDropped
}

// pick counts req against every rule and returns the outcome of the first rule that fires.
func (t *Transport) pick(req *http.Request, body []byte) (Outcome, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out Outcome
	fired := false
	for i, r := range t.rules {
		if !r.matches(req, body) {
			continue
		}
		t.seen[i]++
		if !fired && (r.Nth == 0 || r.Nth == t.seen[i]) {
			out, fired = r.Outcome, true
		}
	}
	return out, fired
}

func (t *Transport) record(req *http.Request, o Outcome, status int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.events = append(t.events, Event{Method: req.Method, Path: req.URL.Path, Outcome: o, ServerStatus: status})
}

// gatewayAnswer is what a reverse proxy in front of the appliance sends when it loses the
// upstream answer: an HTML page, as nginx and most load balancers do.
func gatewayAnswer(req *http.Request, status int) *http.Response {
	b := fmt.Sprintf("<html><body><h1>%d %s</h1></body></html>", status, http.StatusText(status))
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"text/html"}},
		Body:          io.NopCloser(strings.NewReader(b)),
		ContentLength: int64(len(b)),
		Request:       req,
	}
}
