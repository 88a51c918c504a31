package emulator

// Veeam Backup & Replication: routes, wire formats and the token endpoint's
// description (vbrTokens). The domain (sessions, tokens, single-use codes)
// is package core; every choice the reference is silent on is listed in
// DECISIONS.md.

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// vbrWire is Backup & Replication as the emulator serves it.
var vbrWire = productWire{
	name:         "Backup & Replication (vbr)",
	routes:       (*Emulator).vbrRoutes,
	errorBody:    vbrErrorBody,
	bearer:       true,
	lifetimes:    lifetimes(15*time.Minute, 14*24*time.Hour),
	port:         9419,
	portDoc:      "Veeam Backup & Replication (documented port 9419)",
	accountFlags: []string{"mfaSecret", "serviceAccount"},
}

// vbrTimeLayout is the layout of ".issued" and ".expires": the document
// prints a UTC offset ("2022-04-24T14:24:18+01:00"); the emulator writes UTC
// as "+00:00".
const vbrTimeLayout = "2006-01-02T15:04:05-07:00"

// vbrShortTermRefreshExtra is how much longer than the access token a
// short-term refresh token (use_short_term_refresh=true) lives.
const vbrShortTermRefreshExtra = 15 * time.Minute

// vbrDefaultUserLimit is the page size of GET /api/v1/security/users when
// the request sets no limit.
const vbrDefaultUserLimit = 200

// VBRRoleAdministrator is the Backup & Replication role that may change
// security settings and reset users' MFA.
const VBRRoleAdministrator = "Veeam Backup Administrator"

// vbrFlagMFA is the store flag that holds the global MFA setting.
const vbrFlagMFA = "mfaEnabled"

// VBRVersions returns the x-api-version values Backup & Replication accepts.
func VBRVersions() []string {
	return []string{"1.0-rev1", "1.0-rev2", "1.1-rev0", "1.1-rev1", "1.2-rev0", "1.2-rev1", "1.3-rev0", "1.3-rev1"}
}

// VBRToken is the answer of POST /api/oauth2/token.
type VBRToken struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Issued       string `json:".issued"`
	Expires      string `json:".expires"`
}

// VBRSecurityUser is one entry of GET /api/v1/security/users.
type VBRSecurityUser struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Type             string   `json:"type"`
	IsServiceAccount bool     `json:"isServiceAccount"`
	MFAEnabled       bool     `json:"mfaEnabled"`
	Roles            []string `json:"roles"`
}

// VBRPagination is the pagination object of a Backup & Replication listing.
type VBRPagination struct {
	Total int `json:"total"`
	Count int `json:"count"`
	Skip  int `json:"skip"`
	Limit int `json:"limit"`
}

// VBRSecurityUsers is the answer of GET /api/v1/security/users.
type VBRSecurityUsers struct {
	Data       []VBRSecurityUser `json:"data"`
	Pagination VBRPagination     `json:"pagination"`
}

// VBRSecuritySettings is the body of GET and PUT /api/v1/security/settings.
type VBRSecuritySettings struct {
	MFAEnabled bool `json:"mfaEnabled"`
}

func (e *Emulator) vbrRoutes(mux *http.ServeMux) {
	rt := newRouter(mux, VBR, e.vbrVersioned)
	rt.handle("POST", "/api/oauth2/token", e.tokenHandler(e.vbrTokens()))
	rt.handle("POST", "/api/oauth2/authorization_code", e.vbrAuthorizationCode)
	rt.handle("POST", "/api/oauth2/logout", e.logoutHandler(vbrAuthScheme, func(w http.ResponseWriter) {
		writeJSON(w, http.StatusOK, struct{}{})
	}))
	rt.handle("GET", "/api/v1/security/users", e.vbrListUsers)
	rt.handle("POST", "/api/v1/security/users/{id}/resetMFA", e.vbrResetMFA)
	rt.handle("GET", "/api/v1/security/settings", e.vbrGetSettings)
	rt.handle("PUT", "/api/v1/security/settings", e.vbrPutSettings)
	rt.finish()
	mux.HandleFunc("/", e.vbrVersioned(notFound(VBR)))
}

// vbrVersioned rejects requests without a supported x-api-version.
func (e *Emulator) vbrVersioned(h http.HandlerFunc) http.HandlerFunc {
	return versioned(VBR, VBRVersions(), h)
}

// vbrAuthScheme is how Backup & Replication requests carry their session.
var vbrAuthScheme = bearerScheme(VBR, "")

