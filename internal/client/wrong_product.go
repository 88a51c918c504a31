package client

// Recognising an answer from the wrong server: a block pointed at another product's port gets
// that product's errors, which must not be reported as a bad API version or a bad password.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// answerFrom says whose error answer ct and body look like, in words ("Veeam Backup &
// Replication", "a web page (HTML)"); "" when the body says nothing (empty).
func answerFrom(ct string, body []byte) string {
	b := bytes.TrimSpace(body)
	lower := strings.ToLower(string(b[:min(len(b), 512)]))
	switch {
	case len(b) == 0:
		return ""
	case strings.Contains(strings.ToLower(ct), "html") || strings.HasPrefix(lower, "<!doctype") || strings.HasPrefix(lower, "<html"):
		return "a web page (HTML)"
	case b[0] == '<' && strings.Contains(lower, "http://www.veeam.com/ent/v1.0"):
		return EM.Title()
	case b[0] == '<':
		return "an XML service"
	case b[0] != '{':
		return "a service that is not a Veeam REST API"
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(b, &keys) != nil {
		return "a service that is not a Veeam REST API"
	}
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := keys[n]; !ok {
				return false
			}
		}
		return true
	}
	switch {
	case has("type", "title", "status", "errorCode"): // RFC 7807 problem, the required fields of AWS's Error
		return AWS.Title()
	case has("errorCode", "message"):
		return VBR.Title()
	case has("Message", "StatusCode"):
		return EM.Title()
	case has("error"):
		return "an OAuth 2.0 token service (such as Veeam Recovery Orchestrator or Availability Orchestrator)"
	}
	return "another JSON API"
}

// recognisable are the products whose error body is distinctive enough to tell from every other
// (Backup for AWS's required problem fields).
var recognisable = map[Product]bool{AWS: true}

// wrongProduct turns a failed login whose answer is not shaped like the product's own errors
// into a ConfigError on host (ReasonWrongProduct); nil otherwise.
func (s *Session) wrongProduct(err error) error {
	var apiErr *APIError
	if !recognisable[s.flavor.Product] || !errors.As(err, &apiErr) {
		return nil
	}
	own := s.flavor.Product.Title()
	like := answerFrom(apiErr.contentType, apiErr.body)
	if like == "" || like == own {
		return nil
	}
	return &ConfigError{Field: FieldHost, Reason: ReasonWrongProduct, Err: err,
		Detail: fmt.Sprintf("%s answers like %s, not like %s", s.baseURL.Host, like, own)}
}
