package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// AZURE is Veeam Backup for Microsoft Azure.
const AZURE Product = "azure"

// Backup for Microsoft Azure: /api/oauth2/token (a form, capitalised grant names Password, Mfa,
// Refresh_token; short_lived_refresh_token), the family's MFA step (step one answers 200 with
// mfa_token); DELETE /api/oauth2/token logs out. Resource paths carry the version:
// /api/v8.1/users/{id}/enableMfa, acceptMfa (204), disableMfa (204).

// AzureDefaultVersion is the version segment of resource paths when api_version is not set: v8.1,
// the version of the published specification.
const AzureDefaultVersion = "v8.1"

// AzureFlavor describes Backup for Microsoft Azure to the lifecycle.
var AzureFlavor = oauthFlavor(Flavor{
	Product:          AZURE,
	Title:            "Veeam Backup for Microsoft Azure",
	DefaultPort:      443,
	TokenPath:        "/api/oauth2/token",
	DefaultVersion:   AzureDefaultVersion,
	CheckCredentials: checkRefreshOrPassword,
	Login:            azureLogin.login,
	Refresh:          refreshGrant(azureGrants.refresh),
	Logout:           deleteLogout,
})

// azureGrants are Backup for Microsoft Azure's capitalised grant names.
var azureGrants = grantNames{password: "Password", mfa: "Mfa", refresh: "Refresh_token"}

// azureLogin is the family's login without an authorization_code grant, which Backup for
// Microsoft Azure does not have.
var azureLogin = cloudLogin{mfaLogin: mfaLogin{grants: azureGrants, shortLivedFlag: "short_lived_refresh_token"},
	refreshLife: "14 days (15 minutes when short-lived)"}

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
	return newClient[AzureClient](AzureFlavor, cfg)
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

// usersPath is "/api/<version>/users".
func (c *AzureClient) usersPath() string { return "/api" + c.pathVersion() + "/users" }

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

// UserNamed reads the user called name (NameFilter); IsNotFound(err) when there is none.
func (c *AzureClient) UserNamed(ctx context.Context, name string) (*AzureUser, error) {
	users, err := c.ListUsers(ctx, name)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if strings.EqualFold(u.Name, name) {
			return &u, nil
		}
	}
	return nil, &APIError{Product: AZURE, Method: http.MethodGet, Path: c.usersPath(), Status: http.StatusNotFound,
		Message: "no user named " + strconv.Quote(name)}
}

// mfa is the MFA of the user called name: the MFA endpoints address users by id.
func (c *AzureClient) mfa(ctx context.Context, name string) (userMFA, error) {
	u, err := c.UserNamed(ctx, name)
	if err != nil {
		return userMFA{}, err
	}
	return userMFA{s: c.Session, user: c.usersPath() + "/" + url.PathEscape(u.ID), mfaOn: func(ctx context.Context) bool {
		on, err := c.UserMFAEnabled(ctx, name)
		return err == nil && on
	}}, nil
}

// UserMFAEnabled reads whether the user called name has MFA on; IsNotFound(err) when there is
// no such user.
func (c *AzureClient) UserMFAEnabled(ctx context.Context, name string) (bool, error) {
	u, err := c.UserNamed(ctx, name)
	if err != nil {
		return false, err
	}
	return u.MFAEnabled, nil
}

// DisableMFA turns MFA off for the user called name (204).
func (c *AzureClient) DisableMFA(ctx context.Context, name string) error {
	m, err := c.mfa(ctx, name)
	if err != nil {
		return err
	}
	return m.disable(ctx)
}

// EnrollMFA enables (recreate: re-creates) MFA for the user called name with a computed code
// (enableMfa, acceptMfa → 204); the outcomes of lost and refused answers are userMFA.enroll's.
func (c *AzureClient) EnrollMFA(ctx context.Context, name string, recreate bool) (*MFAEnrollment, error) {
	m, err := c.mfa(ctx, name)
	if err != nil {
		return nil, err
	}
	return m.enroll(ctx, recreate)
}
