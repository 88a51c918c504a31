package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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
var VROFlavor = registered(oauthFlavor(Flavor{
	Product:        VRO,
	DefaultPort:    9898,
	DefaultVersion: VRODefaultVersion,
	CheckCredentials: func(c Credentials) error {
		if c.ClientID != "" || c.ClientSecret != "" {
			return checkClientAccount(c)
		}
		return checkSingleUseOrPassword(c)
	},
	Login:  vroLogin,
	Logout: orchestratorLogout,
}, vroTokenPath), "Veeam Recovery Orchestrator")

// orchestratorLogout is DELETE /api/token, for both orchestrators (the Availability
// Orchestrator's reference says api/token too, although it logs in at /token).
func orchestratorLogout(ctx context.Context, s *Session, t *Token) error {
	_, err := s.Send(ctx, Request{Method: http.MethodDelete, Path: vroTokenPath}, t)
	return err
}

// vroLogin logs in with the client account when client_id or client_secret is set, else with an
// initial refresh token when only that is set, else with username and password.
func vroLogin(ctx context.Context, s *Session) (*Token, error) {
	c := s.cfg.Credentials
	switch {
	case c.ClientID != "" || c.ClientSecret != "":
		return orchestratorGrant(ctx, s, vroTokenPath, url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ClientID}, "client_secret": {c.ClientSecret}}, c.ClientID,
			FieldClientSecret, "a lost client secret cannot be recovered: create a new client account")
	case c.RefreshToken != "" && c.Password == "":
		return orchestratorRefreshLogin(ctx, s, vroTokenPath)
	}
	tok, err := vroPasswordLogin(ctx, s, c)
	if err != nil && c.TOTPSecret != "" && c.MFACode == "" && errors.Is(err, ErrMFACodeRejected) {
		// As for Backup for AWS: the code may have been computed at the very end of its step,
		// or refused as seen before; wait for the next step and try once more.
		if err := s.waitNextTOTPStep(ctx); err != nil {
			return nil, err
		}
		return vroPasswordLogin(ctx, s, c)
	}
	return tok, err
}

// vroPasswordLogin is the password grant, then for a user with MFA the mfa grant: the first
// answer carries an mfa_token instead of an access token, the second exchanges it with a code
// (mfa_passcode, the Recovery Orchestrator's spelling of Backup for AWS's mfa_code).
func vroPasswordLogin(ctx context.Context, s *Session, c Credentials) (*Token, error) {
	tr, err := orchestratorPost(ctx, s, vroTokenPath, url.Values{"grant_type": {"password"}, "username": {c.Username}, "password": {c.Password}},
		FieldPassword, `the user name is DOMAIN\USERNAME or USERNAME`)
	if err != nil {
		return nil, err
	}
	if tr.AccessToken == "" && tr.MFAToken != "" {
		code, err := mfaCode(c, s.Now())
		if err != nil {
			return nil, err
		}
		tr, err = postForm(ctx, s, vroTokenPath, url.Values{"grant_type": {"mfa"}, "mfa_token": {tr.MFAToken}, "mfa_passcode": {code}})
		if hasStatus(err, http.StatusBadRequest, http.StatusUnauthorized) {
			return nil, fmt.Errorf("%w: %w", ErrMFACodeRejected, err)
		}
		if err != nil {
			return nil, err
		}
	}
	t, err := tr.token(s.Now())
	if err == nil && t.Username == "" {
		t.Username = c.Username
	}
	return t, err
}

// checkClientAccount checks a client-account login (client_credentials): both halves, and no
// password or MFA code beside them.
func checkClientAccount(c Credentials) error {
	switch {
	case c.Username != "" || c.Password != "" || c.TOTPSecret != "" || c.MFACode != "":
		return &ConfigError{Field: FieldClientID, Reason: ReasonConflict, Other: FieldPassword,
			Detail: "conflicts with username/password: log in either as a user (username and password) or as a client account (client_id and client_secret)"}
	case c.ClientID == "":
		return &ConfigError{Field: FieldClientID, Reason: ReasonMissing, Detail: "client_secret needs the client_id of the same client account"}
	case c.ClientSecret == "":
		return &ConfigError{Field: FieldClientSecret, Reason: ReasonMissing, Detail: "client_id needs the client_secret of the same client account"}
	}
	return nil
}

// orchestratorPost posts a login grant to path. A 400 or 401 (the OAuth 2.0 invalid_grant and
// invalid_client) becomes a ConfigError (ReasonRejected) on field, with hint, the API's advice;
// the server's answer is kept.
func orchestratorPost(ctx context.Context, s *Session, path string, form url.Values, field Field, hint string) (*tokenResponse, error) {
	tr, err := postForm(ctx, s, path, form)
	if hasStatus(err, http.StatusBadRequest, http.StatusUnauthorized) {
		return nil, &ConfigError{Field: field, Reason: ReasonRejected, Detail: "the server rejected the credentials", Hint: hint, Err: err}
	}
	return tr, err
}

// orchestratorGrant is orchestratorPost of a grant that answers with tokens; name is the user
// the tokens belong to when the answer does not say.
func orchestratorGrant(ctx context.Context, s *Session, path string, form url.Values, name string, field Field, hint string) (*Token, error) {
	tr, err := orchestratorPost(ctx, s, path, form, field, hint)
	if err != nil {
		return nil, err
	}
	t, err := tr.token(s.Now())
	if err == nil && t.Username == "" {
		t.Username = name
	}
	return t, err
}

// orchestratorRefreshLogin starts the session from Credentials.RefreshToken, once.
func orchestratorRefreshLogin(ctx context.Context, s *Session, path string) (*Token, error) {
	if err := s.markSingleUseSpent(FieldRefreshToken); err != nil {
		return nil, err
	}
	tr, err := postForm(ctx, s, path, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {s.cfg.Credentials.RefreshToken}})
	if err != nil {
		return nil, err
	}
	return tr.token(s.Now())
}

// VROClient is the typed Recovery Orchestrator API over one Session.
type VROClient struct{ *Session }

// NewVRO opens (lazily) a Recovery Orchestrator session.
func NewVRO(cfg Config) (*VROClient, error) {
	s, err := NewSession(VROFlavor, cfg)
	if err != nil {
		return nil, err
	}
	return &VROClient{s}, nil
}

// VROClientAccount is a client account as GET /api/{version}/Clients lists it.
type VROClientAccount struct {
	ClientID string `json:"clientId"`
}

// versionPath is "/api/<version>" with the configured version, "v" added when missing.
func (c *VROClient) versionPath() string {
	v := strings.Trim(c.Config().APIVersion, "/ ")
	if !strings.HasPrefix(strings.ToLower(v), "v") {
		v = "v" + v
	}
	return "/api/" + url.PathEscape(v)
}

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
