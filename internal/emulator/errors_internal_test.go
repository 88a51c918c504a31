package emulator

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestErrorFormats(t *testing.T) {
	notImpl := &apiError{Status: http.StatusNotImplemented, Code: CodeNotImplemented, Detail: "not yet"}
	rec := httptest.NewRecorder()
	writeError(rec, httptest.NewRequest("GET", "/x", nil), VBR, notImpl)
	var v VBRError
	if rec.Code != 501 || json.Unmarshal(rec.Body.Bytes(), &v) != nil || v.ErrorCode != "NotImplemented" || v.Message != "not yet" {
		t.Errorf("VBR: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	writeError(rec, httptest.NewRequest("GET", "/api/", nil), EM, &apiError{Status: http.StatusUnauthorized, Code: CodeAccessDenied, Detail: "bad"})
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
