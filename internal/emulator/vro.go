package emulator

// Veeam Recovery Orchestrator: routes and wire formats. The token endpoint
// and logout here also serve the Availability Orchestrator (vao.go), the
// same product under its older name. The shared machinery (sessions,
// tokens, counters, errors) lives in the other files.

import (
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
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

// VROClientAccount is one entry of GET /api/{version}/Clients.
type VROClientAccount struct {
	ClientID string `json:"clientId"`
}

// vroVersion matches the version segment of Recovery Orchestrator resource
// paths: v7.1, v7.2, v7.21, v13, v13.1, ...
var vroVersion = regexp.MustCompile(`^v[0-9]{1,3}(\.[0-9]{1,3}){0,2}$`)

// orchestratorSpec is what differs between the two orchestrators' token endpoints.
type orchestratorSpec struct {
	p      Product
	grants []string // accepted grant_type values, lower case
	// domainRequired: the password grant's username must be DOMAIN\USER (VAO).
	domainRequired bool
	// singleSession: a password login ends the account's other sessions.
	singleSession bool
}

func (e *Emulator) vroRoutes(mux *http.ServeMux) {
	spec := orchestratorSpec{
		p: VRO, grants: []string{"password", "refresh_token", "client_credentials"},
		singleSession: e.opts.VROSingleSession,
	}
	rt := newRouter(mux, VRO, nil)
	rt.handle("POST", "/api/token", e.orchestratorToken(spec))
	rt.handle("DELETE", "/api/token", e.orchestratorLogout(VRO))
	rt.handle("GET", "/api/{version}/Clients", e.vroListClients)
	rt.finish()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, VRO, errNotFound("no resource at "+r.URL.Path))
	})
}

// orchestratorErrorBody renders err in the orchestrators' error shape.
func orchestratorErrorBody(err *apiError) OrchestratorError {
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
	return OrchestratorError{Error: code, ErrorDescription: err.Detail}
}

// writeOAuthError answers a token request with an RFC 6749 §5.2 error.
func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, status, OrchestratorError{Error: code, ErrorDescription: description})
}

// orchestratorForm reads the token request's form: the documents call it a
// form, the published 7.x specification multipart/form-data; both are read.
func orchestratorForm(r *http.Request) (url.Values, *apiError) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		switch {
		case err == nil && mt == "multipart/form-data":
			if err := r.ParseMultipartForm(maxBody); err != nil {
				return nil, errBadRequest("the multipart/form-data body could not be read")
			}
			form := url.Values(r.MultipartForm.Value)
			r.PostForm = form
			return form, nil
		case err != nil || mt != "application/x-www-form-urlencoded":
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
		if st, ok := e.st.getUser(p, c); ok && !st.Client {
			return st.Name
		}
	}
	return login
}

