package emulator_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// t0 is the start of the frozen test clock: aligned to a 30 s TOTP step.
var t0 = time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)

const apiVersion = "1.7-rev0"

// harness drives one Emulator's AWS handler in process.
type harness struct {
	t     testing.TB
	e     *emulator.Emulator
	clock *emulator.Clock
	h     http.Handler
	// version, when set, is the x-api-version sent when a request sets none
	// (VBR: vbrVersion otherwise).
	version string
}

func newHarness(t testing.TB, mutate ...func(*emulator.Options)) *harness {
	t.Helper()
	clock := emulator.NewClock(t0)
	opts := emulator.Options{Clock: clock}
	for _, m := range mutate {
		m(&opts)
	}
	e, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return &harness{t: t, e: e, clock: opts.Clock, h: e.Handler(emulator.AWS)}
}

// resp is a finished response.
type resp struct {
	t      testing.TB
	Status int
	Header http.Header
	Body   []byte
}

// req is one request to build.
type req struct {
	method, path string
	token        string // Bearer token
	noVersion    bool
	version      string
	contentType  string
	body         string
	host         string
}

func (h *harness) do(r req) *resp {
	h.t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if r.host != "" {
		hr.Host = r.host
	}
	if !r.noVersion {
		v := cmp.Or(r.version, h.version, apiVersion)
		hr.Header.Set("x-api-version", v)
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.contentType != "" {
		hr.Header.Set("Content-Type", r.contentType)
	}
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, hr)
	return &resp{t: h.t, Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// token posts a form to /api/v1/token.
func (h *harness) token(form url.Values) *resp {
	h.t.Helper()
	return h.do(req{method: "POST", path: "/api/v1/token", contentType: "application/x-www-form-urlencoded", body: form.Encode()})
}

// api sends a JSON body (nil: none) with a bearer token.
func (h *harness) api(method, path, token string, body any) *resp {
	h.t.Helper()
	r := req{method: method, path: path, token: token}
	if body != nil {
		switch b := body.(type) {
		case string:
			r.body = b
		default:
			out, err := json.Marshal(b)
			if err != nil {
				h.t.Fatal(err)
			}
			r.body = string(out)
		}
		r.contentType = "application/json"
	}
	return h.do(r)
}

// login does a password grant that must succeed without MFA.
func (h *harness) login(user, pw string) emulator.AWSToken {
	h.t.Helper()
	r := h.token(url.Values{"grant_type": {"password"}, "username": {user}, "password": {pw}})
	r.want(http.StatusOK)
	tok := decode[emulator.AWSToken](r)
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		h.t.Fatalf("login %s: no tokens in %s", user, r.Body)
	}
	return tok
}

// adminToken logs in the seeded administrator.
func (h *harness) adminToken() string { return h.login("administrator", "Password1").AccessToken }

func (r *resp) want(status int) *resp {
	r.t.Helper()
	if r.Status != status {
		r.t.Fatalf("status = %d, want %d; body: %s", r.Status, status, r.Body)
	}
	return r
}

// problem asserts an AWS error body with status and errorCode.
func (r *resp) problem(status int, code emulator.ErrorCode) emulator.AWSProblem {
	r.t.Helper()
	r.want(status)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		r.t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var raw map[string]any
	if err := json.Unmarshal(r.Body, &raw); err != nil {
		r.t.Fatalf("error body is not JSON: %v: %s", err, r.Body)
	}
	for _, k := range []string{"type", "title", "status", "errorCode", "details", "instance", "data"} {
		if _, ok := raw[k]; !ok {
			r.t.Fatalf("error body lacks %q: %s", k, r.Body)
		}
	}
	p := decode[emulator.AWSProblem](r)
	if p.Status != status || p.ErrorCode != string(code) || p.Title == "" || p.Type == "" {
		r.t.Fatalf("problem = %+v, want status %d errorCode %s", p, status, code)
	}
	return p
}

func decode[T any](r *resp) T {
	r.t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		r.t.Fatalf("decode %T: %v: %s", v, err, r.Body)
	}
	return v
}

func totpAt(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	c, err := emulator.TOTPCode(secret, at)
	if err != nil {
		t.Fatalf("TOTPCode: %v", err)
	}
	return c
}
