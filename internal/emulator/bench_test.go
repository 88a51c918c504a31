package emulator_test

// Handler throughput with no network: httptest.NewRecorder straight into the product handler,
// beside a bare handler that does the least a JSON API can (for the ratio). `make bench` runs
// these with -count and summarises them; they assert nothing about time.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

var benchPasswordForm = url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}}.Encode()

// benchServe sends one request to h and fails the benchmark on an unexpected status.
func benchServe(b *testing.B, h http.Handler, method, path, token, contentType, body string, want int) {
	var r *http.Request
	if body != "" {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	r.Header.Set("x-api-version", apiVersion)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != want {
		b.Fatalf("%s %s: status %d, want %d: %s", method, path, rec.Code, want, rec.Body)
	}
}

// BenchmarkEmulatorPasswordGrant: POST /api/v1/token grant_type=password (password check,
// session, two signed tokens).
func BenchmarkEmulatorPasswordGrant(b *testing.B) {
	h := newHarness(b)
	b.ReportAllocs()
	for b.Loop() {
		benchServe(b, h.h, "POST", "/api/v1/token", "", "application/x-www-form-urlencoded", benchPasswordForm, http.StatusOK)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkEmulatorRefreshGrant: POST /api/v1/token grant_type=refresh_token, each refresh
// spending the refresh token the previous one returned.
func BenchmarkEmulatorRefreshGrant(b *testing.B) {
	h := newHarness(b)
	rt := h.login("administrator", "Password1").RefreshToken
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("POST", "/api/v1/token", strings.NewReader(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}.Encode()))
		r.Header.Set("x-api-version", apiVersion)
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.h.ServeHTTP(rec, r)
		var tok emulator.AWSToken
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &tok) != nil || tok.RefreshToken == "" {
			b.Fatalf("refresh: %d %s", rec.Code, rec.Body)
		}
		rt = tok.RefreshToken
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkEmulatorAuthenticatedGet: GET /api/v1/users/administrator with a bearer token
// (version check, token verification, user lookup, JSON).
func BenchmarkEmulatorAuthenticatedGet(b *testing.B) {
	h := newHarness(b)
	tok := h.adminToken()
	b.ReportAllocs()
	for b.Loop() {
		benchServe(b, h.h, "GET", "/api/v1/users/administrator", tok, "", "", http.StatusOK)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkEmulatorAuthenticatedGetParallel is the same from GOMAXPROCS goroutines at once:
// it shows how much the emulator's one store lock serialises.
func BenchmarkEmulatorAuthenticatedGetParallel(b *testing.B) {
	h := newHarness(b)
	tok := h.adminToken()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchServe(b, h.h, "GET", "/api/v1/users/administrator", tok, "", "", http.StatusOK)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkBareHandler is the baseline: a handler that only writes a small JSON body, through
// the same recorder. The emulator's numbers divided by this one are the ratios `make bench`
// prints.
func BenchmarkBareHandler(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"name":"administrator"}`))
	})
	b.ReportAllocs()
	for b.Loop() {
		benchServe(b, h, "GET", "/api/v1/users/administrator", "x", "", "", http.StatusOK)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
