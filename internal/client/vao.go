package client

import (
	"fmt"
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
var VAOFlavor = oauthFlavor(Flavor{
	Product:          VAO,
	Title:            "Veeam Availability Orchestrator",
	DefaultPort:      9899,
	TokenPath:        vaoTokenPath,
	CheckCredentials: vaoLogin.check,
	Login:            vaoLogin.login,
	Logout:           orchestratorLogout,
})

// vaoLogin's user name must be DOMAIN\USERNAME, checked before anything is sent.
var vaoLogin = orchestratorLogin{password: passwordLogin(""), newClientAccount: "create a new client account (POST api/v3/Clients)", checkUsername: CheckVAOUsername}

// CheckVAOUsername returns a ConfigError on FieldUsername unless name is DOMAIN\USERNAME.
func CheckVAOUsername(name string) error {
	if VAOUsernamePattern.MatchString(name) {
		return nil
	}
	return &ConfigError{Field: FieldUsername, Detail: fmt.Sprintf(`%q is not in the DOMAIN\USERNAME format the Availability Orchestrator requires: write the domain, a backslash and the user name, for example VEEAM\administrator`, name)}
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
