package emulator

// What the two orchestrators share: Recovery Orchestrator (vro.go) and
// Availability Orchestrator (vao.go), the same product under two names.
// Their token endpoints are one tokenEndpoint with OAuth 2.0 (RFC 6749)
// error bodies; what differs is the path, the grants and the user names.

import (
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// OrchestratorDomain is the Windows domain the emulated orchestrator servers
// belong to: an account seeded without a domain ("administrator") is the
// account VEEAM\administrator, and the other way round.
const OrchestratorDomain = "VEEAM"

// OrchestratorToken is the token response of Recovery Orchestrator's
// POST /api/token and Availability Orchestrator's POST /token: the documents
// name an access token, its lifetime in seconds and a refresh token;
// token_type is OAuth 2.0's and userName the account's name (inferred).
type OrchestratorToken struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	UserName     string `json:"userName"`
}

// OrchestratorError is the error body of both orchestrators, the OAuth 2.0
// shape (RFC 6749 §5.2) everywhere: Error is an RFC 6749/6750 code
// (invalid_request, invalid_grant, invalid_client, unsupported_grant_type,
// invalid_token, temporarily_unavailable, server_error) or, where those have
// none, not_found, method_not_allowed, access_denied or not_implemented.
type OrchestratorError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// orchestratorTokens is an orchestrator's token endpoint. rules are its
// password grant's; extra grants follow password and refresh_token.
func (e *Emulator) orchestratorTokens(p Product, rules passwordRules, extra ...grant) tokenEndpoint {
	rules.trimName = true
	rules.account = func(login string) string { return e.orchestratorAccount(p, login) }
	return tokenEndpoint{
		product:  p,
		grants:   append(passwordAndRefresh(rules), extra...),
		readForm: orchestratorForm,
		fail:     oauthErrors,
		write:    writeOrchestratorToken,
	}
}

// orchestratorAuthScheme is how an orchestrator's requests carry their
// session: a bearer token, with a challenge when it is missing.
func orchestratorAuthScheme(p Product) authScheme {
	return bearerScheme(p, `Bearer realm="`+string(p)+`"`)
}

// orchestratorLogout is DELETE /api/token.
func (e *Emulator) orchestratorLogout(p Product) http.HandlerFunc {
	return e.logoutHandler(orchestratorAuthScheme(p), noContent)
}

// oauthErrors renders a failed token request as RFC 6749 §5.2 says.
func oauthErrors(w http.ResponseWriter, _ *http.Request, _ Product, f failure, err *apiError) {
	status, code, description := http.StatusBadRequest, "invalid_request", err.Detail
	if err.Status == http.StatusRequestEntityTooLarge {
		status = err.Status
	}
	switch f {
	case badGrantType:
		code = "unsupported_grant_type"
	case badCredentials, badGrant:
		code = "invalid_grant"
	case badRefresh:
		code, description = "invalid_grant", "the refresh token was rejected: "+err.Detail
	case badClient:
		status, code = http.StatusUnauthorized, "invalid_client"
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, status, OrchestratorError{Error: code, ErrorDescription: description})
}

// orchestratorLifetimes are both orchestrators' (chosen: the documents
// name none; see DECISIONS.md).
var orchestratorLifetimes = lifetimes(15*time.Minute, 24*time.Hour)

// orchestratorErrorBody renders err, outside the token endpoint, in the
// orchestrators' error shape.
func orchestratorErrorBody(w http.ResponseWriter, _ *http.Request, err *apiError) {
	code := "invalid_request"
	switch {
	case err.Status == http.StatusUnauthorized:
		code = "invalid_token"
	case err.Status == http.StatusForbidden:
		code = "access_denied"
	case err.Status == http.StatusNotFound:
		code = "not_found"
	case err.Status == http.StatusMethodNotAllowed:
		code = "method_not_allowed"
	case err.Status == http.StatusNotImplemented:
		code = "not_implemented"
	case err.Status == http.StatusServiceUnavailable:
		code = "temporarily_unavailable"
	case err.Status >= 500:
		code = "server_error"
	}
	writeJSON(w, err.Status, OrchestratorError{Error: code, ErrorDescription: err.Detail})
}

// orchestratorForm reads the token request's form: the documents call it a
// form, the published specifications multipart/form-data; both are read.
func orchestratorForm(r *http.Request) (url.Values, *apiError) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, params, err := mime.ParseMediaType(ct)
		switch {
		case err == nil && mt == "multipart/form-data":
			return readMultipartForm(r, params["boundary"])
		case err != nil || mt != "application/x-www-form-urlencoded":
			drain(r)
			return nil, errBadRequest("the body must be application/x-www-form-urlencoded or multipart/form-data")
		}
	}
	return readForm(r)
}

// orchestratorAccount returns the name of the account a login name means,
// or login itself when there is none. Names are DOMAIN\USER or USER and are
// case-insensitive. An account seeded without a domain belongs to
// OrchestratorDomain, so "administrator", "VEEAM\administrator" and
// "veeam\Administrator" all find a seeded "administrator", and the same three
// find a seeded "VEEAM\administrator". Another domain finds only an account
// seeded with that domain. Client accounts are never found.
func (e *Emulator) orchestratorAccount(p Product, login string) string {
	candidates := []string{login}
	if dom, user, ok := strings.Cut(login, `\`); ok {
		if strings.EqualFold(dom, OrchestratorDomain) && user != "" {
			candidates = append(candidates, user)
		}
	} else {
		candidates = append(candidates, OrchestratorDomain+`\`+login)
	}
	for _, c := range candidates {
		if st, ok := e.st.User(p, c); ok && !st.Client {
			return st.Name
		}
	}
	return login
}

func writeOrchestratorToken(w http.ResponseWriter, _ *http.Request, tp core.Tokens) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, OrchestratorToken{
		AccessToken:  tp.Access,
		TokenType:    "bearer",
		ExpiresIn:    expiresIn(tp),
		RefreshToken: tp.Refresh,
		UserName:     tp.UserName,
	})
}
