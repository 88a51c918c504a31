package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is the one error type every product's failures are decoded into.
type APIError struct {
	Product   Product
	Method    string
	Path      string
	Status    int
	ErrorCode string // the product's errorCode (AccessDenied, NotFound, ...) when it sends one
	Message   string

	// contentType and body are the raw answer (at most 4 KiB), to tell whose answer it is
	// (wrong_product.go); never printed.
	contentType string
	body        []byte
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s: %d %s", e.Product.Title(), e.Method, e.Path, e.Status, http.StatusText(e.Status))
	if e.ErrorCode != "" {
		fmt.Fprintf(&b, " (%s)", e.ErrorCode)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	return b.String()
}

// IsAuthenticationFailed reports whether err means the server rejected the credentials: a 401,
// or the OAuth 2.0 answers for bad credentials (400 invalid_grant, 401 invalid_client) that the
// orchestrators send.
func IsAuthenticationFailed(err error) bool {
	var e *APIError
	if !errors.As(err, &e) {
		return false
	}
	return e.Status == http.StatusUnauthorized ||
		(e.Status == http.StatusBadRequest && (e.ErrorCode == "invalid_grant" || e.ErrorCode == "invalid_client"))
}

// IsForbidden reports whether err means the credentials are valid but lack a permission.
func IsForbidden(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == http.StatusForbidden
}

// IsNotFound reports whether err is the server saying the object does not exist.
func IsNotFound(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// IsBadRequest reports whether err is the server refusing a request as malformed or invalid.
func IsBadRequest(err error) bool { return hasStatus(err, http.StatusBadRequest) }

// IsConflict reports whether err is the server refusing a change that clashes with current state.
func IsConflict(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == http.StatusConflict
}

// IsOldPasswordRequired reports whether err is the server refusing a password change because
// the current password (oldPassword) was missing or wrong.
func IsOldPasswordRequired(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == http.StatusBadRequest && (strings.Contains(e.Message, "oldPassword") || strings.Contains(e.ErrorCode, "oldPassword"))
}

// hasStatus reports whether err is an APIError with one of statuses.
func hasStatus(err error, statuses ...int) bool {
	var e *APIError
	if !errors.As(err, &e) {
		return false
	}
	for _, s := range statuses {
		if e.Status == s {
			return true
		}
	}
	return false
}

// OutcomeUnknownError is a change whose answer was lost after it was sent (a connection lost,
// or a gateway's 502 or 504) and that is not safe to resend: the server may or may not have
// carried it out. The caller reads the object to learn which (design/retries.md).
type OutcomeUnknownError struct {
	Product      Product
	Method, Path string
	Err          error
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("%s: %s %s: the answer was lost, so it is not known whether the server carried it out (not resent, since sending it twice is not safe): %v",
		e.Product.Title(), e.Method, e.Path, e.Err)
}

func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// IsOutcomeUnknown reports whether err is a change whose answer was lost (*OutcomeUnknownError).
func IsOutcomeUnknown(err error) bool {
	var e *OutcomeUnknownError
	return errors.As(err, &e)
}
