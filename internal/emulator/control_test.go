package emulator_test

import (
	"encoding/json"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

func TestControlAPI(t *testing.T) {
	h := newHarness(t, func(o *emulator.Options) { o.Control = true })
	ctl := func(method, path, body string) map[string]any {
		t.Helper()
		r := h.do(req{method: method, path: path, body: body, noVersion: true})
		var m map[string]any
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
		}
		m["_status"] = float64(r.Status)
		return m
	}
	if m := ctl("POST", "/emulator/clock/advance?seconds=90", ""); m["now"] != "2025-03-14T10:01:30Z" {
		t.Errorf("advance = %v", m)
	}
	if m := ctl("GET", "/emulator/clock", ""); m["now"] != "2025-03-14T10:01:30Z" {
		t.Errorf("clock = %v", m)
	}
	if m := ctl("POST", "/emulator/clock/advance?seconds=x", ""); m["_status"] != 400.0 {
		t.Errorf("bad advance = %v", m)
	}
	h.login("administrator", "Password1")
	if m := ctl("GET", "/emulator/counters?product=aws", ""); m["logins"] != 1.0 {
		t.Errorf("counters = %v", m)
	}
	all := ctl("GET", "/emulator/counters", "")
	if aws, ok := all["aws"].(map[string]any); !ok || aws["logins"] != 1.0 || all["vbr"] == nil {
		t.Errorf("all counters = %v", all)
	}
	if m := ctl("POST", "/emulator/users?product=aws", `{"name":"ctl","password":"pw","mfaSecret":"`+mfaSecret+`"}`); m["_status"] != 201.0 || m["mfaEnabled"] != true {
		t.Errorf("add user = %v", m)
	}
	if m := ctl("GET", "/emulator/users/aws/ctl", ""); m["mfaSecret"] != mfaSecret {
		t.Errorf("get user = %v", m)
	}
	if m := ctl("GET", "/emulator/totp?user=ctl", ""); m["code"] != totpAt(t, mfaSecret, h.clock.Now()) {
		t.Errorf("totp = %v", m)
	}
	if m := ctl("GET", "/emulator/sessions?product=aws", ""); m["count"] != 1.0 {
		t.Errorf("sessions = %v", m)
	}
	if m := ctl("POST", "/emulator/reset", ""); m["reset"] != true {
		t.Errorf("reset = %v", m)
	}
	if _, ok := h.e.AWSUser("ctl"); ok {
		t.Error("reset kept an added user")
	}
	if c := h.e.Counters(emulator.AWS); c.Logins != 0 || len(c.Endpoints) != 0 {
		t.Errorf("counters after reset = %+v", c)
	}
	if m := ctl("GET", "/emulator/nothing", ""); m["_status"] != 404.0 {
		t.Errorf("unknown = %v", m)
	}
	// Without Control the paths are ordinary (unversioned → 400) AWS paths.
	h2 := newHarness(t)
	h2.do(req{method: "POST", path: "/emulator/reset", noVersion: true}).problem(400, emulator.CodeUnexpectedContent)
}
