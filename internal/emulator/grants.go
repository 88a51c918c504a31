package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The token endpoints share these grant steps. A product passes its wire format (how it
// writes an error and a token answer) and keeps in its own file only the grants that are its
// own (AWS mfa, VBR vbr_token, …).

// tokenWire is a product's token-endpoint wire format.
type tokenWire struct {
	p     Product
	fail  func(w http.ResponseWriter, r *http.Request, err *apiError)
	write func(w http.ResponseWriter, tp tokenPair)
}

// jsonTokenWire answers errors in the product's error format and tokens as body(tp).
func jsonTokenWire[T any](p Product, body func(tokenPair) T) tokenWire {
	return tokenWire{
		p:     p,
		fail:  func(w http.ResponseWriter, r *http.Request, err *apiError) { writeError(w, r, p, err) },
		write: func(w http.ResponseWriter, tp tokenPair) { writeJSON(w, http.StatusOK, body(tp)) },
	}
}

// issue starts a session for name (a login) and answers with its tokens.
func (e *Emulator) issue(w http.ResponseWriter, r *http.Request, tw tokenWire, name string, now time.Time, o loginOpts) {
	tp, aerr := e.st.login(tw.p, name, now, o)
	if aerr != nil {
		tw.fail(w, r, aerr)
		return
	}
	infoOf(r).user = tp.UserName
	e.countEvent(tw.p, eventLogin)
	tw.write(w, tp)
}

// passwordGrant checks grant_type=password's fields and the password. On failure it has
// answered already; on success the product decides what the login yields (AWS: maybe an MFA
// step first).
func (e *Emulator) passwordGrant(w http.ResponseWriter, r *http.Request, tw tokenWire, form url.Values) (UserState, bool) {
	name, pw := form.Get("username"), form.Get("password")
	if name == "" || pw == "" {
		tw.fail(w, r, errBadRequest("username and password are required for grant_type=password"))
		return UserState{}, false
	}
	infoOf(r).user = name
	st, ok := e.st.checkPassword(tw.p, name, pw)
	if !ok {
		tw.fail(w, r, errAccessDenied("the user name or password is incorrect"))
		return UserState{}, false
	}
	return st, true
}

// grantRefresh answers grant_type=refresh_token; the refresh token is spent (rotation).
func (e *Emulator) grantRefresh(w http.ResponseWriter, r *http.Request, tw tokenWire, form url.Values, now time.Time, access time.Duration) {
	rt := plusFix(form.Get("refresh_token"))
	if rt == "" {
		tw.fail(w, r, errBadRequest("refresh_token is required for grant_type=refresh_token"))
		return
	}
	tp, aerr := e.st.refresh(tw.p, rt, now, access, nil)
	if aerr != nil {
		tw.fail(w, r, aerr)
		return
	}
	infoOf(r).user = tp.UserName
	e.countEvent(tw.p, eventRefresh)
	tw.write(w, tp)
}

// grantAuthorizationCode answers grant_type=authorization_code; the code is spent.
func (e *Emulator) grantAuthorizationCode(w http.ResponseWriter, r *http.Request, tw tokenWire, form url.Values, now time.Time, o loginOpts) {
	code := plusFix(form.Get("code"))
	if code == "" {
		tw.fail(w, r, errBadRequest("code is required for grant_type=authorization_code"))
		return
	}
	name, aerr := e.st.takeOnce(onceAuthCode, tw.p, code, now)
	if aerr != nil {
		tw.fail(w, r, aerr)
		return
	}
	e.issue(w, r, tw, name, now, o)
}

// newAuthorizationCode hands out a single-use authorization code for the caller's user.
func (e *Emulator) newAuthorizationCode(p Product, user string) string {
	code := authorizationCode()
	e.st.putOnce(onceAuthCode, p, code, user, e.clock.Now().Add(e.Lifetimes(p).AuthorizationCode))
	return code
}

// versioned wraps h with the x-api-version check of product p (AWS and VBR require the header
// on every request and answer 400 listing the supported versions otherwise).
func versioned(p Product, versions []string, h http.HandlerFunc) http.HandlerFunc {
	supported := strings.Join(versions, ", ")
	return func(w http.ResponseWriter, r *http.Request) {
		v := strings.TrimSpace(r.Header.Get("x-api-version"))
		if v == "" {
			writeError(w, r, p, errBadRequest("the x-api-version header is required; supported versions: "+supported))
			return
		}
		if !slices.Contains(versions, v) {
			writeError(w, r, p, errBadRequest(fmt.Sprintf("unsupported x-api-version %q; supported versions: %s", v, supported)))
			return
		}
		h(w, r)
	}
}

// bearerAuth authenticates the request's bearer token for product p, answering the failure in
// the product's error format.
func (e *Emulator) bearerAuth(w http.ResponseWriter, r *http.Request, p Product) (Principal, bool) {
	tok, ok := bearer(r)
	if !ok {
		writeError(w, r, p, errAccessDenied("an Authorization: Bearer <access_token> header is required"))
		return Principal{}, false
	}
	pr, aerr := e.st.authenticate(p, tok, e.clock.Now())
	if aerr != nil {
		writeError(w, r, p, aerr)
		return Principal{}, false
	}
	infoOf(r).user = pr.UserName
	return pr, true
}
