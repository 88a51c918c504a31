package emulator

// Veeam Recovery Orchestrator: routes and its own resources. The token
// endpoint and logout are the orchestrators' (orchestrator.go), with the
// client_credentials grant and, with Options.VROSingleSession, password
// logins that end the account's other sessions.

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// vroWire is Recovery Orchestrator as the emulator serves it.
var vroWire = productWire{
	name:         "Recovery Orchestrator (vro)",
	routes:       (*Emulator).vroRoutes,
	errorBody:    orchestratorErrorBody,
	bearer:       true,
	lifetimes:    orchestratorLifetimes,
	accountFlags: []string{"client"},
}

// VROClientAccount is one entry of GET /api/{version}/Clients.
type VROClientAccount struct {
	ClientID string `json:"clientId"`
}

// vroPathVersion checks the /api/<version>/ segment of a resource path
// against the versions the build accepts (404 otherwise: DECISIONS.md) and
// records it as the request's revision.
func (e *Emulator) vroPathVersion(w http.ResponseWriter, r *http.Request) bool {
	v := r.PathValue("version")
	accepted := e.Revisions(VRO)
	if !slices.Contains(accepted, v) {
		writeError(w, r, VRO, errNotFound(fmt.Sprintf("API version %q is not supported by Recovery Orchestrator %s; supported: %s",
			truncateString(v, 40), e.Build(VRO), strings.Join(accepted, ", "))))
		return false
	}
	infoOf(r).revision = v
	return true
}

func (e *Emulator) vroRoutes(mux *http.ServeMux) {
	password := passwordRules{}
	if e.opts.VROSingleSession {
		password.then = func(c *tokenCall, st UserState) {
			o := c.session()
			o.EndOthers = true
			c.login(st.Name, o)
		}
	}
	rt := newRouter(mux, VRO, nil)
	rt.handle("POST", "/api/token", e.tokenHandler(e.orchestratorTokens(VRO, password, clientCredentialsGrant())))
	rt.handle("DELETE", "/api/token", e.orchestratorLogout(VRO))
	rt.handle("GET", "/api/{version}/Clients", e.vroListClients)
	rt.finish()
	mux.HandleFunc("/", notFound(VRO))
}

// vroListClients serves GET /api/{version}/Clients: a client sees only its
// own client ID; a user sees every client account (the emulator does not
// record which user created which client).
func (e *Emulator) vroListClients(w http.ResponseWriter, r *http.Request) {
	if !e.vroPathVersion(w, r) {
		return
	}
	pr, ok := e.authenticate(w, r, orchestratorAuthScheme(VRO))
	if !ok {
		return
	}
	out := []VROClientAccount{}
	for _, u := range e.st.Users(VRO) {
		if u.Client && (!e.isClient(pr) || pr.Is(u.Name)) {
			out = append(out, VROClientAccount{ClientID: u.Name})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// isClient reports whether pr logged in with client credentials.
func (e *Emulator) isClient(pr Principal) bool {
	st, ok := e.st.User(pr.Product, pr.UserName)
	return ok && st.Client
}
