package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// versionServer answers like a server that accepts only accepted (x-api-version), with
// refusal, and records every version it was sent.
type versionServer struct {
	mu    sync.Mutex
	seen  []string
	paths []string
}

func (v *versionServer) handler(accepted []string, refusal func(w http.ResponseWriter)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("x-api-version")
		v.mu.Lock()
		v.seen = append(v.seen, got)
		v.paths = append(v.paths, r.URL.Path)
		v.mu.Unlock()
		if !slices.Contains(accepted, got) {
			refusal(w)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/oauth2/token", "/api/v1/token":
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "a", "refresh_token": "r", "expires_in": 3600, "token_type": "bearer"})
		case "/api/oauth2/authorization_code":
			_ = json.NewEncoder(w).Encode(map[string]string{"code": "c0de"})
		default:
			_ = json.NewEncoder(w).Encode(map[string]any{"mfaEnabled": true})
		}
	}
}

func vbrRefusal(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte(`{"errorCode":"NotImplemented","message":"The specified API version is not supported."}`))
}

func awsRefusal(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte(`{"type":"https://h/api/v1/problems/unsupportedApiVersion","title":"Unsupported API version","status":400,"errorCode":"UnexpectedContent"}`))
}

func negotiationClient(t *testing.T, f *Flavor, url, version string) *Session {
	t.Helper()
	s, err := NewSession(f, Config{Host: url, AllowPlaintextHTTP: true, APIVersion: version, MaxRetries: -1,
		Credentials: Credentials{Username: "u", Password: "p"}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNegotiationStepsDownToTheNewestTheServerAccepts(t *testing.T) {
	for name, tc := range map[string]struct {
		flavor   *Flavor
		accepted []string
		refusal  func(http.ResponseWriter)
		want     string
	}{
		"vbr 13.1":   {VBRFlavor, []string{"1.3-rev2", "1.3-rev1"}, vbrRefusal, "1.3-rev2"},
		"vbr 12.3.1": {VBRFlavor, []string{"1.2-rev1", "1.2-rev0", "1.1-rev0"}, vbrRefusal, "1.2-rev1"},
		"aws 1":      {AWSFlavor, []string{"1.0-rev0"}, awsRefusal, "1.0-rev0"},
		"aws 10":     {AWSFlavor, []string{"1.0-rev0", "1.7-rev0", "1.8-rev0"}, awsRefusal, "1.8-rev0"},
	} {
		t.Run(name, func(t *testing.T) {
			vs := &versionServer{}
			srv := httptest.NewServer(vs.handler(tc.accepted, tc.refusal))
			defer srv.Close()
			s := negotiationClient(t, tc.flavor, srv.URL, "")
			if s.APIVersion() != "" || s.Negotiated() {
				t.Fatalf("settled %q before any request", s.APIVersion())
			}
			if _, err := s.Credential(ctxT(t)); err != nil {
				t.Fatal(err)
			}
			if s.APIVersion() != tc.want || !s.Negotiated() {
				t.Fatalf("APIVersion() = %q, want %q", s.APIVersion(), tc.want)
			}
			known := KnownRevisions(tc.flavor.Product)
			i := slices.Index(known, tc.want)
			if !slices.Equal(vs.seen, known[:i+1]) {
				t.Fatalf("sent %v, want the known revisions down to %s: %v", vs.seen, tc.want, known[:i+1])
			}
			// Later requests carry the settled revision, without asking again.
			vs.seen = nil
			if _, err := s.Do(ctxT(t), Request{Method: http.MethodGet, Path: "/api/v1/anything"}); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(vs.seen, []string{tc.want}) {
				t.Fatalf("then sent %v", vs.seen)
			}
		})
	}
}

// The choice is logged, with the refused revisions.
func TestNegotiationIsLogged(t *testing.T) {
	vs := &versionServer{}
	srv := httptest.NewServer(vs.handler([]string{"1.3-rev1"}, vbrRefusal))
	defer srv.Close()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	if _, err := negotiationClient(t, VBRFlavor, srv.URL, "").Credential(ctx); err != nil {
		t.Fatal(err)
	}
	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e["@message"] == "negotiated the API revision" && e["api_version"] == "1.3-rev1" && e["refused"] == "1.3-rev2" && e["@level"] == "info" {
			return
		}
	}
	t.Fatalf("no log entry of the choice: %v", entries)
}

// Against the emulator's oldest Backup for AWS build the client settles on 1.0-rev0.
func TestNegotiationAgainstAWSBuilds(t *testing.T) {
	for build, want := range map[string]string{"1.0": "1.0-rev0", "9": "1.7-rev0", "10": "1.8-rev0"} {
		srv := emulatortest.Start(t, emulator.Options{Clock: emulator.NewClock(t0), Builds: map[emulator.Product]string{emulator.AWS: build}})
		c := newAWS(t, awsConfig(srv, "administrator", "Password1"))
		if _, err := c.Credential(ctxT(t)); err != nil || c.APIVersion() != want {
			t.Fatalf("build %s: %q, %v; want %s", build, c.APIVersion(), err, want)
		}
	}
}

func TestNegotiationExplicitVersionIsUsedAsIs(t *testing.T) {
	vs := &versionServer{}
	srv := httptest.NewServer(vs.handler([]string{"1.3-rev2", "1.2-rev1"}, vbrRefusal))
	defer srv.Close()
	s := negotiationClient(t, VBRFlavor, srv.URL, "1.2-rev1")
	if _, err := s.Credential(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(vs.seen, []string{"1.2-rev1"}) || s.APIVersion() != "1.2-rev1" || s.Negotiated() {
		t.Fatalf("sent %v, APIVersion %q", vs.seen, s.APIVersion())
	}
	// An explicit revision the server refuses is a ConfigError on api_version, not a step down.
	vs2 := &versionServer{}
	srv2 := httptest.NewServer(vs2.handler([]string{"1.3-rev2"}, vbrRefusal))
	defer srv2.Close()
	_, err := negotiationClient(t, VBRFlavor, srv2.URL, "1.2-rev1").Credential(ctxT(t))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != FieldAPIVersion || !strings.Contains(err.Error(), `"1.2-rev1" is not accepted`) || len(vs2.seen) != 1 {
		t.Fatalf("want a ConfigError on api_version after one request, got %v (sent %v)", err, vs2.seen)
	}
}

func TestNegotiationNothingInCommon(t *testing.T) {
	vs := &versionServer{}
	srv := httptest.NewServer(vs.handler([]string{"2.0-rev0"}, vbrRefusal))
	defer srv.Close()
	_, err := negotiationClient(t, VBRFlavor, srv.URL, "").Credential(ctxT(t))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != FieldAPIVersion || ce.Reason != ReasonUnsupported ||
		!strings.Contains(err.Error(), "none of the API revisions this provider knows (1.3-rev2, ") || !IsVersionRefusal(err) {
		t.Fatalf("got %v", err)
	}
	if len(vs.seen) != len(KnownRevisions(VBR)) {
		t.Fatalf("sent %d requests, want one per known revision", len(vs.seen))
	}
}

// A single-use credential survives the negotiation: the refused attempts spend nothing, so
// the session logs in with the code once.
func TestNegotiationKeepsSingleUseCredentials(t *testing.T) {
	vs := &versionServer{}
	srv := httptest.NewServer(vs.handler([]string{"1.2-rev1"}, vbrRefusal))
	defer srv.Close()
	s, err := NewSession(VBRFlavor, Config{Host: srv.URL, AllowPlaintextHTTP: true, MaxRetries: -1, Credentials: Credentials{AuthorizationCode: "code"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Credential(ctxT(t)); err != nil || s.APIVersion() != "1.2-rev1" {
		t.Fatalf("login with a code through negotiation: %v (%q)", err, s.APIVersion())
	}
}

func TestVBRAuthorizationCodeByRevision(t *testing.T) {
	for name, tc := range map[string]struct {
		accepted []string
		wantErr  string
	}{
		"12.3": {[]string{"1.2-rev0"}, ""},
		"13.1": {[]string{"1.3-rev2"}, "Veeam Backup & Replication 13.1 or later (REST API 1.3-rev2) has no authorization codes (POST /api/oauth2/authorization_code): REST API 1.3-rev0 (Veeam Backup & Replication 13.0) removed them"},
		"13.0": {[]string{"1.3-rev0"}, "Veeam Backup & Replication 13.0 (REST API 1.3-rev0) has no authorization codes"},
	} {
		t.Run(name, func(t *testing.T) {
			vs := &versionServer{}
			srv := httptest.NewServer(vs.handler(tc.accepted, vbrRefusal))
			defer srv.Close()
			c := &VBRClient{negotiationClient(t, VBRFlavor, srv.URL, "")}
			code, err := c.AuthorizationCode(ctxT(t))
			if tc.wantErr == "" {
				if err != nil || code != "c0de" {
					t.Fatalf("code %q, %v", code, err)
				}
				return
			}
			var ue *UnavailableError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want %q", err, tc.wantErr)
			}
			if slices.Contains(vs.paths, "/api/oauth2/authorization_code") {
				t.Fatalf("asked the server for a code anyway: %v", vs.paths)
			}
		})
	}
}

// A block pointed at another product's port does not step through every revision on that
// product's refusals, nor blames api_version: one request, and the other product's answer.
func TestNegotiationAtAnotherProductsPort(t *testing.T) {
	srv := startEmulator(t)
	cfg := vbrConfig(srv, "administrator", "Password1")
	cfg.Host = srv.URL[emulator.AWS]
	_, err := newVBRClient(t, cfg).Credential(ctxT(t))
	var ce *ConfigError
	if err == nil || (errors.As(err, &ce) && ce.Field == FieldAPIVersion) || !strings.Contains(err.Error(), "unsupportedApiVersion") {
		t.Fatalf("want Backup for AWS's answer, not an api_version error, got %v", err)
	}
	if n := srv.Emulator.Counters(emulator.AWS).Status4xx; n != 1 {
		t.Fatalf("%d requests refused by Backup for AWS, want 1", n)
	}
}
