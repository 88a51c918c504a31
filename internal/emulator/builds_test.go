package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

func TestBuildsDefaultToTheNewest(t *testing.T) {
	h := newHarness(t)
	for p, want := range map[emulator.Product]string{emulator.VBR: "13.1", emulator.AWS: "10", emulator.VRO: "13.1", emulator.VAO: "3.0", emulator.EM: "13.0.1"} {
		if got := h.e.Build(p); got != want {
			t.Errorf("Build(%s) = %q, want %q", p, got, want)
		}
		if kb := emulator.KnownBuilds(p); kb[len(kb)-1] != want {
			t.Errorf("KnownBuilds(%s) = %q: the newest (%s) comes last", p, kb, want)
		}
	}
	if got := strings.Join(emulator.KnownBuilds(emulator.VBR), ","); got != "12.0,12.1,12.2,12.3,12.3.1,13.0,13.0.1,13.1" {
		t.Errorf("VBR builds %s", got)
	}
}

func TestBuildUnknownIsRefused(t *testing.T) {
	if _, err := emulator.New(emulator.Options{Builds: map[emulator.Product]string{emulator.VBR: "14.0"}}); err == nil || !strings.Contains(err.Error(), "12.3, 12.3.1, 13.0, 13.0.1, 13.1") {
		t.Fatalf("unknown build: err = %v, want the known builds listed", err)
	}
	if _, err := emulator.New(emulator.Options{Builds: map[emulator.Product]string{"nope": "1"}}); err == nil {
		t.Fatal("unknown product accepted")
	}
	// An empty entry means the default.
	e, err := emulator.New(emulator.Options{Builds: map[emulator.Product]string{emulator.VBR: ""}})
	if err != nil || e.Build(emulator.VBR) != "13.1" {
		t.Fatalf("empty entry: %v %q", err, e.Build(emulator.VBR))
	}
}

// vbrTokenStatus is the status of a password login at revision v.
func vbrTokenStatus(h *harness, v string) int {
	return h.vbrCall(req{method: "POST", path: "/api/oauth2/token", version: v, contentType: "application/x-www-form-urlencoded",
		body: "grant_type=password&username=administrator&password=Password1"}).Status
}

func TestVBRBuildDecidesTheRevisions(t *testing.T) {
	accepts := map[string][2]string{ // build: first, last accepted
		"12.0": {"1.0-rev1", "1.1-rev0"}, "12.1": {"1.0-rev1", "1.1-rev1"}, "12.2": {"1.0-rev1", "1.1-rev2"},
		"12.3": {"1.0-rev1", "1.2-rev0"}, "12.3.1": {"1.0-rev1", "1.2-rev1"}, "13.0": {"1.0-rev1", "1.3-rev0"},
		"13.0.1": {"1.0-rev1", "1.3-rev1"}, "13.1": {"1.1-rev0", "1.3-rev2"},
	}
	all := []string{"1.0-rev1", "1.0-rev2", "1.1-rev0", "1.1-rev1", "1.1-rev2", "1.2-rev0", "1.2-rev1", "1.3-rev0", "1.3-rev1", "1.3-rev2"}
	for build, r := range accepts {
		h := newVBR(t, func(o *emulator.Options) { o.Builds = map[emulator.Product]string{emulator.VBR: build} })
		want := all[slices.Index(all, r[0]) : slices.Index(all, r[1])+1]
		if got := h.e.Revisions(emulator.VBR); !slices.Equal(got, want) {
			t.Errorf("%s: Revisions = %q, want %q", build, got, want)
		}
		for _, v := range all {
			wantStatus := http.StatusBadRequest
			if slices.Contains(want, v) {
				wantStatus = http.StatusOK
			}
			if got := vbrTokenStatus(h, v); got != wantStatus {
				t.Errorf("build %s, x-api-version %s: status %d, want %d", build, v, got, wantStatus)
			}
		}
	}
}

