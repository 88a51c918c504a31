package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// AWS is Veeam Backup for AWS.
const AWS Product = "aws"

// Backup for AWS: OAuth-style /api/v1/token with password, mfa, authorization_code and
// refresh_token grants; SSO through identityProvider/token; per-user TOTP MFA.

// awsTokenPath is the token endpoint. The x-api-version header is negotiated when api_version
// is unset (versions.go): 1.8-rev0 (Backup for AWS 10) down to 1.0-rev0.
const awsTokenPath = "/api/v1/token"

// AWSFlavor describes Backup for AWS to the lifecycle.
var AWSFlavor = oauthFlavor(Flavor{
	Product:       AWS,
	Title:         "Veeam Backup for AWS",
	DefaultPort:   11005,
	TokenPath:     awsTokenPath,
	VersionHeader: "x-api-version",
	Login:         awsLogin,
	Logout:        deleteLogout,
})

// awsLogin logs in with a SAML response at identityProvider/token when one is set, else as the
// rest of the family does.
func awsLogin(ctx context.Context, s *Session) (*Token, error) {
	if r := s.cfg.Credentials.SAMLResponse; r != "" {
		return singleUseLogin(ctx, s, "/api/v1/identityProvider/token", FieldSAMLResponse, url.Values{"SamlResponse": {r}},
			"the server refused the SAML response: a SAML response is single-use and expires minutes after the identity provider issued it")
	}
	return awsFamilyLogin.login(ctx, s)
}

// awsFamilyLogin is the family's login with Backup for AWS's rules for codes and refresh tokens.
var awsFamilyLogin = cloudLogin{mfaLogin: mfaLogin{grants: oauthGrants}, codeRule: "expires 60 s (by default)", refreshLife: "2 h (by default)"}

// AWSClient is the typed Backup for AWS API over one Session.
type AWSClient struct{ *Session }

// NewAWS opens (lazily) a Backup for AWS session.
func NewAWS(cfg Config) (*AWSClient, error) {
	return newClient[AWSClient](AWSFlavor, cfg)
}

// AWSAuthorizationCodeLifetime is the documented default lifetime of an authorization code.
const AWSAuthorizationCodeLifetime = 60 * time.Second

// AuthorizationCode asks for a single-use code that logs in as this session's user. The 1.0-rev0
// spec spells the path /token/authorizationCode; later revisions /token/authorization_code. The
// session logs in (and so settles its revision) before the path is chosen.
func (c *AWSClient) AuthorizationCode(ctx context.Context) (string, error) {
	if _, err := c.Credential(ctx); err != nil {
		return "", err
	}
	path := "/api/v1/token/authorization_code"
	if c.APIVersion() == "1.0-rev0" {
		path = "/api/v1/token/authorizationCode"
	}
	return authorizationCode(ctx, c.Session, path)
}

// SignOnURL asks where an identity-provider user signs on (SSO step one). It needs no token.
func (c *AWSClient) SignOnURL(ctx context.Context, userName string) (string, error) {
	resp, err := c.Send(ctx, Request{Method: http.MethodGet, Path: "/api/v1/identityProvider/signOnUrl", Query: url.Values{"userName": {userName}}}, nil)
	if err != nil {
		return "", err
	}
	var r struct {
		RedirectToURL string `json:"redirectToUrl"`
	}
	if err := resp.Decode(&r); err != nil {
		return "", err
	}
	return r.RedirectToURL, nil
}
