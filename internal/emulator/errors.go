package emulator

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// ErrorCode is the errorCode value of an error body. The set is the one the
// Backup for AWS and Backup & Replication specifications enumerate.
type ErrorCode string

// The documented error codes.
const (
	CodeAccessDenied       ErrorCode = "AccessDenied"
	CodeExpiredToken       ErrorCode = "ExpiredToken"
	CodeInvalidToken       ErrorCode = "InvalidToken"
	CodeInvalidURI         ErrorCode = "InvalidURI"
	CodeMethodNotAllowed   ErrorCode = "MethodNotAllowed"
	CodeNotFound           ErrorCode = "NotFound"
	CodeNotImplemented     ErrorCode = "NotImplemented"
	CodeServiceUnavailable ErrorCode = "ServiceUnavailable"
	CodeUnexpectedContent  ErrorCode = "UnexpectedContent"
	CodeUnknownError       ErrorCode = "UnknownError"
)

// apiError is an error a handler answers with; each product renders it in its
// own wire format (see writeError).
type apiError struct {
	Status int
	Code   ErrorCode
	Detail string
	// ProblemType, when set, names the Backup for AWS problem page of the
	// error (GET /api/v1/problems/<name>): its "type" URI.
	ProblemType string
	// Supported lists the revisions the server accepts, on an answer to a
	// missing or unsupported one (an extra field; see DECISIONS.md).
	Supported []string
}

func (a *apiError) Error() string { return string(a.Code) + ": " + a.Detail }

// errorOf makes the constructor of errors with one status and error code.
func errorOf(status int, code ErrorCode) func(detail string) *apiError {
	return func(detail string) *apiError { return &apiError{Status: status, Code: code, Detail: detail} }
}

// The errors handlers answer with, by meaning.
var (
	errBadRequest   = errorOf(http.StatusBadRequest, CodeUnexpectedContent)
	errAccessDenied = errorOf(http.StatusUnauthorized, CodeAccessDenied)
	errForbidden    = errorOf(http.StatusForbidden, CodeAccessDenied)
	errInvalidToken = errorOf(http.StatusUnauthorized, CodeInvalidToken)
	errExpiredToken = errorOf(http.StatusUnauthorized, CodeExpiredToken)
	errNotFound     = errorOf(http.StatusNotFound, CodeNotFound)
	errConflict     = errorOf(http.StatusConflict, CodeUnexpectedContent)
)

// fromCore is the answer to a domain error of package core: its kind
// decides the status and error code, its detail is kept. nil stays nil.
func fromCore(err error) *apiError {
	if err == nil {
		return nil
	}
	var ce *core.Error
	if !errors.As(err, &ce) {
		return &apiError{Status: http.StatusInternalServerError, Code: CodeUnknownError, Detail: err.Error()}
	}
	if mk, ok := fromKind[ce.Kind]; ok {
		return mk(ce.Detail)
	}
	return &apiError{Status: http.StatusInternalServerError, Code: CodeUnknownError, Detail: ce.Detail}
}

// fromKind gives each kind of domain error its status and error code.
var fromKind = map[core.Kind]func(detail string) *apiError{
	core.Invalid:      errBadRequest,
	core.Denied:       errAccessDenied,
	core.InvalidToken: errInvalidToken,
	core.Expired:      errExpiredToken,
	core.Forbidden:    errForbidden,
	core.NotFound:     errNotFound,
	core.Conflict:     errConflict,
}

// problemTypes maps a status to the RFC 7231 section URI that ASP.NET-style
// problem details use as "type".
var problemTypes = map[int]string{
	400: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
	401: "https://tools.ietf.org/html/rfc7235#section-3.1",
	403: "https://tools.ietf.org/html/rfc7231#section-6.5.3",
	404: "https://tools.ietf.org/html/rfc7231#section-6.5.4",
	405: "https://tools.ietf.org/html/rfc7231#section-6.5.5",
	409: "https://tools.ietf.org/html/rfc7231#section-6.5.8",
	413: "https://tools.ietf.org/html/rfc7231#section-6.5.11",
	500: "https://tools.ietf.org/html/rfc7231#section-6.6.1",
	501: "https://tools.ietf.org/html/rfc7231#section-6.6.2",
	503: "https://tools.ietf.org/html/rfc7231#section-6.6.4",
}

// problemType is the "type" of an RFC 7807 problem of status: its
// problemTypes URI, or about:blank.
func problemType(status int) string {
	if t, ok := problemTypes[status]; ok {
		return t
	}
	return "about:blank"
}

// writeProblem answers status with body, an RFC 7807 problem, as
// application/problem+json (Backup for AWS, Backup for Microsoft Azure,
// Backup for Google Cloud, Veeam ONE).
func writeProblem(w http.ResponseWriter, status int, body any) {
	writeJSONType(w, "application/problem+json; charset=utf-8", status, body)
}

// AWSProblem is the Backup for AWS error body (RFC 7807 style).
type AWSProblem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	ErrorCode string         `json:"errorCode"`
	Details   string         `json:"details"`
	Instance  string         `json:"instance"`
	Data      map[string]any `json:"data"`
	// SupportedVersions: as VBRError's.
	SupportedVersions []string `json:"supportedVersions,omitempty"`
}

