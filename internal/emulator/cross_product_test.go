package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// probes are, per product, a request that needs a session, with the token
// placed where the product reads it.
var probes = map[emulator.Product]func(token string) *http.Request{
	emulator.AWS: func(tok string) *http.Request {
		return bearerReq("GET", "/api/v1/users", tok, "x-api-version", "1.7-rev0")
	},
	emulator.VBR: func(tok string) *http.Request {
		return bearerReq("GET", "/api/v1/security/users", tok, "x-api-version", "1.3-rev1")
	},
	emulator.VRO: func(tok string) *http.Request { return bearerReq("GET", "/api/v7.21/Clients", tok) },
	emulator.VAO: func(tok string) *http.Request { return bearerReq("DELETE", "/api/token", tok) },
	emulator.EM: func(tok string) *http.Request {
		r := httptest.NewRequest("GET", "/api/logonSessions", nil)
		r.Header.Set(emulator.EMSessionHeader, tok)
		return r
	},
	emulator.M365:  func(tok string) *http.Request { return bearerReq("POST", "/v8/token/AuthCode", tok) },
	emulator.ONE:   func(tok string) *http.Request { return bearerReq("POST", "/api/revoke", tok) },
	emulator.SPC:   func(tok string) *http.Request { return bearerReq("GET", "/api/v3/users/me", tok) },
	emulator.AZURE: func(tok string) *http.Request { return bearerReq("GET", "/api/v8.1/users", tok) },
	emulator.GCP: func(tok string) *http.Request {
		return bearerReq("DELETE", "/api/v1/token", tok, "x-api-version", "1.4-rev0")
	},
}

func bearerReq(method, path, tok string, header ...string) *http.Request {
	r := httptest.NewRequest(method, path, nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return r
}

// TestTokensStayWithTheirProduct: an access token of Backup for Microsoft
// 365, Veeam ONE or Service Provider Console works on its own listener and
// is refused (401) by every other product's listener, Backup for AWS's and
// Recovery Orchestrator's tokens by theirs.
func TestTokensStayWithTheirProduct(t *testing.T) {
	h := orchHarness(t, emulator.M365)
	serve := func(p emulator.Product, r *http.Request) int {
		rec := httptest.NewRecorder()
		h.e.Handler(p).ServeHTTP(rec, r)
		return rec.Code
	}
	login := func(p emulator.Product, path string) string {
		h.h = h.e.Handler(p)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(orchPost(h, path, passwordForm("administrator", "Password1")).want(http.StatusOK).Body, &tok); err != nil || tok.AccessToken == "" {
			t.Fatalf("%s login: %v", p, err)
		}
		return tok.AccessToken
	}
	tokens := map[emulator.Product]string{
		emulator.M365: login(emulator.M365, "/v8/token"),
		emulator.ONE:  login(emulator.ONE, "/api/token"),
		emulator.SPC:  login(emulator.SPC, "/api/v3/token"),
		emulator.VRO:  login(emulator.VRO, "/api/token"),
	}
	h.h = h.e.Handler(emulator.AWS)
	tokens[emulator.AWS] = h.login("administrator", "Password1").AccessToken
	if len(probes) != len(emulator.AllProducts()) {
		t.Fatalf("probes cover %d products, want every one of %v", len(probes), emulator.AllProducts())
	}
	for from, tok := range tokens {
		if got := serve(from, probes[from](tok)); got == http.StatusUnauthorized {
			t.Errorf("%s's own listener refused its token", from)
		}
		for _, to := range emulator.AllProducts() {
			if to == from {
				continue
			}
			if got := serve(to, probes[to](tok)); got != http.StatusUnauthorized {
				t.Errorf("a %s token on the %s listener: status %d, want 401", from, to, got)
			}
		}
	}
}

// TestSeedExampleLogsInEveryProduct: examples/emulator/seed.json logs in on
// Backup for Microsoft 365 (all three login kinds), Veeam ONE and Service
// Provider Console.
func TestSeedExampleLogsInEveryProduct(t *testing.T) {
	seed, err := emulator.LoadSeed(exampleSeed)
	if err != nil {
		t.Fatal(err)
	}
	h := orchHarness(t, emulator.M365, func(o *emulator.Options) { o.Seed = seed })
	for _, c := range []struct {
		p    emulator.Product
		path string
		form url.Values
	}{
		{emulator.M365, "/v8/token", passwordForm("administrator", "Password1")},
		{emulator.M365, "/v8/token", url.Values{"grant_type": {"operator"}, "client_id": {"operator01.tenant01"}, "assertion": {"Operator-Assertion1"}}},
		{emulator.M365, "/v8/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "client_id": {"terraform-app"}, "assertion": {"App-Assertion1"}}},
		{emulator.ONE, "/api/token", passwordForm("administrator", "Password1")},
		{emulator.SPC, "/api/v3/token", passwordForm("administrator", "Password1")},
	} {
		h.h = h.e.Handler(c.p)
		if r := orchPost(h, c.path, c.form); r.Status != http.StatusOK {
			t.Errorf("%s %s: %d %s", c.p, c.form.Get("grant_type"), r.Status, r.Body)
		}
	}
}
