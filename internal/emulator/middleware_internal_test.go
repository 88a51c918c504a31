package emulator

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestRecoverMiddleware(t *testing.T) {
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	h := e.middleware(AWS, mux)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	var p AWSProblem
	if rec.Code != 500 || json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.ErrorCode != "UnknownError" {
		t.Fatalf("panic answered %d %s", rec.Code, rec.Body)
	}
	if c := e.Counters(AWS); c.Status5xx != 1 || c.Endpoints["GET /boom"] != 1 {
		t.Errorf("counters = %+v", c)
	}
}

func TestPrune(t *testing.T) {
	clock := NewClock(testT0)
	e, err := New(Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	lt := e.Lifetimes(AWS)
	old, aerr := e.st.login(AWS, "administrator", clock.Now(), loginOpts{access: lt.AccessToken, refresh: lt.RefreshToken})
	if aerr != nil {
		t.Fatal(aerr)
	}
	e.st.putOnce(onceAuthCode, AWS, "code", "administrator", clock.Now().Add(lt.AuthorizationCode))
	clock.Advance(lt.RefreshToken + pruneGrace + 1)
	for range 1100 { // crosses the prune threshold
		if _, aerr := e.st.login(AWS, "operator", clock.Now(), loginOpts{access: lt.AccessToken, refresh: lt.RefreshToken}); aerr != nil {
			t.Fatal(aerr)
		}
	}
	e.st.mu.Lock()
	_, accessKept := e.st.tokens[hashToken(old.Access)]
	_, sessKept := e.st.sessions[old.SessionID]
	_, codeKept := e.st.once[hashToken("code")]
	e.st.mu.Unlock()
	if accessKept || sessKept || codeKept {
		t.Errorf("prune kept access=%v session=%v code=%v", accessKept, sessKept, codeKept)
	}
	if _, aerr := e.st.authenticate(AWS, old.Access, clock.Now()); aerr == nil || aerr.Code != CodeInvalidToken {
		t.Errorf("pruned token: %v", aerr)
	}
}

var testT0 = mustTime("2025-03-14T10:00:00Z")

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestErrorFormats(t *testing.T) {
	notImpl := &apiError{http.StatusNotImplemented, CodeNotImplemented, "not yet"}
	rec := httptest.NewRecorder()
	writeError(rec, httptest.NewRequest("GET", "/x", nil), VBR, notImpl)
	var v VBRError
	if rec.Code != 501 || json.Unmarshal(rec.Body.Bytes(), &v) != nil || v.ErrorCode != "NotImplemented" || v.Message != "not yet" {
		t.Errorf("VBR: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	writeError(rec, httptest.NewRequest("GET", "/api/", nil), EM, &apiError{http.StatusUnauthorized, CodeAccessDenied, "bad"})
	var x struct {
		XMLName    xml.Name
		StatusCode int    `xml:"StatusCode,attr"`
		Message    string `xml:"Message,attr"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &x); err != nil || x.XMLName.Local != "Error" || x.XMLName.Space != "http://www.veeam.com/ent/v1.0" || x.StatusCode != 401 || x.Message != "bad" {
		t.Errorf("EM XML: %s (%v)", rec.Body, err)
	}
	if rec.Header().Get("WWW-Authenticate") != "Basic Realm=RestSvc" {
		t.Errorf("EM WWW-Authenticate = %q", rec.Header().Get("WWW-Authenticate"))
	}
	rq := httptest.NewRequest("GET", "/api/", nil)
	rq.Header.Set("Accept", "application/json")
	rec = httptest.NewRecorder()
	writeError(rec, rq, EM, notImpl)
	var j map[string]any
	if json.Unmarshal(rec.Body.Bytes(), &j) != nil || j["StatusCode"] != 501.0 {
		t.Errorf("EM JSON: %s", rec.Body)
	}
}