// VBRError is the Backup & Replication error body.
type VBRError struct {
	ErrorCode  string `json:"errorCode"`
	Message    string `json:"message"`
	ResourceID string `json:"resourceId,omitempty"`
	// SupportedVersions is the emulator's extra field on an unsupported
	// x-api-version answer (the published body has none; DECISIONS.md).
	SupportedVersions []string `json:"supportedVersions,omitempty"`
}

// emError is the Enterprise Manager Error element (RestAPI.xsd ErrorType:
// Message, StatusCode and Status, all required), XML by default, JSON when
// the client accepts only JSON (that rendering is inferred).
type emError struct {
	XMLName    xml.Name `xml:"http://www.veeam.com/ent/v1.0 Error" json:"-"`
	Message    string   `xml:"Message,attr" json:"Message"`
	StatusCode int      `xml:"StatusCode,attr" json:"StatusCode"`
	Status     string   `xml:"Status,attr" json:"Status"`
}

// emStatusName is the Status attribute of an Error: the name of the .NET
// HttpStatusCode member ("NotFound", "RequestEntityTooLarge"), which is
// the status's reason phrase without spaces, except for 413 (inferred:
// the XSD types it as a string and shows no value).
func emStatusName(status int) string {
	if status == http.StatusRequestEntityTooLarge {
		return "RequestEntityTooLarge"
	}
	return strings.NewReplacer(" ", "", "-", "").Replace(http.StatusText(status))
}

// writeError renders err in p's wire format (its productWire.errorBody; an
// unknown product gets Backup & Replication's). A refused bearer token also
// gets the RFC 6750 challenge, where the product uses bearer tokens.
func writeError(w http.ResponseWriter, r *http.Request, p Product, err *apiError) {
	wire, ok := wires[p]
	if !ok {
		wire = wires[VBR]
	}
	if !wire.sessionIDs && err.Status == http.StatusUnauthorized && (err.Code == CodeInvalidToken || err.Code == CodeExpiredToken) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	wire.errorBody(w, r, err)
}

// awsErrorBody is the Backup for AWS error body: problem+json.
func awsErrorBody(w http.ResponseWriter, r *http.Request, err *apiError) {
	typ := problemType(err.Status)
	if err.ProblemType != "" {
		typ = requestBase(r) + "/api/v1/problems/" + err.ProblemType
	}
	writeProblem(w, err.Status, AWSProblem{
		Type:      typ,
		Title:     http.StatusText(err.Status),
		Status:    err.Status,
		ErrorCode: string(err.Code),
		Details:   err.Detail,
		Instance:  r.URL.Path,
		Data:      map[string]any{},

		SupportedVersions: err.Supported,
	})
}

// vbrErrorBody is the Backup & Replication error body.
func vbrErrorBody(w http.ResponseWriter, _ *http.Request, err *apiError) {
	writeJSON(w, err.Status, VBRError{ErrorCode: string(err.Code), Message: err.Detail, SupportedVersions: err.Supported})
}

// emErrorBody is the Enterprise Manager Error element (JSON when the client
// accepts only JSON), with a Basic challenge on 401.
func emErrorBody(w http.ResponseWriter, r *http.Request, err *apiError) {
	if err.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", "Basic Realm=RestSvc")
	}
	body := emError{Message: err.Detail, StatusCode: err.Status, Status: emStatusName(err.Status)}
	if wantsJSON(r) {
		writeJSON(w, err.Status, body)
		return
	}
	out, _ := xml.Marshal(body)
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(xml.Header)+len(out)))
	w.WriteHeader(err.Status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}

// wantsJSON reports whether the request's Accept header prefers JSON over XML.
func wantsJSON(r *http.Request) bool {
	a := strings.ToLower(r.Header.Get("Accept"))
	return strings.Contains(a, "json") && !strings.Contains(a, "xml")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	writeJSONType(w, "application/json; charset=utf-8", status, v)
}

func writeJSONType(w http.ResponseWriter, contentType string, status int, v any) {
	out, err := json.Marshal(v)
	if err != nil { // only for values the emulator builds itself: a bug
		status = http.StatusInternalServerError
		out = []byte(`{"errorCode":"UnknownError","message":"response encoding failed"}`)
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// ProblemDetails is the ASP.NET problem-details body of Backup for
// Microsoft Azure (ProblemDetails400 … 415 of its 8.1 specification) and
// Backup for Google Cloud.
type ProblemDetails struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
	TraceID  string `json:"traceId"`
}

// problemDetailsBody writes err as application/problem+json.
func problemDetailsBody(w http.ResponseWriter, r *http.Request, err *apiError) {
	writeProblem(w, err.Status, ProblemDetails{
		Type: problemType(err.Status), Title: http.StatusText(err.Status), Status: err.Status, Detail: err.Detail,
		Instance: r.URL.Path, TraceID: "00-" + core.RandomHex(16) + "-" + core.RandomHex(8) + "-00",
	})
}