// vbrAuth authenticates the request's bearer token.
func (e *Emulator) vbrAuth(w http.ResponseWriter, r *http.Request) (Principal, bool) {
	return e.authenticate(w, r, vbrAuthScheme)
}

// vbrAdmin authenticates the request and requires the administrator role.
func (e *Emulator) vbrAdmin(w http.ResponseWriter, r *http.Request, what string) bool {
	pr, ok := e.vbrAuth(w, r)
	if !ok {
		return false
	}
	if pr.Role != VBRRoleAdministrator {
		writeError(w, r, VBR, errForbidden(fmt.Sprintf("only a user with the %s role may %s; %q has the %s role", VBRRoleAdministrator, what, pr.UserName, pr.Role)))
		return false
	}
	return true
}

// ---- token endpoint ----

// vbrTokens is POST /api/oauth2/token: password, refresh_token,
// authorization_code and vbr_token (a platform service token), each with
// use_short_term_refresh.
func (e *Emulator) vbrTokens() tokenEndpoint {
	return tokenEndpoint{
		product: VBR,
		grants: []grant{
			passwordGrant(passwordRules{}),
			refreshGrant(),
			authorizationCodeGrant(),
			{name: "vbr_token", run: e.vbrPlatformGrant},
		},
		prepare: vbrShortTermRefresh,
		fail:    productErrors,
		write: func(w http.ResponseWriter, _ *http.Request, tp core.Tokens) {
			writeJSON(w, http.StatusOK, vbrTokenBody(tp))
		},
	}
}

// vbrShortTermRefresh reads use_short_term_refresh: true makes the refresh
// token live only a little longer than the access token.
func vbrShortTermRefresh(c *tokenCall) bool {
	v := strings.TrimSpace(c.form.Get("use_short_term_refresh"))
	if v == "" {
		return true
	}
	shortTerm, err := strconv.ParseBool(v)
	if err != nil {
		c.fail(badRequest, errBadRequest("use_short_term_refresh must be true or false"))
		return false
	}
	if shortTerm {
		c.life.RefreshToken = c.life.AccessToken + vbrShortTermRefreshExtra
	}
	return true
}

// vbrPlatformGrant is grant_type=vbr_token: a user's platform service token.
func (e *Emulator) vbrPlatformGrant(c *tokenCall) {
	raw := strings.TrimSpace(c.form.Get("vbr_token"))
	if raw == "" {
		c.fail(badRequest, errBadRequest("vbr_token is required for grant_type=vbr_token"))
		return
	}
	name, ok := e.vbrPlatformUser(raw)
	if !ok {
		c.fail(badGrant, errInvalidToken("the platform service token is not valid"))
		return
	}
	c.login(name, c.session())
}

func vbrTokenBody(tp core.Tokens) VBRToken {
	in, issued, expires := tokenTimes(tp, vbrTimeLayout)
	return VBRToken{
		AccessToken: tp.Access, TokenType: "bearer", RefreshToken: tp.Refresh,
		ExpiresIn: in, Issued: issued, Expires: expires,
	}
}

// VBRPlatformToken returns the platform service token of the Backup &
// Replication user called name (the value the vbr_token grant accepts), or
// false when there is no such user. The token is an HMAC of the user name
// under the emulator's signing key: stable for one Emulator, different for
// every Emulator.
func (e *Emulator) VBRPlatformToken(name string) (string, bool) {
	st, ok := e.st.User(VBR, name)
	if !ok {
		return "", false
	}
	return e.vbrPlatformToken(st.Name), true
}

func (e *Emulator) vbrPlatformToken(name string) string {
	return "vbrpst_" + e.st.Seal("vbr_token\x00"+core.UserKey(name))
}

// vbrPlatformUser returns the user whose platform service token is raw.
func (e *Emulator) vbrPlatformUser(raw string) (string, bool) {
	found := ""
	for _, u := range e.st.Users(VBR) {
		if core.EqualSecret(e.vbrPlatformToken(u.Name), raw) {
			found = u.Name
		}
	}
	return found, found != ""
}

func (e *Emulator) vbrAuthorizationCode(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.vbrAuth(w, r)
	if !ok {
		return
	}
	drain(r)
	writeJSON(w, http.StatusOK, map[string]string{"code": e.issueAuthorizationCode(VBR, pr.UserName)})
}

// ---- security ----

// vbrUserID is the stable id of a user: a UUID (version 4 layout) derived
// from the product and the case-folded name, so it survives restarts with
// Options.StatePath.
func vbrUserID(name string) string {
	sum := sha256.Sum256([]byte("vbr-user\x00" + core.UserKey(name)))
	return core.UUID(sum[:])
}

