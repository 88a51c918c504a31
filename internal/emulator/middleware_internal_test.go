package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
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
