package client

// Logging out: the last call of a session, which must leave nothing open on the server even when
// the access token has expired or the answer is lost (design/sessions.md, design/retries.md).

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// LogoutUnconfirmedError is a logout the server refused with 401 although the token sent was
// fresh (just renewed, or well inside its lifetime): the session was most likely already ended
// (by a logout whose answer was lost and was resent, or by an administrator), but the server
// did not say so. Callers report it as a warning.
type LogoutUnconfirmedError struct {
	Product Product
	Err     error
}

func (e *LogoutUnconfirmedError) Error() string {
	return fmt.Sprintf("%s refused the logout of a token it had just accepted, so the session is most likely already closed: %v", e.Product.Title(), e.Err)
}

func (e *LogoutUnconfirmedError) Unwrap() error { return e.Err }

// Logout ends the session on the server. It is a no-op when the session never logged in. An
// access token that expired (or is about to) is refreshed first, so the logout is sent with a
// token the server accepts; when the refresh token is dead too, nothing is left open and
// Logout returns nil. An answer lost on the way back is resent once; a 401 to a fresh token is
// a *LogoutUnconfirmedError.
func (s *Session) Logout(ctx context.Context) error {
	s.mu.Lock()
	t := s.token
	s.token = nil
	s.mu.Unlock()
	if t == nil || s.flavor.Logout == nil {
		return nil
	}
	if !s.fresh(t) {
		nt, open, err := s.renewForLogout(ctx, t)
		if err != nil || !open {
			return err
		}
		t = nt
	}
	err := s.flavor.Logout(ctx, s, t)
	var apiErr *APIError
	if err != nil && (IsOutcomeUnknown(err) || !errors.As(err, &apiErr)) && ctx.Err() == nil {
		// The answer was lost (the transport already resent what it may): ask once more. A
		// session the first attempt ended answers 401 below.
		err = s.flavor.Logout(ctx, s, t)
	}
	if err != nil {
		if errors.As(err, &apiErr) && apiErr.Status == http.StatusUnauthorized {
			return &LogoutUnconfirmedError{Product: s.flavor.Product, Err: err}
		}
		return err
	}
	s.mu.Lock()
	s.stats.Logouts++
	s.mu.Unlock()
	return nil
}

// renewForLogout refreshes t, whose access token is stale, so that a logout can be sent with
// it. open is false when the server holds nothing that still works: the access token expired and
// the refresh token is missing, expired or rejected. It never logs in: a new session only to
// close it would spend a TOTP code or a single-use credential.
func (s *Session) renewForLogout(ctx context.Context, t *Token) (nt *Token, open bool, err error) {
	expired := !t.Expiry.IsZero() && !s.now().Before(t.Expiry)
	refreshable := t.RefreshToken != "" && s.flavor.Refresh != nil && (t.RefreshExpiry.IsZero() || s.now().Before(t.RefreshExpiry))
	switch {
	case !refreshable && expired:
		return nil, false, nil
	case !refreshable:
		return t, true, nil // about to expire, not yet expired: try it
	}
	nt, err = s.flavor.Refresh(ctx, s, t)
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) && (apiErr.Status == http.StatusBadRequest || apiErr.Status == http.StatusUnauthorized || apiErr.Status == http.StatusForbidden) {
			return nil, false, nil // the refresh token is dead: so is the session
		}
		return nil, true, fmt.Errorf("logging out of %s: the access token had expired and refreshing it to log out failed; the session ends on its own when its refresh token expires: %w", s.flavor.Product.Title(), err)
	}
	nt.Issued = s.now()
	s.mu.Lock()
	s.stats.Refreshes++
	s.mu.Unlock()
	return nt, true, nil
}