// validDomainUser reports whether name is DOMAIN\USER with both parts set.
func validDomainUser(name string) bool {
	dom, user, ok := strings.Cut(name, `\`)
	return ok && strings.TrimSpace(dom) != "" && strings.TrimSpace(user) != "" && !strings.Contains(user, `\`)
}

func grantList(grants []string) string {
	switch len(grants) {
	case 0:
		return ""
	case 1:
		return grants[0]
	}
	return strings.Join(grants[:len(grants)-1], ", ") + " or " + grants[len(grants)-1]
}

// orchestratorToken serves the token endpoint: password, refresh_token and,
// where spec allows it, client_credentials.
func (e *Emulator) orchestratorToken(spec orchestratorSpec) http.HandlerFunc {
	p := spec.p
	return func(w http.ResponseWriter, r *http.Request) {
		form, aerr := orchestratorForm(r)
		if aerr != nil {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", aerr.Detail)
			return
		}
		info := infoOf(r)
		info.grant = normGrant(form.Get("grant_type"), spec.grants)
		now := e.clock.Now()
		lt := e.Lifetimes(p)
		switch info.grant {
		case "(none)":
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "grant_type is required: "+grantList(spec.grants))
		case "(other)":
			writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "unsupported grant_type; use "+grantList(spec.grants))
		case "password":
			name, pw := strings.TrimSpace(form.Get("username")), form.Get("password")
			if name == "" || pw == "" {
				writeOAuthError(w, http.StatusBadRequest, "invalid_request", "username and password are required for grant_type=password")
				return
			}
			info.user = name
			if spec.domainRequired && !validDomainUser(name) {
				writeOAuthError(w, http.StatusBadRequest, "invalid_request",
					`username must be in the DOMAIN\USERNAME format, for example `+OrchestratorDomain+`\administrator; got "`+name+`"`)
				return
			}
			st, ok := e.st.checkPassword(p, e.orchestratorAccount(p, name), pw)
			if !ok || st.Client {
				writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "the user name or password is incorrect")
				return
			}
			e.orchestratorLogin(w, r, p, st.Name, now, loginOpts{access: lt.AccessToken, refresh: lt.RefreshToken, endOthers: spec.singleSession})
		case "client_credentials":
			id, secret := form.Get("client_id"), form.Get("client_secret")
			basicID, basicSecret, basic := r.BasicAuth()
			if basic {
				if id != "" || secret != "" {
					writeOAuthError(w, http.StatusBadRequest, "invalid_request", "send the client credentials either in the body or in an Authorization: Basic header, not both")
					return
				}
				id, secret = formUnescape(basicID), formUnescape(basicSecret)
			}
			if id == "" || secret == "" {
				writeOAuthError(w, http.StatusBadRequest, "invalid_request", "client_id and client_secret are required for grant_type=client_credentials")
				return
			}
			info.user = id
			st, ok := e.st.checkPassword(p, id, secret)
			if !ok || !st.Client {
				if basic {
					w.Header().Set("WWW-Authenticate", `Basic realm="`+string(p)+`"`)
				}
				writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "the client_id or client_secret is incorrect")
				return
			}
			e.orchestratorLogin(w, r, p, st.Name, now, loginOpts{access: lt.AccessToken, refresh: lt.RefreshToken})
		case "refresh_token":
			rt := plusFix(form.Get("refresh_token"))
			if rt == "" {
				writeOAuthError(w, http.StatusBadRequest, "invalid_request", "refresh_token is required for grant_type=refresh_token")
				return
			}
			tp, aerr := e.st.refresh(p, rt, now, lt.AccessToken, nil)
			if aerr != nil {
				writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "the refresh token was rejected: "+aerr.Detail)
				return
			}
			info.user = tp.UserName
			e.countEvent(p, eventRefresh)
			writeOrchestratorToken(w, tp)
		}
	}
}

// formUnescape undoes the form encoding RFC 6749 §2.3.1 applies to client
// credentials in a Basic header; a value that is not encoded stays as it is.
func formUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// orchestratorLogin starts a session for name and answers with its tokens.
func (e *Emulator) orchestratorLogin(w http.ResponseWriter, r *http.Request, p Product, name string, now time.Time, o loginOpts) {
	tp, aerr := e.st.login(p, name, now, o)
	if aerr != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", aerr.Detail)
		return
	}
	infoOf(r).user = tp.UserName
	e.countEvent(p, eventLogin)
	writeOrchestratorToken(w, tp)
}

func writeOrchestratorToken(w http.ResponseWriter, tp tokenPair) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, OrchestratorToken{
		AccessToken:  tp.Access,
		TokenType:    "bearer",
		ExpiresIn:    int64(tp.AccessExp.Sub(tp.Issued) / time.Second),
		RefreshToken: tp.Refresh,
		UserName:     tp.UserName,
	})
}

// orchestratorAuth authenticates the request's bearer token.
func (e *Emulator) orchestratorAuth(w http.ResponseWriter, r *http.Request, p Product) (Principal, bool) {
	tok, ok := bearer(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="`+string(p)+`"`)
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

// orchestratorLogout serves DELETE /api/token: the session of the bearer
// token ends, its access and refresh tokens stop working.
func (e *Emulator) orchestratorLogout(p Product) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		drain(r)
		tok, ok := bearer(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="`+string(p)+`"`)
			writeError(w, r, p, errAccessDenied("an Authorization: Bearer <access_token> header is required"))
			return
		}
		if aerr := e.st.logout(p, tok, e.clock.Now()); aerr != nil {
			writeError(w, r, p, aerr)
			return
		}
		e.countEvent(p, eventLogout)
		w.WriteHeader(http.StatusNoContent)
	}
}

// vroListClients serves GET /api/{version}/Clients: a client sees only its
// own client ID; a user sees every client account (the emulator does not
// record which user created which client).
func (e *Emulator) vroListClients(w http.ResponseWriter, r *http.Request) {
	if v := r.PathValue("version"); !vroVersion.MatchString(v) {
		writeError(w, r, VRO, errNotFound("unknown API version "+v+"; use one like v7.21 or v13"))
		return
	}
	pr, ok := e.orchestratorAuth(w, r, VRO)
	if !ok {
		return
	}
	out := []VROClientAccount{}
	for _, u := range e.st.listUsers(VRO) {
		if u.Client && (!e.isClient(pr) || userKey(u.Name) == pr.userKey) {
			out = append(out, VROClientAccount{ClientID: u.Name})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// isClient reports whether pr logged in with client credentials.
func (e *Emulator) isClient(pr Principal) bool {
	st, ok := e.st.getUser(pr.Product, pr.UserName)
	return ok && st.Client
}
