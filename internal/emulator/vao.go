package emulator

// Veeam Availability Orchestrator, the older name of the Recovery
// Orchestrator: routes only. The token endpoint and logout are the
// orchestrators' (orchestrator.go); what differs is the path (/token), the
// username (DOMAIN\USER only) and the grants (client_credentials in 3.0,
// no mfa).

import (
	"net/http"
	"strings"
)

// vaoWire is Availability Orchestrator as the emulator serves it. Its
// build 3.0 registers client accounts (POST api/v3/Clients) that log in
// with client_credentials.
var vaoWire = productWire{routes: (*Emulator).vaoRoutes, errorBody: orchestratorErrorBody, lifetimes: orchestratorLifetimes,
	accountFlags: []string{"client"}}

func (e *Emulator) vaoRoutes(mux *http.ServeMux) {
	rt := newRouter(mux, VAO, nil)
	rt.handle("POST", "/token", e.tokenHandler(e.orchestratorTokens(VAO, passwordRules{check: vaoDomainUser}, clientCredentialsGrant())))
	// Logout is DELETE api/token, not /token, as the reference document says.
	rt.handle("DELETE", "/api/token", e.orchestratorLogout(VAO))
	rt.finish()
	mux.HandleFunc("/", notFound(VAO))
}

// vaoDomainUser refuses a user name that is not DOMAIN\USER with both parts set.
func vaoDomainUser(name string) *apiError {
	dom, user, ok := strings.Cut(name, `\`)
	if ok && strings.TrimSpace(dom) != "" && strings.TrimSpace(user) != "" && !strings.Contains(user, `\`) {
		return nil
	}
	return errBadRequest(`username must be in the DOMAIN\USERNAME format, for example ` + OrchestratorDomain + `\administrator; got "` + name + `"`)
}
