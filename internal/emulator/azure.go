package emulator

// Veeam Backup for Microsoft Azure (8.1): routes and wire formats. The
// token endpoint is the family's (password with the MFA step, Mfa,
// Refresh_token) under capitalised grant names; users and their MFA
// enrollment are the shared userMFA; the domain is package core.

import (
	"crypto/sha1"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// azureWire is Backup for Microsoft Azure as the emulator serves it.
var azureWire = productWire{name: "Backup for Microsoft Azure (azure)", routes: (*Emulator).azureRoutes,
	errorBody: problemDetailsBody, lifetimes: lifetimes(time.Hour, 14*24*time.Hour),
	accountFlags: []string{"mfaSecret"}}

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

// AzureLink is a LinkHAL.
type AzureLink struct {
	Href string `json:"href"`
}

// AzureUser is the User schema.
type AzureUser struct {
	ID          string               `json:"id"`
	Name        string               `json:"name"`
	Description string               `json:"description"`
	Role        string               `json:"role"`
	Type        string               `json:"type"`
	MFAEnabled  bool                 `json:"mfaEnabled"`
	IsDefault   bool                 `json:"isDefault"`
	Links       map[string]AzureLink `json:"_links"`
}

// AzureUserPage is PageOfUser, the answer of GET /api/v8.1/users.
type AzureUserPage struct {
	Offset     int                  `json:"offset"`
	Limit      int                  `json:"limit"`
	TotalCount int                  `json:"totalCount"`
	Results    []AzureUser          `json:"results"`
	Links      map[string]AzureLink `json:"_links"`
}

// AzureMFAData is UserMfaData, the answer of POST users/{id}/enableMfa.
type AzureMFAData struct {
	UserID string `json:"userId"`
	MFASetup
}

func (e *Emulator) azureRoutes(mux *http.ServeMux) {
	tokens := newRouter(mux, AZURE, nil) // x-not-versioned in the specification
	tokens.handle("POST", "/api/oauth2/token", e.tokenHandler(azureTokens))
	tokens.handle("DELETE", "/api/oauth2/token", e.logoutHandler(azureAuthScheme, noContent))
	tokens.finish()

	rt := newRouter(mux, AZURE, e.azureVersioned)
	rt.handle("GET", "/api/{version}/users", e.azureListUsers)
	rt.handle("GET", "/api/{version}/users/{id}", e.azureGetUser)
	mfa := userMFA{product: AZURE, target: e.azureMFATarget, accepted: http.StatusNoContent,
		disabled: func(*http.Request) int { return http.StatusNoContent },
		enabled: func(userName string, setup MFASetup) any {
			return AzureMFAData{UserID: azureUserID(userName), MFASetup: setup}
		}}
	mfa.routes(e, rt, "/api/{version}/users/{id}")
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

// azureUserID is the id of the user called name: the specification's ids
// are opaque strings; the emulator derives a UUID from the name so that it
// stays the same across restarts (DECISIONS.md).
func azureUserID(name string) string {
	sum := sha1.Sum([]byte("azure-user:" + strings.ToLower(name)))
	return core.UUID(sum[:16])
}

// azureUserNamed returns the account whose id is id.
func (e *Emulator) azureUserNamed(id string) (UserState, bool) {
	for _, u := range e.st.Users(AZURE) {
		if strings.EqualFold(azureUserID(u.Name), id) {
			return u, true
		}
	}
	return UserState{}, false
}

// azureTarget authenticates a request about the user {id}: a PortalAdmin
// may act on everyone, other roles only on themselves.
func (e *Emulator) azureTarget(w http.ResponseWriter, r *http.Request, what string) (UserState, bool) {
	pr, ok := e.authenticate(w, r, azureAuthScheme)
	if !ok {
		return UserState{}, false
	}
	id := r.PathValue("id")
	st, found := e.azureUserNamed(id)
	if pr.Role != "PortalAdmin" && (!found || !pr.Is(st.Name)) {
		writeError(w, r, AZURE, errForbidden("only a PortalAdmin may "+what))
		return UserState{}, false
	}
	if !found {
		writeError(w, r, AZURE, errNotFound("user "+strconv.Quote(id)+" not found"))
		return UserState{}, false
	}
	return st, true
}

func (e *Emulator) azureMFATarget(w http.ResponseWriter, r *http.Request) (string, bool) {
	st, ok := e.azureTarget(w, r, "manage the MFA of other users")
	return st.Name, ok
}

func azureUserBody(r *http.Request, s UserState) AzureUser {
	href := requestBase(r) + "/api/" + r.PathValue("version") + "/users/" + azureUserID(s.Name)
	return AzureUser{
		ID: azureUserID(s.Name), Name: s.Name, Description: s.Description, Role: s.Role, Type: "Internal",
		MFAEnabled: s.MFAEnabled, IsDefault: s.IsDefault,
		Links: map[string]AzureLink{"self": {Href: href}, "enableMfa": {Href: href + "/enableMfa"},
			"acceptMfa": {Href: href + "/acceptMfa"}, "disableMfa": {Href: href + "/disableMfa"}},
	}
}

func (e *Emulator) azureGetUser(w http.ResponseWriter, r *http.Request) {
	st, ok := e.azureTarget(w, r, "read other users")
	if ok {
		writeJSON(w, http.StatusOK, azureUserBody(r, st))
	}
}

// azureListUsers is GET /api/v8.1/users: NameFilter (one user by name),
// Offset and Limit (-1: all).
func (e *Emulator) azureListUsers(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.authenticate(w, r, azureAuthScheme)
	if !ok {
		return
	}
	if pr.Role != "PortalAdmin" {
		writeError(w, r, AZURE, errForbidden("only a PortalAdmin may list users"))
		return
	}
	q := r.URL.Query()
	offset, err1 := queryInt(q, "Offset")
	limit, err2 := queryInt(q, "Limit")
	if q.Get("Limit") == "-1" {
		limit, err2 = -1, nil
	}
	if err1 != nil || err2 != nil {
		writeError(w, r, AZURE, errBadRequest("Offset must be a non-negative integer and Limit -1 (all) or a non-negative integer"))
		return
	}
	users := e.st.Users(AZURE)
	if f := q.Get("NameFilter"); f != "" {
		users = slices.DeleteFunc(users, func(u UserState) bool { return !strings.EqualFold(u.Name, f) })
	}
	slices.SortStableFunc(users, func(a, b UserState) int { return core.CompareNames(a.Name, b.Name) })
	page := AzureUserPage{Offset: max(offset, 0), Limit: limit, TotalCount: len(users), Results: []AzureUser{},
		Links: map[string]AzureLink{"self": {Href: requestBase(r) + r.URL.Path + queryPart(r.URL)}}}
	users = users[min(max(offset, 0), len(users)):]
	if limit >= 0 {
		users = users[:min(limit, len(users))]
	}
	for _, u := range users {
		page.Results = append(page.Results, azureUserBody(r, u))
	}
	writeJSON(w, http.StatusOK, page)
}

// queryPart is "?query" of u, or "".
func queryPart(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	return "?" + u.RawQuery
}
