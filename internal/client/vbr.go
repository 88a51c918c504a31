package client

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// VBR is Veeam Backup & Replication.
const VBR Product = "vbr"

// Veeam Backup & Replication: OAuth-style /api/oauth2/token with password, authorization_code
// and refresh_token grants (refresh tokens are single use), POST /api/oauth2/logout, and the
// security endpoints of REST API 1.3 (users, their MFA, the global MFA switch).

// vbrTokenPath is the token endpoint. The x-api-version header is negotiated when api_version
// is unset (versions.go): 1.3-rev2 (13.1) down to 1.0-rev1 (11).
const vbrTokenPath = "/api/oauth2/token"

// VBRFlavor describes Backup & Replication to the lifecycle.
// The reference spells the refresh grant in lower case; newer appliances also accept
// "Refresh_token" (the emulator matches case-insensitively).
var VBRFlavor = oauthFlavor(Flavor{
	Product:       VBR,
	Title:         "Veeam Backup & Replication",
	DefaultPort:   9419,
	TokenPath:     vbrTokenPath,
	VersionHeader: "x-api-version",
	Login:         vbrLogin,
	Logout: func(ctx context.Context, s *Session, t *Token) error {
		// Not retry-safe (design/retries.md): after a lost answer the token is dead.
		_, err := s.Send(ctx, Request{Method: http.MethodPost, Path: "/api/oauth2/logout"}, t)
		return err
	},
})

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
			t, err = tr.token(s.Now(), "")
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
	return newClient[VBRClient](VBRFlavor, cfg)
}

// VBRAuthorizationCodeLifetime is the documented lifetime of an authorization code.
const VBRAuthorizationCodeLifetime = 60 * time.Second

// vbrAuthorizationCodeRemovedIn is the revision that removed POST /api/oauth2/authorization_code.
const vbrAuthorizationCodeRemovedIn = "1.3-rev0"

// AuthorizationCode asks for a single-use code that logs in as this session's user. REST API
// 1.3-rev0 (Backup & Replication 13) removed the endpoint: on a session speaking that revision
// or a later one the answer is an *UnavailableError, before anything is sent; a 404 from an
// older revision on a newer server is the same error.
func (c *VBRClient) AuthorizationCode(ctx context.Context) (string, error) {
	removed, err := c.revisionAtLeast(ctx, vbrAuthorizationCodeRemovedIn)
	if err != nil {
		return "", err
	}
	unavailable := func(err error) error {
		return &UnavailableError{Product: VBR, Feature: "authorization codes (POST /api/oauth2/authorization_code)",
			RemovedIn: vbrAuthorizationCodeRemovedIn, Server: c.ServerVersion(ctx), Err: err}
	}
	if removed {
		return "", unavailable(nil)
	}
	code, err := authorizationCode(ctx, c.Session, "/api/oauth2/authorization_code")
	if IsNotFound(err) {
		return "", unavailable(err)
	}
	return code, err
}
