package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// VBR is Veeam Backup & Replication.
const VBR Product = "vbr"

// Veeam Backup & Replication: OAuth-style /api/oauth2/token with password, authorization_code
// and refresh_token grants (refresh tokens are single use), POST /api/oauth2/logout, and the
// security endpoints of REST API 1.3 (users, their MFA, the global MFA switch).

const (
	vbrTokenPath = "/api/oauth2/token"
	// VBRDefaultVersion is the x-api-version sent when api_version is not set: the newest
	// revision the reference lists.
	VBRDefaultVersion = "1.3-rev1"
)

// VBRFlavor describes Backup & Replication to the lifecycle.
// The reference spells the refresh grant in lower case; newer appliances also accept
// "Refresh_token" (the emulator matches case-insensitively).
var VBRFlavor = registered(oauthFlavor(Flavor{
	Product:        VBR,
	DefaultPort:    9419,
	VersionHeader:  "x-api-version",
	DefaultVersion: VBRDefaultVersion,
	Login:          vbrLogin,
	Logout: func(ctx context.Context, s *Session, t *Token) error {
		// Not retry-safe (design/retries.md): after a lost answer the token is dead.
		_, err := s.Send(ctx, Request{Method: http.MethodPost, Path: "/api/oauth2/logout"}, t)
		return err
	},
}, vbrTokenPath), "Veeam Backup & Replication")

// vbrLogin logs in with, in this order, an authorization code, an initial refresh token or a
// password. The provider makes sure exactly one is configured.
func vbrLogin(ctx context.Context, s *Session) (*Token, error) {
	c := s.cfg.Credentials
	const refused = "was rejected by the server (it is single use, short-lived and valid only on the server that issued it)"
	var t *Token
	var err error
	switch {
	case c.AuthorizationCode != "":
		form := url.Values{"grant_type": {"authorization_code"}, "code": {c.AuthorizationCode}}
		if c.UseShortTermRefresh {
			form.Set("use_short_term_refresh", "true")
		}
		t, err = singleUseLogin(ctx, s, vbrTokenPath, FieldAuthorizationCode, form, refused)
	case c.RefreshToken != "" && c.Password == "":
		t, err = singleUseLogin(ctx, s, vbrTokenPath, FieldRefreshToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {c.RefreshToken}}, refused)
	default:
		form := url.Values{"grant_type": {"password"}, "username": {c.Username}, "password": {c.Password}}
		if c.UseShortTermRefresh {
			form.Set("use_short_term_refresh", "true")
		}
		var tr *tokenResponse
		if tr, err = postForm(ctx, s, vbrTokenPath, form); err == nil {
			t, err = tr.token(s.Now())
		}
	}
	if err != nil {
		return nil, err
	}
	if t.Username == "" {
		t.Username = c.Username
	}
	if t.Username == "" {
		t.Username = jwtUniqueName(t.AccessToken)
	}
	return t, nil
}

// jwtUniqueName reads the unique_name claim (the user) of a JWT-shaped token without verifying
// it; "" when there is none.
func jwtUniqueName(tok string) string {
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, claims); err != nil {
		return ""
	}
	name, _ := claims["unique_name"].(string)
	return name
}

// VBRClient is the typed Backup & Replication API over one Session.
type VBRClient struct{ *Session }

// NewVBR opens (lazily) a Backup & Replication session.
func NewVBR(cfg Config) (*VBRClient, error) {
	s, err := NewSession(VBRFlavor, cfg)
	if err != nil {
		return nil, err
	}
	return &VBRClient{s}, nil
}

// VBRAuthorizationCodeLifetime is the documented lifetime of an authorization code.
const VBRAuthorizationCodeLifetime = 60 * time.Second

// AuthorizationCode asks for a single-use code that logs in as this session's user.
func (c *VBRClient) AuthorizationCode(ctx context.Context) (string, error) {
	return authorizationCode(ctx, c.Session, "/api/oauth2/authorization_code")
}

// VBRSecurityUser is a user or group with access to Backup & Replication.
type VBRSecurityUser struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Type             string   `json:"type"`
	IsServiceAccount bool     `json:"isServiceAccount"`
	MFAEnabled       bool     `json:"mfaEnabled"`
	Roles            []string `json:"roles"`
}

// VBRPagination says which part of a listing a page holds.
type VBRPagination struct {
	Total int `json:"total"`
	Count int `json:"count"`
	Skip  int `json:"skip"`
	Limit int `json:"limit"`
}

// VBRSecurityUserPage is one page of GET /api/v1/security/users.
type VBRSecurityUserPage struct {
	Data       []VBRSecurityUser `json:"data"`
	Pagination VBRPagination     `json:"pagination"`
}

// ListSecurityUsers lists users whose name contains filter (case-insensitively; "" for all),
// ordered by name, skipping skip and returning at most limit (0: the server's default).
func (c *VBRClient) ListSecurityUsers(ctx context.Context, filter string, skip, limit int) (*VBRSecurityUserPage, error) {
	q := url.Values{"orderColumn": {"Name"}, "orderAsc": {"true"}}
	if filter != "" {
		q.Set("nameFilter", filter)
	}
	if skip > 0 {
		q.Set("skip", strconv.Itoa(skip))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: "/api/v1/security/users", Query: q})
	if err != nil {
		return nil, err
	}
	var p VBRSecurityUserPage
	return &p, resp.Decode(&p)
}

// ListAllSecurityUsers pages through every user whose name contains filter.
func (c *VBRClient) ListAllSecurityUsers(ctx context.Context, filter string) ([]VBRSecurityUser, error) {
	const page = 100
	all := []VBRSecurityUser{}
	for skip := 0; ; skip += page {
		p, err := c.ListSecurityUsers(ctx, filter, skip, page)
		if err != nil {
			return nil, err
		}
		all = append(all, p.Data...)
		if len(p.Data) < page || len(all) >= p.Pagination.Total {
			return all, nil
		}
	}
}

// ResetMFA turns MFA off for the user with id: the user enrolls again at the next console
// logon. Retry-safe: resetting twice leaves the same state.
func (c *VBRClient) ResetMFA(ctx context.Context, id string) error {
	_, err := c.Do(ctx, Request{Method: http.MethodPost, Path: "/api/v1/security/users/" + url.PathEscape(id) + "/resetMFA", RetrySafe: true})
	return err
}

// VBRSecuritySettings are the server's security settings.
type VBRSecuritySettings struct {
	// MFAEnabled is the global switch: MFA for every user that is not a service account.
	MFAEnabled bool `json:"mfaEnabled"`
}

// GetSecuritySettings reads the security settings.
func (c *VBRClient) GetSecuritySettings(ctx context.Context) (*VBRSecuritySettings, error) {
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: "/api/v1/security/settings"})
	if err != nil {
		return nil, err
	}
	var s VBRSecuritySettings
	return &s, resp.Decode(&s)
}

// SetMFAEnabled turns the global MFA switch on or off and returns the settings in force.
func (c *VBRClient) SetMFAEnabled(ctx context.Context, on bool) (*VBRSecuritySettings, error) {
	resp, err := c.Do(ctx, Request{Method: http.MethodPut, Path: "/api/v1/security/settings", JSON: VBRSecuritySettings{MFAEnabled: on}})
	if err != nil {
		return nil, err
	}
	if resp.Status == http.StatusNoContent || len(resp.Body) == 0 {
		return c.GetSecuritySettings(ctx)
	}
	var s VBRSecuritySettings
	return &s, resp.Decode(&s)
}
