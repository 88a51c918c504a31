package emulator

// Veeam Backup for AWS: routes, token wire formats and the token endpoint's
// description (awsTokens). Users and MFA are in aws_users.go, single
// sign-on in aws_sso.go, revisions in aws_revisions.go; the domain
// (sessions, tokens, MFA) is package core.

import (
	"net/http"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// awsWire is Backup for AWS as the emulator serves it.
var awsWire = productWire{routes: (*Emulator).awsRoutes, errorBody: awsErrorBody, lifetimes: lifetimes(time.Hour, 2*time.Hour),
	accountFlags: []string{"mfaSecret", "identityProvider"}, versionRefusal: awsVersionRefusal}

// secondsTimeLayout is the layout of ".issued" and ".expires" in the Backup for
// AWS document: no fractional seconds, no UTC offset (the emulator writes UTC).
const secondsTimeLayout = "2006-01-02T15:04:05"

// samlRequestLifetime is how long a SAMLRequest from signOnUrl stays usable,
// and samlResponseLifetime how long the IdP's SAMLResponse does.
const (
	samlRequestLifetime  = 10 * time.Minute
	samlResponseLifetime = 5 * time.Minute
)

// AWSToken is the token response of POST /api/v1/token and
// POST /api/v1/identityProvider/token.
type AWSToken struct {
	BearerTokens
	Username string `json:"username"`
	RoleName string `json:"roleName"`
}

// AWSMFARequired is the answer to a password grant for a user with MFA on.
type AWSMFARequired struct {
	Username   string `json:"username"`
	MFAEnabled bool   `json:"mfa_enabled"`
	MFAToken   string `json:"mfa_token"`
}

func (e *Emulator) awsRoutes(mux *http.ServeMux) {
	rt := newRouter(mux, AWS, e.awsVersioned)
	rt.handle("POST", "/api/v1/token", e.tokenHandler(awsTokens))
	rt.handle("DELETE", "/api/v1/token", e.logoutHandler(awsAuthScheme, noContent))
	// 1.0-rev0 spells it authorizationCode, the 1.7 document authorization_code.
	rt.handle("POST", "/api/v1/token/authorizationCode", awsUntil("1.0-rev0", e.awsAuthorizationCode))
	rt.handle("POST", "/api/v1/token/authorization_code", awsSince(awsRenamedRevision, e.awsAuthorizationCode))
	rt.handle("GET", "/api/v1/identityProvider/signOnUrl", awsSince(awsSSORevision, e.awsSignOnURL))
	rt.handle("POST", "/api/v1/identityProvider/token", awsSince(awsSSORevision, e.tokenHandler(awsSAMLTokens)))
	rt.handle("GET", "/api/v1/users", e.awsListUsers)
	rt.handle("POST", "/api/v1/users", e.awsCreateUser)
	rt.handle("GET", "/api/v1/users/{userId}", e.awsGetUser)
	rt.handle("PUT", "/api/v1/users/{userId}", e.awsUpdateUser)
	rt.handle("DELETE", "/api/v1/users/{userId}", e.awsDeleteUser)
	awsUserMFA.routes(e, rt, "/api/v1/users/{userId}")
	rt.finish()

	// The identity provider's sign-on page: a separate service in real
	// life, served on the same listener here, without x-api-version.
	idp := newRouter(mux, AWS, nil)
	idp.handle("GET", "/idp/sso", e.idpPage)
	idp.handle("POST", "/idp/sso", e.idpSignOn)
	idp.finish()

	mux.HandleFunc("/", e.awsVersioned(notFound(AWS)))
}

// awsAuthScheme is how Backup for AWS requests carry their session.
var awsAuthScheme = bearerScheme(AWS, "")

// awsAuth authenticates the request's bearer token.
func (e *Emulator) awsAuth(w http.ResponseWriter, r *http.Request) (Principal, bool) {
	return e.authenticate(w, r, awsAuthScheme)
}

// ---- token endpoint ----

// awsTokens is POST /api/v1/token: password (with an MFA step for users
// with MFA on), mfa, refresh_token and authorization_code.
var awsTokens = tokenEndpoint{
	product: AWS,
	grants: []grant{
		passwordGrant(passwordRules{then: awsPasswordChecked}),
		awsMFAStep.grant(),
		refreshGrant(),
		authorizationCodeGrant(),
	},
	fail:  productErrors,
	write: awsWriteTokens,
}

func awsWriteTokens(w http.ResponseWriter, _ *http.Request, tp core.Tokens) {
	writeJSON(w, http.StatusOK, awsTokenBody(tp))
}

// awsPasswordChecked decides what a correct password yields: nothing for an
// identity-provider user, an mfa_token for a user with MFA on, else tokens.
func awsPasswordChecked(c *tokenCall, st UserState) {
	if st.IdentityProvider {
		c.fail(badCredentials, errAccessDenied("identity provider users sign in through single sign-on"))
		return
	}
	awsMFAStep.passwordChecked(c, st)
}

// awsMFAStep: step one answers 200 with the user's name and the mfa_token.
var awsMFAStep = mfaStep{status: http.StatusOK, body: func(st UserState, mt string) any {
	return AWSMFARequired{Username: st.Name, MFAEnabled: true, MFAToken: mt}
}}

func awsTokenBody(tp core.Tokens) AWSToken {
	return AWSToken{BearerTokens: bearerTokens(tp, secondsTimeLayout), Username: tp.UserName, RoleName: tp.Role}
}

func (e *Emulator) awsAuthorizationCode(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.awsAuth(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"code": e.issueAuthorizationCode(AWS, pr.UserName)})
}
