package emulator_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

func TestFaults(t *testing.T) {
	h := newHarness(t, func(o *emulator.Options) { o.Faults.ServiceUnavailableRate = 1 })
	r := h.token(url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}})
	r.problem(503, emulator.CodeServiceUnavailable)
	if c := h.e.Counters(emulator.AWS); c.Status5xx != 1 {
		t.Errorf("counters = %+v", c)
	}

	s := emulatortest.Start(t, emulator.Options{Faults: emulator.Faults{DropRate: 1, Latency: 20 * time.Millisecond}})
	start := time.Now()
	rq, _ := http.NewRequest("GET", s.URL[emulator.AWS]+"/api/v1/users", nil)
	rq.Header.Set("x-api-version", "1.7-rev0")
	if r, err := s.HTTPClient().Do(rq); err == nil {
		r.Body.Close()
		t.Fatalf("dropped request answered %s", r.Status)
	}
	if time.Since(start) < 20*time.Millisecond {
		t.Error("latency was not applied")
	}
	if c := s.Emulator.Counters(emulator.AWS); c.Dropped == 0 || c.Status5xx != 0 {
		t.Errorf("counters = %+v", c)
	}
}
