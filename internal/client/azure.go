package client

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// AZURE is Veeam Backup for Microsoft Azure.
const AZURE Product = "azure"

// Backup for Microsoft Azure: /api/oauth2/token (a form, capitalised grant names Password, Mfa,
// Refresh_token; short_lived_refresh_token), the family's MFA step (step one answers 200 with
// mfa_token); DELETE /api/oauth2/token logs out. Resource paths carry the version:
// /api/v8.1/users/{id}/enableMfa, acceptMfa (204), disableMfa (204).

const (
	azureTokenPath = "/api/oauth2/token"
	// AzureDefaultVersion is the version segment of resource paths when api_version is not set:
	// v8.1, the version of the published specification.
	AzureDefaultVersion = "v8.1"
)

var azureLogin = mfaLogin{path: azureTokenPath, password: "Password", mfa: "Mfa", shortLivedFlag: "short_lived_refresh_token"}

// AzureFlavor describes Backup for Microsoft Azure to the lifecycle.
var AzureFlavor = registered(oauthFlavor(Flavor{
	Product:          AZURE,
	DefaultPort:      443,
	DefaultVersion:   AzureDefaultVersion,
	CheckCredentials: func(c Credentials) error { return checkRefreshOrPassword(c) },
	Login: func(ctx context.Context, s *Session) (*Token, error) {
		c := s.cfg.Credentials
		if c.RefreshToken != "" && c.Password == "" {
			return singleUseLogin(ctx, s, azureTokenPath, FieldRefreshToken, url.Values{"grant_type": {"Refresh_token"}, "refresh_token": {c.RefreshToken}},
				"the server refused the refresh token: a refresh token works once, since each refresh returns a new one, and expires 14 days (15 minutes when short-lived) after it was issued")
		}
		return azureLogin.login(ctx, s)
	},
	Refresh: refreshGrantNamed(azureTokenPath, "Refresh_token"),
	Logout: func(ctx context.Context, s *Session, t *Token) error {
		_, err := s.Send(ctx, Request{Method: http.MethodDelete, Path: azureTokenPath}, t)
		return err
	},
}, azureTokenPath), "Veeam Backup for Microsoft Azure")

// checkRefreshOrPassword: an initial refresh token logs in alone; anything else needs username
// and password.
func checkRefreshOrPassword(c Credentials) error {
	if c.RefreshToken != "" && c.Password == "" {
		return nil
	}
	return requirePassword(c)
}

// AzureClient is the typed Backup for Microsoft Azure API over one Session.
type AzureClient struct{ *Session }

// NewAzure opens (lazily) a Backup for Microsoft Azure session.
func NewAzure(cfg Config) (*AzureClient, error) {
	s, err := NewSession(AzureFlavor, cfg)
	if err != nil {
		return nil, err
	}
	return &AzureClient{s}, nil
}

// AzureUser is a Backup for Microsoft Azure user (the User schema).
type AzureUser struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Role        string `json:"role"`
	Type        string `json:"type"`
	MFAEnabled  bool   `json:"mfaEnabled"`
	IsDefault   bool   `json:"isDefault"`
}

// usersPath is "/api/<version>/users", "v" added to the version when missing.
func (c *AzureClient) usersPath() string {
	v := strings.Trim(c.Config().APIVersion, "/ ")
	if !strings.HasPrefix(strings.ToLower(v), "v") {
		v = "v" + v
	}
	return "/api/" + url.PathEscape(v) + "/users"
}

// ListUsers lists every user, or (name not "") the user called name.
func (c *AzureClient) ListUsers(ctx context.Context, name string) ([]AzureUser, error) {
	q := url.Values{"Limit": {"-1"}}
	if name != "" {
		q.Set("NameFilter", name)
	}
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: c.usersPath(), Query: q})
	if err != nil {
		return nil, err
	}
	var page struct {
		Results []AzureUser `json:"results"`
	}
	return page.Results, resp.Decode(&page)
}

// GetUser reads the user whose id is id; IsNotFound(err) when there is none.
func (c *AzureClient) GetUser(ctx context.Context, id string) (*AzureUser, error) {
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: c.usersPath() + "/" + url.PathEscape(id)})
	if err != nil {
		return nil, err
	}
	var u AzureUser
	return &u, resp.Decode(&u)
}

// mfa is the MFA of the user id.
func (c *AzureClient) mfa(id string) userMFA {
	return userMFA{s: c.Session, user: c.usersPath() + "/" + url.PathEscape(id), mfaActive: func(ctx context.Context) (bool, error) {
		u, err := c.GetUser(ctx, id)
		if err != nil {
			return false, err
		}
		return u.MFAEnabled, nil
	}}
}

// EnableMFA starts an MFA enrollment of the user id (recreate: replace an active secret).
func (c *AzureClient) EnableMFA(ctx context.Context, id string, recreate bool) (*MFAEnrollment, error) {
	return c.mfa(id).enable(ctx, recreate)
}

// AcceptMFA confirms the enrollment with a code of the new secret and its token (204).
func (c *AzureClient) AcceptMFA(ctx context.Context, id, code, token string) error {
	return c.mfa(id).accept(ctx, code, token)
}

// DisableMFA turns MFA off for the user id (204).
func (c *AzureClient) DisableMFA(ctx context.Context, id string) error {
	return c.mfa(id).disable(ctx)
}

// EnrollMFA enables (recreate: re-creates) MFA for the user id with a computed code.
func (c *AzureClient) EnrollMFA(ctx context.Context, id string, recreate bool) (*MFAEnrollment, error) {
	return c.mfa(id).enroll(ctx, recreate)
}
