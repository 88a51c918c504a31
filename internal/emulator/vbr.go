package emulator

// Veeam Backup & Replication: routes, wire formats and the token endpoint's
// description (vbrTokens). The domain (sessions, tokens, single-use codes)
// is package core; every choice the reference is silent on is listed in
// DECISIONS.md.

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// vbrWire is Backup & Replication as the emulator serves it.
var vbrWire = productWire{routes: (*Emulator).vbrRoutes, errorBody: vbrErrorBody, lifetimes: lifetimes(time.Hour, 14*24*time.Hour),
	accountFlags: []string{"mfaSecret", "serviceAccount"}, versionRefusal: vbrVersionRefusal}

// vbrTimeLayout is the layout of ".issued" and ".expires": the document
// prints a UTC offset ("2022-04-24T14:24:18+01:00"); the emulator writes UTC
// as "+00:00".
const vbrTimeLayout = "2006-01-02T15:04:05-07:00"

// vbrShortTermRefreshExtra is how much longer than the access token a
// short-term refresh token (use_short_term_refresh=true) lives.
const vbrShortTermRefreshExtra = 15 * time.Minute

// VBRVersions returns the x-api-version values the newest Backup &
// Replication build accepts (another build's: BuildRevisions).
func VBRVersions() []string {
	r, _ := BuildRevisions(VBR, DefaultBuild(VBR))
	return r
}

// vbrVersionRefusal is the 1.3-rev2 specification's answer to an
// unsupported revision (its ErrorNotImplementedExample), given to a missing
// one too, with the accepted list as an extra field (DECISIONS.md).
func vbrVersionRefusal(_ string, supported []string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: CodeNotImplemented,
		Detail: "The specified API version is not supported.", Supported: supported}
}

// VBRToken is the answer of POST /api/oauth2/token (TokenModel).
type VBRToken = BearerTokens

func (e *Emulator) vbrRoutes(mux *http.ServeMux) {
	rt := newRouter(mux, VBR, e.vbrVersioned)
	rt.handle("POST", "/api/oauth2/token", e.tokenHandler(e.vbrTokens()))
	// Removed in 1.3-rev0 ("Removed Requests" of its changelog): served up to
	// 1.2-rev1, and only by builds that predate 13.0 (DECISIONS.md).
	rt.handle("POST", "/api/oauth2/authorization_code", e.vbrUntil("1.2-rev1", e.vbrAuthorizationCode))
	rt.handle("POST", "/api/oauth2/logout", e.logoutHandler(vbrAuthScheme, func(w http.ResponseWriter) {
		writeJSON(w, http.StatusOK, struct{}{})
	}))
	e.vbrSecurityRoutes(rt)
	rt.finish()
	mux.HandleFunc("/", e.vbrVersioned(notFound(VBR)))
}

// vbrVersioned rejects requests without a supported x-api-version.
func (e *Emulator) vbrVersioned(h http.HandlerFunc) http.HandlerFunc {
	return e.versioned(VBR, h)
}

// vbrAuthScheme is how Backup & Replication requests carry their session.
var vbrAuthScheme = bearerScheme(VBR, "")

// vbrAuth authenticates the request's bearer token.
func (e *Emulator) vbrAuth(w http.ResponseWriter, r *http.Request) (Principal, bool) {
	return e.authenticate(w, r, vbrAuthScheme)
}

// vbrUntil serves h only to requests of revision last or earlier, on a
// build whose newest revision is last or earlier; others get vbrAbsent.
func (e *Emulator) vbrUntil(last string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if compareRevisions(revision(r), last) > 0 || compareRevisions(e.newestRevision(VBR), last) > 0 {
			e.vbrAbsent(w, r)
			return
		}
		h(w, r)
	}
}

// vbrSince serves h only to requests of revision first or later; others
// get vbrAbsent.
func (e *Emulator) vbrSince(first string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !revisionAtLeast(r, first) {
			e.vbrAbsent(w, r)
			return
		}
		h(w, r)
	}
}

// vbrAbsent answers a request for an endpoint the request's revision (or
// the build) does not have: 404 NotFound, the specification's "Resource
// does not exist", naming the revision and the build.
func (e *Emulator) vbrAbsent(w http.ResponseWriter, r *http.Request) {
	drain(r)
	writeError(w, r, VBR, errNotFound(fmt.Sprintf("Resource does not exist: %s %s is not part of REST API revision %s on Backup & Replication %s",
		r.Method, r.URL.Path, revision(r), e.Build(VBR))))
}

// ---- token endpoint ----

// vbrTokens is POST /api/oauth2/token: password, refresh_token,
// authorization_code and vbr_token (a platform service token), each with
// use_short_term_refresh.
func (e *Emulator) vbrTokens() tokenEndpoint {
	return tokenEndpoint{
		product: VBR,
		grants: []grant{
			passwordGrant(passwordRules{then: e.vbrPasswordChecked}),
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

// vbrPasswordChecked refuses a correct password while the global MFA
// setting is on and the account is not a service account: MFA does not apply
// to REST logins, so such an account cannot log in over REST (the user
// guide); 403 AccessDenied naming the fix (DECISIONS.md).
func (e *Emulator) vbrPasswordChecked(c *tokenCall, st UserState) {
	if e.VBRMFAEnabled() && !st.ServiceAccount {
		c.fail(badCredentials, errForbidden(fmt.Sprintf("multi-factor authentication is enabled and %q is not a service account: "+
			"MFA does not apply to REST API logins, so only service accounts may log in (POST /api/v1/security/users/{id}/changeServiceAccountMode)", st.Name)))
		return
	}
	c.login(st.Name, c.session())
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

func vbrTokenBody(tp core.Tokens) VBRToken { return bearerTokens(tp, vbrTimeLayout) }

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
