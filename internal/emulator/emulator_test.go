package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

func TestClock(t *testing.T) {
	c := emulator.NewClock(t0)
	if !c.Now().Equal(t0) {
		t.Fatalf("Now = %v", c.Now())
	}
	c.Advance(90 * time.Second)
	if want := t0.Add(90 * time.Second); !c.Now().Equal(want) {
		t.Fatalf("after Advance: %v, want %v", c.Now(), want)
	}
	rc := emulator.NewRealClock()
	rc.Advance(time.Hour)
	if d := time.Until(rc.Now()); d < 59*time.Minute || d > 61*time.Minute {
		t.Errorf("real clock offset = %v", d)
	}
	var zero emulator.Clock
	if d := time.Since(zero.Now()); d < -time.Minute || d > time.Minute {
		t.Errorf("zero Clock is not real time: %v", d)
	}
	e, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(e.Clock().Now()); d < -time.Minute || d > time.Minute {
		t.Errorf("default clock is not real time: %v", d)
	}
}

// TestAWSOverTLS drives the AWS product through emulatortest, over TLS.
func TestAWSOverTLS(t *testing.T) {
	s := emulatortest.Start(t, emulator.Options{})
	for _, p := range emulator.AllProducts() {
		if !strings.HasPrefix(s.URL[p], "https://127.0.0.1:") {
			t.Errorf("URL[%s] = %q", p, s.URL[p])
		}
	}
	if !strings.HasPrefix(s.CACertPEM, "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("CACertPEM = %q", s.CACertPEM)
	}
	c := s.HTTPClient()
	tok := tlsLogin(t, c, s.URL[emulator.AWS], "administrator", "Password1")
	if tok.Username != "administrator" {
		t.Errorf("token = %+v", tok)
	}
	// A client that does not trust the CA fails.
	if _, err := http.Get(s.URL[emulator.AWS] + "/api/v1/users"); err == nil {
		t.Error("default client trusted the test certificate")
	}
}

func tlsLogin(t testing.TB, c *http.Client, base, user, pw string) emulator.AWSToken {
	t.Helper()
	rq, _ := http.NewRequest("POST", base+"/api/v1/token", strings.NewReader(url.Values{"grant_type": {"password"}, "username": {user}, "password": {pw}}.Encode()))
	rq.Header.Set("x-api-version", "1.8-rev0")
	rq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r, err := c.Do(rq)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	defer r.Body.Close()
	if r.StatusCode != 200 {
		b, _ := io.ReadAll(r.Body)
		t.Fatalf("login: %d %s", r.StatusCode, b)
	}
	var tok emulator.AWSToken
	if err := json.NewDecoder(r.Body).Decode(&tok); err != nil {
		t.Fatal(err)
	}
	return tok
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func TestUnknownProductHandler(t *testing.T) {
	h := newHarness(t)
	h.h = h.e.Handler("nope")
	h.do(req{method: "GET", path: "/"}).want(404)
}
