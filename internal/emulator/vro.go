package emulator

// Veeam Recovery Orchestrator: routes and its own resources. The token
// endpoint and logout are the orchestrators' (orchestrator.go), with the
// client_credentials grant and, with Options.VROSingleSession, password
// logins that end the account's other sessions.

import (
	"net/http"
	"regexp"
)

// vroWire is Recovery Orchestrator as the emulator serves it.
var vroWire = productWire{
	name:         "Recovery Orchestrator (vro)",
	routes:       (*Emulator).vroRoutes,
	errorBody:    orchestratorErrorBody,
	bearer:       true,
	lifetimes:    orchestratorLifetimes,
	port:         9898,
	portDoc:      "Veeam Recovery Orchestrator (documented port 9898)",
	accountFlags: []string{"client"},
}

// VROClientAccount is one entry of GET /api/{version}/Clients.
type VROClientAccount struct {
	ClientID string `json:"clientId"`
}

// vroVersion matches the version segment of Recovery Orchestrator resource
// paths: v7.1, v7.2, v7.21, v13, v13.1, ...
var vroVersion = regexp.MustCompile(`^v[0-9]{1,3}(\.[0-9]{1,3}){0,2}$`)

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
	if v := r.PathValue("version"); !vroVersion.MatchString(v) {
		writeError(w, r, VRO, errNotFound("unknown API version "+v+"; use one like v7.21 or v13"))
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
