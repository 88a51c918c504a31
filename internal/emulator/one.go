package emulator

// Veeam ONE (REST API reference, build 13): POST /api/token takes a form
// with the password or refresh_token grant and answers the token with the
// user and the user's role; POST /api/revoke with a token in the form logs
// it out (200). Failures are RFC 7807 problem details; the token endpoint's
// only documented failure status is 400.

import (
	"net/http"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// oneWire is Veeam ONE as the emulator serves it. Access tokens: 15
// minutes (the reference's sample answers expires_in 899); refresh tokens:
// chosen.
var oneWire = productWire{routes: (*Emulator).oneRoutes, errorBody: oneErrorBody, lifetimes: lifetimes(15*time.Minute, 24*time.Hour)}

// OneToken is the answer of POST /api/token.
type OneToken struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	User         string `json:"user"`
	UserRole     string `json:"user_role"`
}

// OneProblem is Veeam ONE's error body (RFC 7807 problem details).
type OneProblem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
}

func (e *Emulator) oneRoutes(mux *http.ServeMux) {
	rt := newRouter(mux, ONE, nil)
	rt.handle("POST", "/api/token", e.tokenHandler(oneTokens))
	rt.handle("POST", "/api/revoke", e.oneRevoke)
	rt.finish()
	mux.HandleFunc("/", notFound(ONE))
}

// oneTokens is POST /api/token: the password and refresh_token grants;
// every failure is answered 400 (oneTokenErrors).
var oneTokens = tokenEndpoint{product: ONE, grants: passwordAndRefresh(passwordRules{}), fail: oneTokenErrors,
	write: writeOneToken}

// oneRevoke serves POST /api/revoke: the form's token (any access token of
// a session) is logged out; without one, the caller's own session. UserSid,
// which logs out every session of a Windows account, is not modelled.
func (e *Emulator) oneRevoke(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.authenticate(w, r, bearerScheme(ONE, "Bearer"))
	if !ok {
		return
	}
	form, aerr := readForm(r)
	if aerr != nil {
		writeError(w, r, ONE, aerr)
		return
	}
	switch tok := plusFix(form.Get("token")); {
	case form.Get("UserSid") != "":
		writeError(w, r, ONE, &apiError{Status: http.StatusNotImplemented, Code: CodeNotImplemented, Detail: "the emulator does not model UserSid: send token"})
		return
	case tok != "":
		if err := e.st.Logout(ONE, tok, e.clock.Now()); err != nil {
			aerr := fromCore(err)
			aerr.Status = http.StatusBadRequest
			writeError(w, r, ONE, aerr)
			return
		}
	default:
		e.st.EndSession(ONE, pr.SessionID)
	}
	w.WriteHeader(http.StatusOK)
}

func writeOneToken(w http.ResponseWriter, _ *http.Request, tp core.Tokens) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, OneToken{
		AccessToken: tp.Access, RefreshToken: tp.Refresh, TokenType: "Bearer", ExpiresIn: expiresIn(tp),
		User: tp.UserName, UserRole: tp.Role,
	})
}

// oneTokenErrors answers every failed token request 400, the one failure
// status the reference lists.
func oneTokenErrors(w http.ResponseWriter, r *http.Request, p Product, _ failure, err *apiError) {
	writeError(w, r, p, &apiError{Status: http.StatusBadRequest, Code: err.Code, Detail: err.Detail})
}

// oneErrorBody renders err as problem details; a status without a
// problemTypes URI keeps an empty type (not about:blank).
func oneErrorBody(w http.ResponseWriter, r *http.Request, err *apiError) {
	writeProblem(w, err.Status, OneProblem{
		Type: problemTypes[err.Status], Title: http.StatusText(err.Status), Status: err.Status,
		Detail: err.Detail, Instance: r.URL.Path,
	})
}
