package client

import (
	"context"
	"net/url"
)

// GCP is Veeam Backup for Google Cloud.
const GCP Product = "gcp"

// Backup for Google Cloud: /api/v1/token with x-api-version (password, mfa, refresh_token,
// authorization_code; use_short_term_refresh), the family's MFA step (step one answers 202 with
// mfa_token). Its per-user MFA endpoints are not published, so this client has none.

const (
	gcpTokenPath = "/api/v1/token"
	// GCPDefaultVersion is the x-api-version sent when api_version is not set.
	GCPDefaultVersion = "1.4-rev0"
)

var gcpLogin = mfaLogin{path: gcpTokenPath, password: "password", mfa: "mfa", shortLivedFlag: "use_short_term_refresh"}

// GCPFlavor describes Backup for Google Cloud to the lifecycle.
var GCPFlavor = registered(oauthFlavor(Flavor{
	Product:        GCP,
	DefaultPort:    13140,
	VersionHeader:  "x-api-version",
	DefaultVersion: GCPDefaultVersion,
	Login: func(ctx context.Context, s *Session) (*Token, error) {
		c := s.cfg.Credentials
		switch {
		case c.AuthorizationCode != "":
			return singleUseLogin(ctx, s, gcpTokenPath, FieldAuthorizationCode, url.Values{"grant_type": {"authorization_code"}, "code": {c.AuthorizationCode}},
				"the server refused the authorization code: a code is single-use and short-lived")
		case c.RefreshToken != "" && c.Password == "":
			return singleUseLogin(ctx, s, gcpTokenPath, FieldRefreshToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {c.RefreshToken}},
				"the server refused the refresh token: a refresh token works once, since each refresh returns a new one, and expires 2 weeks (60 minutes when short-term) after it was issued")
		}
		return gcpLogin.login(ctx, s)
	},
	Logout: deleteLogout(gcpTokenPath),
}, gcpTokenPath), "Veeam Backup for Google Cloud")

// GCPClient is the Backup for Google Cloud API over one Session.
type GCPClient struct{ *Session }

// NewGCP opens (lazily) a Backup for Google Cloud session.
func NewGCP(cfg Config) (*GCPClient, error) {
	s, err := NewSession(GCPFlavor, cfg)
	if err != nil {
		return nil, err
	}
	return &GCPClient{s}, nil
}
