package client

// GCP is Veeam Backup for Google Cloud.
const GCP Product = "gcp"

// Backup for Google Cloud: /api/v1/token with x-api-version (password, mfa, refresh_token,
// authorization_code; use_short_term_refresh), the family's MFA step (step one answers 202 with
// mfa_token). Its per-user MFA endpoints are not published, so this client has none.

// GCPDefaultVersion is the x-api-version sent when api_version is not set.
const GCPDefaultVersion = "1.4-rev0"

// GCPFlavor describes Backup for Google Cloud to the lifecycle.
var GCPFlavor = oauthFlavor(Flavor{
	Product:        GCP,
	Title:          "Veeam Backup for Google Cloud",
	DefaultPort:    13140,
	TokenPath:      "/api/v1/token",
	VersionHeader:  "x-api-version",
	DefaultVersion: GCPDefaultVersion,
	Login:          gcpLogin.login,
	Logout:         deleteLogout,
})

// gcpLogin is the family's login with Google Cloud's short-term flag.
var gcpLogin = cloudLogin{mfaLogin: mfaLogin{grants: oauthGrants, shortLivedFlag: "use_short_term_refresh"},
	codeRule: "short-lived", refreshLife: "2 weeks (60 minutes when short-term)"}

// GCPClient is the Backup for Google Cloud API over one Session.
type GCPClient struct{ *Session }

// NewGCP opens (lazily) a Backup for Google Cloud session.
func NewGCP(cfg Config) (*GCPClient, error) {
	return newClient[GCPClient](GCPFlavor, cfg)
}