func vbrUserBody(s UserState) VBRSecurityUser {
	return VBRSecurityUser{
		ID: vbrUserID(s.Name), Name: s.Name, Type: "User",
		IsServiceAccount: s.ServiceAccount, MFAEnabled: s.MFAEnabled, Roles: []string{s.Role},
	}
}

func (e *Emulator) vbrListUsers(w http.ResponseWriter, r *http.Request) {
	if _, ok := e.vbrAuth(w, r); !ok {
		return
	}
	q := r.URL.Query()
	skip, err1 := queryInt(q, "skip")
	limit, err2 := queryInt(q, "limit")
	if err1 != nil || err2 != nil {
		writeError(w, r, VBR, errBadRequest("skip and limit must be non-negative integers"))
		return
	}
	if skip < 0 {
		skip = 0
	}
	if limit < 0 {
		limit = vbrDefaultUserLimit
	}
	asc := true
	if v := q.Get("orderAsc"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeError(w, r, VBR, errBadRequest("orderAsc must be true or false"))
			return
		}
		asc = b
	}
	if c := q.Get("orderColumn"); c != "" && !strings.EqualFold(c, "Name") {
		writeError(w, r, VBR, errBadRequest(fmt.Sprintf("unsupported orderColumn %q; supported: Name", c)))
		return
	}
	users := e.st.Users(VBR) // name order
	if f := strings.ToLower(q.Get("nameFilter")); f != "" {
		// A filter may carry the wildcard "*" of Backup & Replication's
		// filters; the match is a case-insensitive substring either way.
		f = strings.ReplaceAll(f, "*", "")
		users = slices.DeleteFunc(users, func(u UserState) bool {
			return !strings.Contains(strings.ToLower(u.Name), f)
		})
	}
	if !asc {
		slices.Reverse(users)
	}
	page := VBRSecurityUsers{Data: []VBRSecurityUser{}, Pagination: VBRPagination{Total: len(users), Skip: skip, Limit: limit}}
	users = users[min(skip, len(users)):]
	users = users[:min(limit, len(users))]
	for _, u := range users {
		page.Data = append(page.Data, vbrUserBody(u))
	}
	page.Pagination.Count = len(page.Data)
	writeJSON(w, http.StatusOK, page)
}

func (e *Emulator) vbrResetMFA(w http.ResponseWriter, r *http.Request) {
	if !e.vbrAdmin(w, r, "reset the MFA of users") {
		return
	}
	drain(r)
	id := r.PathValue("id")
	name := ""
	for _, u := range e.st.Users(VBR) {
		if strings.EqualFold(vbrUserID(u.Name), id) {
			name = u.Name
		}
	}
	var err error = core.ErrUserNotFound
	if name != "" {
		err = e.st.DisableMFA(VBR, name)
	}
	if err != nil {
		writeJSON(w, http.StatusNotFound, VBRError{ErrorCode: string(CodeNotFound), Message: fmt.Sprintf("there is no user with id %q", id), ResourceID: id})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) vbrGetSettings(w http.ResponseWriter, r *http.Request) {
	if _, ok := e.vbrAuth(w, r); !ok {
		return
	}
	writeJSON(w, http.StatusOK, VBRSecuritySettings{MFAEnabled: e.st.Flag(VBR, vbrFlagMFA)})
}

func (e *Emulator) vbrPutSettings(w http.ResponseWriter, r *http.Request) {
	if !e.vbrAdmin(w, r, "change security settings") {
		return
	}
	var body struct {
		MFAEnabled json.RawMessage `json:"mfaEnabled"`
	}
	if aerr := readJSON(r, &body, false); aerr != nil {
		writeError(w, r, VBR, aerr)
		return
	}
	var on bool
	if s := strings.TrimSpace(string(body.MFAEnabled)); s == "" || s == "null" || json.Unmarshal(body.MFAEnabled, &on) != nil {
		writeError(w, r, VBR, errBadRequest("mfaEnabled is required and must be true or false"))
		return
	}
	e.st.SetFlag(VBR, vbrFlagMFA, on)
	writeJSON(w, http.StatusOK, VBRSecuritySettings{MFAEnabled: on})
}

// VBRMFAEnabled reports Backup & Replication's global MFA setting.
func (e *Emulator) VBRMFAEnabled() bool { return e.st.Flag(VBR, vbrFlagMFA) }

// VBRUserID returns the id GET /api/v1/security/users reports for the user
// called name.
func VBRUserID(name string) string { return vbrUserID(name) }
