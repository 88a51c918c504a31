package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// M365 is Veeam Backup for Microsoft 365.
const M365 Product = "m365"

// Veeam Backup for Microsoft 365, REST API v8: POST /v8/token with the password grant, the
// refresh_token grant, and two grants of a client_id with an assertion from the Microsoft
// identity platform: operator (a restore operator, client_id userId.tenantId) and
// urn:ietf:params:oauth:grant-type:jwt-bearer (an application ID). POST /v8/token/logout logs
// out; POST /v8/token/AuthCode issues a one-time authorization code. The version is the first
// path segment.

const (
	// M365DefaultVersion is the path segment of requests when api_version is not set.
	M365DefaultVersion = "v8"
	// M365AuthorizationCodeLifetime is the lifetime the provider reports for a code from
	// /token/AuthCode. Veeam does not document one: this is the emulator's choice.
	M365AuthorizationCodeLifetime = 60 * time.Second
	// m365JWTBearer is the jwt-bearer grant's grant_type.
	m365JWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"
)

// M365AssertionGrants are the values of assertion_grant: the operator grant (the default) and
// the jwt-bearer grant.
var M365AssertionGrants = []string{"operator", "jwt-bearer"}

// M365Flavor describes Backup for Microsoft 365 to the lifecycle.
var M365Flavor = oauthFlavor(Flavor{
	Product:          M365,
	Title:            "Veeam Backup for Microsoft 365",
	DefaultPort:      4443,
	DefaultVersion:   M365DefaultVersion,
	CheckCredentials: m365CheckCredentials,
	Login:            m365Login,
	Refresh: func(ctx context.Context, s *Session, t *Token) (*Token, error) {
		return refreshAt(ctx, s, t, m365Path(s, "/token"), oauthGrants.refresh)
	},
	Logout: func(ctx context.Context, s *Session, t *Token) error {
		_, err := s.Send(ctx, Request{Method: http.MethodPost, Path: m365Path(s, "/token/logout")}, t)
		return err
	},
})

// m365Path is rest under the configured version: /v8/token.
func m365Path(s *Session, rest string) string { return s.pathVersion() + rest }

// m365CheckCredentials: client_id with an assertion (and a known assertion_grant), or username
// and password; not both.
func m365CheckCredentials(c Credentials) error {
	if c.ClientID == "" && c.Assertion == "" {
		return requirePassword(c)
	}
	if err := m365Assertion.check(c, c.Assertion); err != nil {
		return err
	}
	if c.AssertionGrant != "" && !slices.Contains(M365AssertionGrants, c.AssertionGrant) {
		return &ConfigError{Field: FieldAssertionGrant, Detail: fmt.Sprintf("%q is not a grant: use operator (a restore operator) or jwt-bearer (an application)", c.AssertionGrant)}
	}
	return nil
}

// m365Assertion is the login with client_id and an assertion from the Microsoft identity platform.
var m365Assertion = clientLogin{second: FieldAssertion, conflictField: FieldAssertion,
	either:      "a Veeam user (username and password) or with client_id and assertion",
	needsID:     "assertion needs the client_id it was issued for",
	needsSecond: "client_id needs an assertion from the Microsoft identity platform"}

// m365Login logs in with client_id and assertion when they are set, else with username and
// password.
func m365Login(ctx context.Context, s *Session) (*Token, error) {
	c := s.cfg.Credentials
	path := m365Path(s, "/token")
	if c.Assertion == "" {
		return passwordGrant(ctx, s, path, "")
	}
	grant := "operator"
	if c.AssertionGrant == "jwt-bearer" {
		grant = m365JWTBearer
	}
	return grantLogin(ctx, s, path, url.Values{"grant_type": {grant}, "client_id": {c.ClientID}, "assertion": {c.Assertion}}, c.ClientID,
		FieldAssertion, "assertions from the Microsoft identity platform expire within the hour: get a fresh one")
}

// M365Client is the typed Backup for Microsoft 365 API over one Session.
type M365Client struct{ *Session }

// NewM365 opens (lazily) a Backup for Microsoft 365 session.
func NewM365(cfg Config) (*M365Client, error) {
	return newClient[M365Client](M365Flavor, cfg)
}

// AuthorizationCode asks POST /v8/token/AuthCode for a one-time authorization code of this
// session's user. Not retried after a lost connection: each answer is a new code.
func (c *M365Client) AuthorizationCode(ctx context.Context) (string, error) {
	return authorizationCode(ctx, c.Session, m365Path(c.Session, "/token/AuthCode"))
}
