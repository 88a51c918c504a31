package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// stateUsers reads the product's accounts from a state file: case-folded
// name → MFA on.
func stateUsers(t testing.TB, path string, p emulator.Product) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("read state: %v", err)
		return nil
	}
	var sf struct {
		Users map[emulator.Product]map[string]struct {
			MFA *struct {
				Secret string `json:"secret"`
			} `json:"mfa"`
		} `json:"users"`
	}
	if err := json.Unmarshal(b, &sf); err != nil {
		t.Errorf("parse state: %v", err)
		return nil
	}
	out := map[string]bool{}
	for k, u := range sf.Users[p] {
		out[k] = u.MFA != nil
	}
	return out
}

// ackRecorder looks at the state file at the moment the status line is
// written, i.e. when the client could first see the acknowledgement.
type ackRecorder struct {
	*httptest.ResponseRecorder
	onHeader func()
	once     sync.Once
}

func (a *ackRecorder) WriteHeader(code int) {
	a.once.Do(a.onHeader)
	a.ResponseRecorder.WriteHeader(code)
}

func (a *ackRecorder) Write(b []byte) (int, error) {
	a.once.Do(a.onHeader)
	return a.ResponseRecorder.Write(b)
}

// TestStateSavedBeforeAcknowledgement: with Options.StatePath, a change is in
// the state file before the first byte of its answer is written, also when
// many requests change accounts at once (one request's change may be written
// by another request's save, which must then be finished first).
func TestStateSavedBeforeAcknowledgement(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, func(o *emulator.Options) { o.StatePath = path })
	admin := h.adminToken()
	const n = 24
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("acked%02d", i)
			r := httptest.NewRequest("POST", "/api/v1/users", strings.NewReader(`{"name":"`+name+`","password":"Password1"}`))
			r.Header.Set("x-api-version", apiVersion)
			r.Header.Set("Authorization", "Bearer "+admin)
			r.Header.Set("Content-Type", "application/json")
			var inFile bool
			rec := &ackRecorder{ResponseRecorder: httptest.NewRecorder()}
			rec.onHeader = func() { _, inFile = stateUsers(t, path, emulator.AWS)[name] }
			h.h.ServeHTTP(rec, r)
			if rec.Code != http.StatusCreated {
				t.Errorf("%s: status %d: %s", name, rec.Code, rec.Body)
				return
			}
			if !inFile {
				t.Errorf("%s was acknowledged before it reached the state file", name)
			}
		}()
	}
	wg.Wait()

	// MFA enrollment and a scratch-code login (which spends the code) too.
	en := decode[emulator.AWSEnableMFA](h.api("POST", "/api/v1/users/acked00/enableMfa", admin, `{"recreate":"false"}`).want(200))
	r := httptest.NewRequest("POST", "/api/v1/users/acked00/acceptMfa",
		strings.NewReader(`{"code":"`+totpAt(t, en.SecretKey, h.clock.Now())+`","token":"`+en.Token+`"}`))
	r.Header.Set("x-api-version", apiVersion)
	r.Header.Set("Authorization", "Bearer "+admin)
	r.Header.Set("Content-Type", "application/json")
	var mfaOn bool
	rec := &ackRecorder{ResponseRecorder: httptest.NewRecorder()}
	rec.onHeader = func() { mfaOn = stateUsers(t, path, emulator.AWS)["acked00"] }
	h.h.ServeHTTP(rec, r)
	if rec.Code != http.StatusCreated || !mfaOn {
		t.Fatalf("acceptMfa: status %d, MFA in the state file when answered: %v", rec.Code, mfaOn)
	}
	step1 := h.token(url.Values{"grant_type": {"password"}, "username": {"acked00"}, "password": {"Password1"}}).want(200)
	mt := decode[emulator.AWSMFARequired](step1).MFAToken
	h.token(url.Values{"grant_type": {"mfa"}, "mfa_token": {mt}, "mfa_code": {en.ScratchCodes[0]}}).want(200)
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), en.ScratchCodes[0]) {
		t.Error("the spent scratch code is still in the state file after the login was answered")
	}
}

// TestStateWriteIsAtomicAndPrivate: the state file is replaced, never
// half-written (no temporary file is left), and readable by its owner only.
func TestStateWriteIsAtomicAndPrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	h := newHarness(t, func(o *emulator.Options) { o.StatePath = path })
	admin := h.adminToken()
	for i := range 5 {
		h.api("POST", "/api/v1/users", admin, map[string]string{"name": fmt.Sprintf("u%d", i), "password": "Password1"}).want(201)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only state.json", names)
	}
	// A state directory that disappears is logged, not a failed request.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	h.api("POST", "/api/v1/users", admin, map[string]string{"name": "lost", "password": "Password1"}).want(201)
	if err := h.e.Close(); err == nil {
		t.Error("Close saved into a removed directory")
	}
}

func TestStatePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, func(o *emulator.Options) { o.StatePath = path })
	admin := h.adminToken()
	h.api("POST", "/api/v1/users", admin, map[string]string{"name": "kept", "password": "Password1"}).want(201)
	en := decode[emulator.AWSEnableMFA](h.api("POST", "/api/v1/users/kept/enableMfa", admin, `{}`).want(200))
	h.api("POST", "/api/v1/users/kept/acceptMfa", admin, map[string]string{"code": totpAt(t, en.SecretKey, h.clock.Now()), "token": en.Token}).want(201)
	if err := h.e.Close(); err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t, func(o *emulator.Options) { o.StatePath = path })
	st, ok := h2.e.AWSUser("kept")
	if !ok || !st.MFAEnabled || st.MFASecret != en.SecretKey {
		t.Fatalf("reloaded = %+v %v", st, ok)
	}
	mfaGrant(h2, mfaToken(t, h2, "kept"), en.ScratchCodes[0]).want(200)
	// Tokens are not persisted.
	h2.api("GET", "/api/v1/users", admin, nil).problem(401, emulator.CodeInvalidToken)

	// A corrupt or foreign state file is an error, not a silent reseed.
	for _, content := range []string{"{", `{"version":7}`, `{"version":1,"users":{"zz":{}}}`} {
		bad := filepath.Join(t.TempDir(), "bad.json")
		if err := os.WriteFile(bad, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := emulator.New(emulator.Options{StatePath: bad}); err == nil {
			t.Errorf("New accepted state %q", content)
		}
	}
}
