package emulator

// Request parsing helpers shared by the product files.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is the one place request bodies are read (readBody, and
// readForm, readMultipartForm and readJSON on top of it): the size limit,
// UTF-8 and one-JSON-value rules are applied here for every product.

// maxBody is the largest request body the emulator reads, and drainBody how
// much of a larger one it reads and discards before answering 413, so that a
// client still sending its body receives the answer instead of a reset
// connection.
const (
	maxBody   = 1 << 20
	drainBody = 32 << 20
)

// errBodyTooLarge is the read error of a body beyond maxBody.
var errBodyTooLarge = errors.New("request body too large")

// limitedBody is a request body that fails with errBodyTooLarge after
// maxBody bytes (the middleware installs it on every request).
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly maxBody from a longer one.
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, errBodyTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// errTooLarge is the 413 answer to a body beyond maxBody.
func errTooLarge() *apiError {
	return &apiError{Status: http.StatusRequestEntityTooLarge, Code: CodeUnexpectedContent, Detail: "the request body exceeds 1 MiB"}
}

// readBody reads the request body (nil: empty). A body beyond maxBody is
// drained (up to drainBody) and answered 413.
func readBody(r *http.Request) ([]byte, *apiError) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(r.Body)
	if errors.Is(err, errBodyTooLarge) {
		drain(r)
		return nil, errTooLarge()
	}
	if err != nil {
		return nil, errBadRequest("the request body could not be read")
	}
	return body, nil
}

// drain reads what is left of a request body, the part beyond maxBody
// included (up to drainBody), so the connection stays usable.
func drain(r *http.Request) {
	if r.Body == nil {
		return
	}
	if lb, ok := r.Body.(*limitedBody); ok {
		_, _ = io.Copy(io.Discard, io.LimitReader(lb.rc, drainBody))
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
}

// checkForm refuses a form whose names or values are not valid UTF-8 once
// decoded (a user name such as "%ff" would be stored otherwise).
func checkForm(form url.Values) *apiError {
	for k, vs := range form {
		if !utf8.ValidString(k) || slices.ContainsFunc(vs, func(v string) bool { return !utf8.ValidString(v) }) {
			return errBadRequest("form field names and values must be valid UTF-8")
		}
	}
	return nil
}

// readForm reads an application/x-www-form-urlencoded body. A missing
// Content-Type is read as a form; any other type is rejected.
func readForm(r *http.Request) (url.Values, *apiError) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			drain(r)
			return nil, errBadRequest("the body must be application/x-www-form-urlencoded")
		}
	}
	body, aerr := readBody(r)
	if aerr != nil {
		return nil, aerr
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, errBadRequest("the body is not a valid form")
	}
	if aerr := checkForm(form); aerr != nil {
		return nil, aerr
	}
	r.PostForm = form
	return form, nil
}

// readMultipartForm reads a multipart/form-data body with the given
// boundary: its fields (files are refused).
func readMultipartForm(r *http.Request, boundary string) (url.Values, *apiError) {
	body, aerr := readBody(r)
	if aerr != nil {
		return nil, aerr
	}
	mf, err := multipart.NewReader(bytes.NewReader(body), boundary).ReadForm(maxBody)
	if err != nil || boundary == "" {
		return nil, errBadRequest("the multipart/form-data body could not be read")
	}
	defer func() { _ = mf.RemoveAll() }()
	if len(mf.File) > 0 {
		return nil, errBadRequest("the multipart/form-data body must hold fields only, no files")
	}
	form := url.Values(mf.Value)
	if aerr := checkForm(form); aerr != nil {
		return nil, aerr
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
			drain(r)
			return errBadRequest("the body must be application/json")
		}
	}
	body, aerr := readBody(r)
	if aerr != nil {
		return aerr
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
	if !utf8.Valid(body) {
		return errBadRequest("the body is not valid UTF-8")
	}
	// Unknown members are ignored: no request schema of the specifications
	// in scope closes its object (DECISIONS.md).
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return errBadRequest("the body is not valid JSON for this request: " + err.Error())
	}
	if rest := bytes.TrimSpace(body[dec.InputOffset():]); len(rest) > 0 {
		return errBadRequest("unexpected data after the JSON object: exactly one JSON value is allowed")
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
	if strings.TrimSpace(n) == "" || len(n) > 256 || !utf8.ValidString(n) || strings.ContainsAny(n, "/\\?#%") {
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
