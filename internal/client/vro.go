package client

import (
	"context"
	"net/http"
)

// VRO is Veeam Recovery Orchestrator.
const VRO Product = "vro"

// Veeam Recovery Orchestrator: OAuth 2.0 /api/token with the password grant (DOMAIN\USERNAME or
// USERNAME), followed for a user with MFA by the mfa grant (mfa_token + mfa_passcode, since
// 7.2.1), the client_credentials grant of a dedicated client account, and refresh_token;
// DELETE /api/token logs out. Resource paths carry the API version: /api/v7.21/...

const (
	vroTokenPath = "/api/token"
	// VRODefaultVersion is the version segment of resource paths when api_version is not set:
	// v7.21, the one every Orchestrator from 7.2.1 to 13.1 supports.
	VRODefaultVersion = "v7.21"
)

// VROFlavor describes Recovery Orchestrator to the lifecycle.
var VROFlavor = oauthFlavor(Flavor{
	Product:          VRO,
	Title:            "Veeam Recovery Orchestrator",
	DefaultPort:      9898,
	TokenPath:        vroTokenPath,
	DefaultVersion:   VRODefaultVersion,
	CheckCredentials: vroLogin.check,
	Login:            vroLogin.login,
	Logout:           orchestratorLogout,
})

// orchestratorLogout is DELETE /api/token, for both orchestrators (the Availability
// Orchestrator's reference says api/token too, although it logs in at /token).
func orchestratorLogout(ctx context.Context, s *Session, t *Token) error {
	_, err := s.Send(ctx, Request{Method: http.MethodDelete, Path: vroTokenPath}, t)
	return err
}

var vroLogin = orchestratorLogin{password: vroPasswordLogin.login, newClientAccount: "create a new client account"}

// vroPasswordLogin is the password grant (DOMAIN\USERNAME or USERNAME), then for a user with MFA
// the mfa grant with mfa_passcode, the Recovery Orchestrator's spelling of Backup for AWS's
// mfa_code; a code it refuses is answered 400 or 401.
var vroPasswordLogin = mfaLogin{grants: oauthGrants, codeField: "mfa_passcode",
	codeRefused: []int{http.StatusBadRequest, http.StatusUnauthorized}, userNameRule: `the user name is DOMAIN\USERNAME or USERNAME`}

// VROClient is the typed Recovery Orchestrator API over one Session.
type VROClient struct{ *Session }

// NewVRO opens (lazily) a Recovery Orchestrator session.
func NewVRO(cfg Config) (*VROClient, error) {
	return newClient[VROClient](VROFlavor, cfg)
}

// VROClientAccount is a client account as GET /api/{version}/Clients lists it.
type VROClientAccount struct {
	ClientID string `json:"clientId"`
}

// versionPath is "/api/<version>".
func (c *VROClient) versionPath() string { return "/api" + c.pathVersion() }

// ListClients lists the client accounts the session may see: a user sees the clients it
// created, a client only itself.
func (c *VROClient) ListClients(ctx context.Context) ([]VROClientAccount, error) {
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: c.versionPath() + "/Clients"})
	if err != nil {
		return nil, err
	}
	var out []VROClientAccount
	return out, resp.Decode(&out)
}
