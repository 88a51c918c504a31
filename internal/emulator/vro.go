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

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// vroWire is Recovery Orchestrator as the emulator serves it.
var vroWire = productWire{routes: (*Emulator).vroRoutes, errorBody: orchestratorErrorBody, lifetimes: orchestratorLifetimes,
	accountFlags: []string{"client", "mfaSecret"}}

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

// vroMFARevision is the first path version whose build has the mfa grant
// (the 7.21 changelog: mfa_token, mfa_passcode and the mfa enum value).
const vroMFARevision = "v7.21"

// VROMFARequired is the answer to a password grant for a user with MFA on,
// on a build with the mfa grant: its shape is not published; the emulator
// answers as Backup for AWS does (DECISIONS.md).
type VROMFARequired struct {
	UserName   string `json:"userName"`
	MFAEnabled bool   `json:"mfa_enabled"`
	MFAToken   string `json:"mfa_token"`
}

func (e *Emulator) vroRoutes(mux *http.ServeMux) {
	mfa := compareRevisions(e.newestRevision(VRO), vroMFARevision) >= 0
	password := passwordRules{then: func(c *tokenCall, st UserState) {
		if mfa && st.MFAEnabled {
			mt := c.e.st.IssueMFAToken(VRO, st.Name, c.now.Add(c.life.MFAToken))
			writeJSON(c.w, http.StatusOK, VROMFARequired{UserName: st.Name, MFAEnabled: true, MFAToken: mt})
			return
		}
		c.login(st.Name, e.vroSession(c))
	}}
	grants := []grant{clientCredentialsGrant()}
	if mfa {
		grants = append(grants, grant{name: "mfa", run: e.vroMFAGrant})
	}
	rt := newRouter(mux, VRO, nil)
	rt.handle("POST", "/api/token", e.tokenHandler(e.orchestratorTokens(VRO, password, grants...)))
	rt.handle("DELETE", "/api/token", e.orchestratorLogout(VRO))
	rt.handle("GET", "/api/{version}/Clients", e.vroListClients)
	rt.finish()
	mux.HandleFunc("/", notFound(VRO))
}

// vroSession is the session of a user login: with Options.VROSingleSession
// it ends the user's other sessions.
func (e *Emulator) vroSession(c *tokenCall) core.LoginOptions {
	o := c.session()
	o.EndOthers = e.opts.VROSingleSession
	return o
}

// vroMFAGrant is grant_type=mfa: the mfa_token of the password step and the
// code, in mfa_passcode (the 7.21 name) or mfa_code (Backup for AWS's name,
// accepted too: the 13.x names are not published).
func (e *Emulator) vroMFAGrant(c *tokenCall) {
	mt := plusFix(c.form.Get("mfa_token"))
	code := strings.TrimSpace(firstNonEmpty(c.form.Get("mfa_passcode"), c.form.Get("mfa_code")))
	if mt == "" || code == "" {
		c.fail(badRequest, errBadRequest("mfa_token and mfa_passcode are required for grant_type=mfa"))
		return
	}
	name, err := c.e.st.MFALogin(VRO, mt, code, c.now)
	if err != nil {
		c.fail(badGrant, fromCore(err))
		return
	}
	c.login(name, e.vroSession(c))
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
