package emulator

// Veeam Service Provider Console, REST API v3 (9.1 reference): POST
// /api/v3/token takes the password or refresh_token grant (the documents
// show multipart/form-data, the 9.1 specification a urlencoded form: both
// are read) and answers OAuth2Result, or OAuth2Error on a failure. DELETE
// /api/v3/users/{userId}/tokens revokes every token of the user (200
// {"data": true}); GET /api/v3/users/me tells a session its userId. Other
// failures are ErrorResponse. Requests may carry X-Client-Version.

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// spcWire is Service Provider Console as the emulator serves it. Access
// tokens: 1 hour (documented); refresh tokens: chosen.
var spcWire = productWire{routes: (*Emulator).spcRoutes, errorBody: spcErrorBody, lifetimes: lifetimes(time.Hour, 24*time.Hour)}

// SPCToken is OAuth2Result, the answer of POST /api/v3/token.
type SPCToken struct {
	AccessToken   string  `json:"access_token"`
	TokenType     string  `json:"token_type"`
	RefreshToken  string  `json:"refresh_token"`
	MFAToken      *string `json:"mfa_token"`
	EncryptedCode *string `json:"encrypted_code"`
	ExpiresIn     int64   `json:"expires_in"`
}

// SPCUser is the part of User that GET /api/v3/users/me answers here.
type SPCUser struct {
	InstanceUID string `json:"instanceUid"`
	UserName    string `json:"userName"`
	Role        string `json:"role"`
	Status      string `json:"status"`
}

// SPCResponse is the envelope of v3 answers: data and meta.
type SPCResponse struct {
	Data any `json:"data"`
	Meta any `json:"meta"`
}

// SPCErrorResponse is ErrorResponse, the body of a failure.
type SPCErrorResponse struct {
	Errors []SPCAPIError `json:"errors"`
}

// SPCAPIError is ResponseError. Type is logical, retryableLogical,
// security, transport or unspecified.
type SPCAPIError struct {
	Message string `json:"message"`
	Type    string `json:"type"`
	Code    int    `json:"code"`
}

// spcClientVersion is the form of an X-Client-Version value: 3.0 … 3.6.1.
var spcClientVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`)

func (e *Emulator) spcRoutes(mux *http.ServeMux) {
	rt := newRouter(mux, SPC, spcClientVersioned)
	rt.handle("POST", "/api/v3/token", e.tokenHandler(spcTokens))
	rt.handle("GET", "/api/v3/users/me", e.spcCurrentUser)
	rt.handle("DELETE", "/api/v3/users/{userId}/tokens", e.spcRevokeTokens)
	rt.finish()
	mux.HandleFunc("/", notFound(SPC))
}

// spcTokens is POST /api/v3/token: the password and refresh_token grants,
// the body a urlencoded or a multipart form; failures are OAuth2Error.
var spcTokens = tokenEndpoint{product: SPC, grants: passwordAndRefresh(passwordRules{}), readForm: orchestratorForm,
	fail: oauthErrors, write: writeSPCToken}

// spcClientVersioned refuses a malformed X-Client-Version; an absent one is
// fine (the header only asks for enum values the client knows).
func spcClientVersioned(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("X-Client-Version"); v != "" && !spcClientVersion.MatchString(strings.TrimSpace(v)) {
			writeError(w, r, SPC, errBadRequest(fmt.Sprintf("X-Client-Version %q is not a REST API version such as 3.6", v)))
			return
		}
		h(w, r)
	}
}

// SPCUserUID is the userId (instanceUid) of the account called name: a
// UUID derived from the name, so it is stable across restarts.
func SPCUserUID(name string) string {
	h := sha256.Sum256([]byte("spc-user:" + core.UserKey(name)))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func (e *Emulator) spcAuth(w http.ResponseWriter, r *http.Request) (Principal, bool) {
	return e.authenticate(w, r, bearerScheme(SPC, "Bearer"))
}

// spcCurrentUser serves GET /api/v3/users/me.
func (e *Emulator) spcCurrentUser(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.spcAuth(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, SPCResponse{Data: SPCUser{
		InstanceUID: SPCUserUID(pr.UserName), UserName: pr.UserName, Role: pr.Role, Status: "Enabled",
	}})
}

// spcRevokeTokens serves DELETE /api/v3/users/{userId}/tokens: every
// session of the user ends. A session may revoke only its own user's tokens;
// userLoginId (one identity of the user) is not modelled.
func (e *Emulator) spcRevokeTokens(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.spcAuth(w, r)
	if !ok {
		return
	}
	switch {
	case r.URL.Query().Has("userLoginId"):
		writeError(w, r, SPC, &apiError{Status: http.StatusNotImplemented, Code: CodeNotImplemented, Detail: "the emulator does not model userLoginId: leave it out to revoke every token of the user"})
		return
	case !strings.EqualFold(r.PathValue("userId"), SPCUserUID(pr.UserName)):
		writeError(w, r, SPC, errForbidden("a session may revoke only the tokens of its own user ("+SPCUserUID(pr.UserName)+")"))
		return
	}
	for _, s := range e.st.LiveSessions(SPC, e.clock.Now()) {
		if s.Is(pr.UserName) {
			e.st.EndSession(SPC, s.SessionID)
		}
	}
	writeJSON(w, http.StatusOK, SPCResponse{Data: true})
}

func writeSPCToken(w http.ResponseWriter, _ *http.Request, tp core.Tokens) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, SPCToken{
		AccessToken: tp.Access, TokenType: "bearer", RefreshToken: tp.Refresh, ExpiresIn: expiresIn(tp),
	})
}

// spcErrorBody renders err as ErrorResponse; code is the HTTP status (the
// specification names no codes).
func spcErrorBody(w http.ResponseWriter, _ *http.Request, err *apiError) {
	kind := "logical"
	switch {
	case err.Status == http.StatusUnauthorized || err.Status == http.StatusForbidden:
		kind = "security"
	case err.Status == http.StatusServiceUnavailable:
		kind = "retryableLogical"
	case err.Status >= 500:
		kind = "unspecified"
	}
	writeJSON(w, err.Status, SPCErrorResponse{Errors: []SPCAPIError{{Message: err.Detail, Type: kind, Code: err.Status}}})
}
