package emulator

// Veeam Backup for Google Cloud: the token endpoint (password with the MFA
// step, whose first answer is 202; mfa, refresh_token, authorization_code)
// and logout. Its per-user MFA endpoints and user listing are not
// published, so they are not served (DECISIONS.md); an account with MFA on
// comes from the seed or the control API.

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// gcpWire is Backup for Google Cloud as the emulator serves it.
var gcpWire = productWire{routes: (*Emulator).gcpRoutes, errorBody: problemDetailsBody,
	lifetimes: lifetimes(15*time.Minute, 14*24*time.Hour), accountFlags: []string{"mfaSecret"}, versionRefusal: gcpVersionRefusal}

// gcpShortTermRefresh is the refresh-token lifetime of a login with
// use_short_term_refresh=true.
const gcpShortTermRefresh = 60 * time.Minute

// GCPToken is the token answer of POST /api/v1/token.
type GCPToken struct {
	BearerTokens
	Username string `json:"username"`
}

// GCPMFARequired is the 202 answer of a password grant for a user with MFA
// on (its members are the family's: DECISIONS.md).
type GCPMFARequired struct {
	Username   string `json:"username"`
	MFAEnabled bool   `json:"mfa_enabled"`
	MFAToken   string `json:"mfa_token"`
}

func (e *Emulator) gcpRoutes(mux *http.ServeMux) {
	rt := newRouter(mux, GCP, func(h http.HandlerFunc) http.HandlerFunc { return e.versioned(GCP, h) })
	rt.handle("POST", "/api/v1/token", e.tokenHandler(gcpTokens))
	rt.handle("DELETE", "/api/v1/token", e.logoutHandler(bearerScheme(GCP, ""), noContent))
	rt.finish()
	mux.HandleFunc("/", e.versioned(GCP, notFound(GCP)))
}

// gcpVersionRefusal answers a missing or unaccepted x-api-version: 400.
func gcpVersionRefusal(got string, supported []string) *apiError {
	e := errBadRequest(fmt.Sprintf("unsupported x-api-version %q; supported versions: %s", got, strings.Join(supported, ", ")))
	e.Supported = supported
	return e
}

var gcpMFAStep = mfaStep{status: http.StatusAccepted, body: func(st UserState, mt string) any {
	return GCPMFARequired{Username: st.Name, MFAEnabled: true, MFAToken: mt}
}}

// gcpTokens is POST /api/v1/token.
var gcpTokens = tokenEndpoint{
	product: GCP,
	grants: []grant{
		passwordGrant(passwordRules{then: gcpMFAStep.passwordChecked}),
		refreshGrant(),
		authorizationCodeGrant(),
		gcpMFAStep.grant(),
	},
	prepare: shortLivedRefresh("use_short_term_refresh", gcpShortTermRefresh),
	fail:    productErrors,
	write: func(w http.ResponseWriter, _ *http.Request, tp core.Tokens) {
		writeJSON(w, http.StatusOK, GCPToken{BearerTokens: bearerTokens(tp, secondsTimeLayout), Username: tp.UserName})
	},
}
