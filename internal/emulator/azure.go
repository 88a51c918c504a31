package emulator

// Veeam Backup for Microsoft Azure (8.1): routes, the path version and the
// token endpoint, the family's (password with the MFA step, Mfa,
// Refresh_token) under capitalised grant names. Users and their MFA
// enrollment (the shared userMFA) are in azure_users.go; the domain is
// package core.

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// azureWire is Backup for Microsoft Azure as the emulator serves it.
var azureWire = productWire{routes: (*Emulator).azureRoutes, errorBody: problemDetailsBody,
	lifetimes: lifetimes(time.Hour, 14*24*time.Hour), accountFlags: []string{"mfaSecret"}}

// azureShortLivedRefresh is the refresh-token lifetime of a login with
// short_lived_refresh_token=true.
const azureShortLivedRefresh = 15 * time.Minute

// AzureLogin is the Login schema: the answer of POST /api/oauth2/token,
// tokens or (MFA step one) mfa_enabled and mfa_token.
type AzureLogin struct {
	AccessToken  string `json:"access_token,omitempty"`
	TokenType    string `json:"token_type,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ExpiresIn    int64  `json:"expires_in,omitempty"`
	Issued       string `json:".issued,omitempty"`
	Expires      string `json:".expires,omitempty"`
	UserID       string `json:"userId"`
	Username     string `json:"username"`
	RoleName     string `json:"roleName,omitempty"`
	UserType     string `json:"userType"`
	MFAEnabled   bool   `json:"mfa_enabled"`
	MFAToken     string `json:"mfa_token,omitempty"`
	ShortLived   bool   `json:"shortLived"`
}

func (e *Emulator) azureRoutes(mux *http.ServeMux) {
	tokens := newRouter(mux, AZURE, nil) // x-not-versioned in the specification
	tokens.handle("POST", "/api/oauth2/token", e.tokenHandler(azureTokens))
	tokens.handle("DELETE", "/api/oauth2/token", e.logoutHandler(azureAuthScheme, noContent))
	tokens.finish()

	rt := newRouter(mux, AZURE, e.azureVersioned)
	rt.handle("GET", "/api/{version}/users", e.azureListUsers)
	rt.handle("GET", "/api/{version}/users/{id}", e.azureGetUser)
	azureUserMFA.routes(e, rt, "/api/{version}/users/{id}")
	rt.finish()
	mux.HandleFunc("/", notFound(AZURE))
}

// azureVersioned answers 404 to a path version the build does not have.
func (e *Emulator) azureVersioned(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := r.PathValue("version")
		if !slices.Contains(e.Revisions(AZURE), v) {
			drain(r)
			writeError(w, r, AZURE, errNotFound("no resource at "+r.URL.Path+": REST API version "+v+" is not served; use "+strings.Join(e.Revisions(AZURE), ", ")))
			return
		}
		infoOf(r).revision = v
		h(w, r)
	}
}

var azureAuthScheme = bearerScheme(AZURE, "")

// azureMFAStep: step one answers 200 with the Login schema's mfa_enabled
// and mfa_token and no tokens.
var azureMFAStep = mfaStep{status: http.StatusOK, body: func(st UserState, mt string) any {
	return AzureLogin{UserID: azureUserID(st.Name), Username: st.Name, UserType: "Internal", MFAEnabled: true, MFAToken: mt}
}}

// azureTokens is POST /api/oauth2/token: Password (with the MFA step), Mfa
// and Refresh_token, each with short_lived_refresh_token. The grant names
// are matched without regard to case.
var azureTokens = tokenEndpoint{
	product: AZURE,
	grants: []grant{
		passwordGrant(passwordRules{then: azureMFAStep.passwordChecked}),
		azureMFAStep.grant(),
		refreshGrant(),
	},
	prepare: shortLivedRefresh("short_lived_refresh_token", azureShortLivedRefresh),
	fail:    productErrors,
	write: func(w http.ResponseWriter, _ *http.Request, tp core.Tokens) {
		bt := bearerTokens(tp, secondsTimeLayout)
		writeJSON(w, http.StatusOK, AzureLogin{
			AccessToken: bt.AccessToken, TokenType: bt.TokenType, RefreshToken: bt.RefreshToken, ExpiresIn: bt.ExpiresIn,
			Issued: bt.Issued, Expires: bt.Expires, UserID: azureUserID(tp.UserName), Username: tp.UserName,
			RoleName: tp.Role, UserType: "Internal", ShortLived: tp.RefreshExp.Sub(tp.Issued) <= azureShortLivedRefresh,
		})
	},
}

// shortLivedRefresh is a tokenEndpoint.prepare that reads the boolean form
// field: true makes the refresh token live only refresh.
func shortLivedRefresh(field string, refresh time.Duration) func(c *tokenCall) bool {
	return func(c *tokenCall) bool {
		v := strings.TrimSpace(c.form.Get(field))
		if v == "" {
			return true
		}
		short, err := strconv.ParseBool(v)
		if err != nil {
			c.fail(badRequest, errBadRequest(field+" must be true or false"))
			return false
		}
		if short {
			c.life.RefreshToken = refresh
		}
		return true
	}
}
