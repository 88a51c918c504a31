package client

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
)

// VAO is Veeam Availability Orchestrator.
const VAO Product = "vao"

// Veeam Availability Orchestrator, the Recovery Orchestrator's older name: OAuth 2.0 /token with
// the password grant (the user name must be DOMAIN\USERNAME), the client_credentials grant of
// a client account (3.0: created with POST api/v3/Clients) and refresh_token; DELETE
// /api/token logs out.

const vaoTokenPath = "/token"

// VAOUsernamePattern is the DOMAIN\USERNAME form the Availability Orchestrator requires: a
// domain without spaces or backslashes, one backslash, and a user name.
var VAOUsernamePattern = regexp.MustCompile(`^[^\\\s]+\\[^\\\s][^\\]*$`)

// VAOFlavor describes Availability Orchestrator to the lifecycle. The default port is the
// emulator's choice: the reference documents name none.
var VAOFlavor = registered(oauthFlavor(Flavor{
	Product:     VAO,
	DefaultPort: 9899,
	CheckCredentials: func(c Credentials) error {
		if c.ClientID != "" || c.ClientSecret != "" {
			return checkClientAccount(c)
		}
		if err := checkSingleUseOrPassword(c); err != nil || c.Password == "" {
			return err
		}
		return CheckVAOUsername(c.Username)
	},
	Login:  vaoLogin,
	Logout: orchestratorLogout,
}, vaoTokenPath), "Veeam Availability Orchestrator")

// CheckVAOUsername returns a ConfigError on FieldUsername unless name is DOMAIN\USERNAME.
func CheckVAOUsername(name string) error {
	if VAOUsernamePattern.MatchString(name) {
		return nil
	}
	return &ConfigError{Field: FieldUsername, Detail: fmt.Sprintf(`%q is not in the DOMAIN\USERNAME format the Availability Orchestrator requires: write the domain, a backslash and the user name, for example VEEAM\administrator`, name)}
}

// vaoLogin logs in with the client account when client_id or client_secret is set, else with
// an initial refresh token when only that is set, else with username and password; the
// username's form is checked before anything is sent.
func vaoLogin(ctx context.Context, s *Session) (*Token, error) {
	c := s.cfg.Credentials
	switch {
	case c.ClientID != "" || c.ClientSecret != "":
		return grantLogin(ctx, s, vaoTokenPath, url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ClientID}, "client_secret": {c.ClientSecret}}, c.ClientID,
			FieldClientSecret, "a lost client secret cannot be recovered: create a new client account (POST api/v3/Clients)")
	case c.RefreshToken != "" && c.Password == "":
		return refreshTokenLogin(ctx, s, vaoTokenPath)
	}
	return passwordGrant(ctx, s, vaoTokenPath, "")
}

// VAOClient is the typed Availability Orchestrator API over one Session.
type VAOClient struct{ *Session }

// NewVAO opens (lazily) an Availability Orchestrator session. A username that is set but not
// DOMAIN\USERNAME fails here, before any request.
func NewVAO(cfg Config) (*VAOClient, error) {
	if u := cfg.Credentials.Username; u != "" {
		if err := CheckVAOUsername(u); err != nil {
			return nil, err
		}
	}
	return newClient[VAOClient](VAOFlavor, cfg)
}
