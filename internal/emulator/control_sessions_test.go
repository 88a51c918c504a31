package emulator_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// TestOpenSessions: the Go API and the control API count the sessions a client left open per
// product, and SessionOf names the session an access token belongs to until it is logged out.
func TestOpenSessions(t *testing.T) {
	h := newHarness(t, func(o *emulator.Options) { o.Control = true })
	a := h.login("administrator", "Password1")
	b := h.login("administrator", "Password1")
	if got := h.e.OpenSessions(); got[emulator.AWS] != 2 || got[emulator.VBR] != 0 {
		t.Fatalf("OpenSessions = %v, want aws 2, vbr 0", got)
	}
	idA, okA := h.e.SessionOf(emulator.AWS, a.AccessToken)
	idB, okB := h.e.SessionOf(emulator.AWS, b.AccessToken)
	if !okA || !okB || idA == idB || idA == "" {
		t.Fatalf("SessionOf = %q %v, %q %v: want two different sessions", idA, okA, idB, okB)
	}
	r := h.do(req{method: http.MethodGet, path: "/emulator/sessions?product=all", noVersion: true})
	var all map[string]int
	if err := json.Unmarshal(r.Body, &all); err != nil || all["aws"] != 2 || all["vbr"] != 0 {
		t.Fatalf("GET /emulator/sessions?product=all = %d %s", r.Status, r.Body)
	}
	h.do(req{method: http.MethodDelete, path: "/api/v1/token", token: a.AccessToken}).want(http.StatusNoContent)
	if got := h.e.OpenSessions()[emulator.AWS]; got != 1 {
		t.Errorf("after one logout: %d open, want 1", got)
	}
	if _, ok := h.e.SessionOf(emulator.AWS, a.AccessToken); ok {
		t.Error("SessionOf names a session that was logged out")
	}
}
