package emulator

// Veeam Availability Orchestrator, the older name of the Recovery
// Orchestrator: routes only. The token endpoint and logout are the
// orchestrators' shared ones in vro.go; what differs is the path (/token),
// the username (DOMAIN\USER only) and the grants (no client_credentials).

import "net/http"

func (e *Emulator) vaoRoutes(mux *http.ServeMux) {
	spec := orchestratorSpec{p: VAO, grants: []string{"password", "refresh_token"}, domainRequired: true}
	rt := newRouter(mux, VAO, nil)
	rt.handle("POST", "/token", e.orchestratorToken(spec))
	// Logout is DELETE api/token, not /token, as the reference document says.
	rt.handle("DELETE", "/api/token", e.orchestratorLogout(VAO))
	rt.finish()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, VAO, errNotFound("no resource at "+r.URL.Path))
	})
}