func TestAWSBuildDecidesTheRevisions(t *testing.T) {
	for build, newest := range map[string]string{"1.0": "1.0-rev0", "4.0": "1.2-rev0", "7.0": "1.5-rev0", "8.0": "1.6-rev0", "9": "1.7-rev0", "10": "1.8-rev0"} {
		h := newHarness(t, func(o *emulator.Options) { o.Builds = map[emulator.Product]string{emulator.AWS: build} })
		got := h.e.AWSVersions()
		if got[0] != "1.0-rev0" || got[len(got)-1] != newest {
			t.Errorf("build %s accepts %q, want 1.0-rev0 … %s", build, got, newest)
		}
	}
	h := newHarness(t, func(o *emulator.Options) { o.Builds = map[emulator.Product]string{emulator.AWS: "1.0"} })
	p := h.do(req{method: "GET", path: "/api/v1/users", version: "1.1-rev0"}).problem(http.StatusBadRequest, emulator.CodeUnexpectedContent)
	if !strings.HasSuffix(p.Type, "/api/v1/problems/unsupportedApiVersion") || !slices.Equal(p.SupportedVersions, []string{"1.0-rev0"}) {
		t.Errorf("unsupported revision on build 1.0: %+v", p)
	}
	p = h.do(req{method: "GET", path: "/api/v1/users", noVersion: true}).problem(http.StatusBadRequest, emulator.CodeUnexpectedContent)
	if !strings.HasSuffix(p.Type, "/api/v1/problems/apiVersionUnspecified") {
		t.Errorf("missing revision: type %q", p.Type)
	}
	p = h.do(req{method: "GET", path: "/api/v1/users", version: "latest"}).problem(http.StatusBadRequest, emulator.CodeUnexpectedContent)
	if !strings.HasSuffix(p.Type, "/api/v1/problems/invalidApiVersion") {
		t.Errorf("malformed revision: type %q", p.Type)
	}
	// AWSVersions still replaces the build's list.
	h = newHarness(t, func(o *emulator.Options) { o.AWSVersions = []string{"1.9-rev0"} })
	if got := h.e.AWSVersions(); !slices.Equal(got, []string{"1.9-rev0"}) || h.e.Build(emulator.AWS) != "10" {
		t.Errorf("AWSVersions override: %q, build %s", got, h.e.Build(emulator.AWS))
	}
}

func TestVROBuildDecidesThePathVersions(t *testing.T) {
	for build, accepted := range map[string][]string{"13": {"v7.2", "v7.21", "v13"}, "13.1": {"v7.21", "v13", "v13.1"}} {
		h := newHarness(t, func(o *emulator.Options) { o.Builds = map[emulator.Product]string{emulator.VRO: build} })
		h.h = h.e.Handler(emulator.VRO)
		for _, v := range []string{"v7.2", "v7.21", "v13", "v13.1", "v14", "v7.x"} {
			want := http.StatusNotFound
			if slices.Contains(accepted, v) {
				want = http.StatusUnauthorized // the version is fine; no token
			}
			if got := h.do(req{method: "GET", path: "/api/" + v + "/Clients", noVersion: true}).Status; got != want {
				t.Errorf("VRO %s, /api/%s/Clients: status %d, want %d", build, v, got, want)
			}
		}
	}
}

func TestControlInfoReportsTheBuilds(t *testing.T) {
	h := newHarness(t, func(o *emulator.Options) {
		o.Control = true
		o.Builds = map[emulator.Product]string{emulator.VBR: "12.3"}
	})
	rec := httptest.NewRecorder()
	h.e.Handler(emulator.EM).ServeHTTP(rec, httptest.NewRequest("GET", "/emulator/info", nil))
	var info map[emulator.Product]emulator.BuildInfo
	if err := json.Unmarshal(rec.Body.Bytes(), &info); err != nil || rec.Code != 200 {
		t.Fatalf("GET /emulator/info: %d %v %s", rec.Code, err, rec.Body)
	}
	if b := info[emulator.VBR]; b.Build != "12.3" || b.Revisions[len(b.Revisions)-1] != "1.2-rev0" || len(b.Known) != 8 {
		t.Errorf("vbr info %+v", b)
	}
	if info[emulator.AWS].Build != "10" {
		t.Errorf("aws info %+v", info[emulator.AWS])
	}
}
