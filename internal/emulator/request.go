package emulator

// Request parsing helpers shared by the product files.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// readForm reads an application/x-www-form-urlencoded body. A missing
// Content-Type is read as a form; any other type is rejected.
func readForm(r *http.Request) (url.Values, *apiError) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, errBadRequest("the body must be application/x-www-form-urlencoded")
		}
	}
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, errBadRequest("the request body could not be read (it may exceed 1 MiB)")
		}
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, errBadRequest("the body is not a valid form")
	}
	r.PostForm = form
	return form, nil
}

// readJSON decodes a JSON object body into v. emptyOK accepts an empty
// body (v keeps its zero value).
func readJSON(r *http.Request, v any, emptyOK bool) *apiError {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "text/json" && !strings.HasSuffix(mt, "+json")) {
			return errBadRequest("the body must be application/json")
		}
	}
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return errBadRequest("the request body could not be read (it may exceed 1 MiB)")
		}
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		if emptyOK {
			return nil
		}
		return errBadRequest("a JSON body is required")
	}
	if body[0] != '{' {
		return errBadRequest("the body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return errBadRequest("the body is not valid JSON for this request: " + err.Error())
	}
	if dec.More() {
		return errBadRequest("unexpected data after the JSON object")
	}
	return nil
}

// plusFix undoes form decoding of an unescaped '+' (the document's examples
// send base64 codes unescaped). Secrets the emulator issues contain no spaces.
func plusFix(v string) string { return strings.TrimSpace(strings.ReplaceAll(v, " ", "+")) }

// normGrant is the grant as counted: a known grant in lower case,
// "(none)" or "(other)".
func normGrant(g string, known []string) string {
	if g == "" {
		return "(none)"
	}
	if l := strings.ToLower(g); slices.Contains(known, l) {
		return l
	}
	return "(other)"
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	default:
		return 1
	}
}

// queryInt returns the non-negative integer parameter k, or -1 if absent.
func queryInt(q url.Values, k string) (int, error) {
	v, ok := q[k]
	if !ok || len(v) == 0 || v[0] == "" {
		return -1, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < 0 {
		return 0, errors.New("bad integer")
	}
	return n, nil
}

// validUserName rejects names the routes could not address.
func validUserName(n string) bool {
	if strings.TrimSpace(n) == "" || len(n) > 256 || strings.ContainsAny(n, "/\\?#%") {
		return false
	}
	for _, c := range n {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

// firstNonEmpty returns the first non-empty string.
func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// flexBool accepts a JSON boolean or the strings "true"/"false" (the
// document's enableMfa example sends {"recreate": "false"}).
func flexBool(raw json.RawMessage) (bool, bool) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return false, true
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, true
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		switch strings.ToLower(strings.TrimSpace(str)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// hostName is the request's host without port, used as the TOTP issuer.
func hostName(r *http.Request) string {
	h := r.Host
	if hh, _, err := net.SplitHostPort(h); err == nil {
		h = hh
	}
	h = strings.Trim(h, "[]")
	if h == "" {
		h = "localhost"
	}
	return h
}

// flexString accepts a JSON string or number (a code typed as 475112).
func flexString(raw json.RawMessage) (string, bool) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return "", true
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return strings.TrimSpace(str), true
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if v, err := n.Int64(); err == nil && v >= 0 {
			// A code sent as a number lost its leading zeros: pad it
			// back to the six digits an authenticator shows.
			s := n.String()
			if len(s) < 6 {
				s = strings.Repeat("0", 6-len(s)) + s
			}
			return s, true
		}
	}
	return "", false
}
