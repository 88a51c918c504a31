package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// AWS is Veeam Backup for AWS.
const AWS Product = "aws"

// Backup for AWS: OAuth-style /api/v1/token with password, mfa, authorization_code and
// refresh_token grants; SSO through identityProvider/token; per-user TOTP MFA.

// awsTokenPath is the token endpoint. The x-api-version header is negotiated when api_version
// is unset (versions.go): 1.8-rev0 (Backup for AWS 10) down to 1.0-rev0.
const awsTokenPath = "/api/v1/token"

// AWSFlavor describes Backup for AWS to the lifecycle.
var AWSFlavor = registered(oauthFlavor(Flavor{
	Product:       AWS,
	DefaultPort:   11005,
	VersionHeader: "x-api-version",
	Login:         awsLogin,
	Logout: func(ctx context.Context, s *Session, t *Token) error {
		_, err := s.Send(ctx, Request{Method: http.MethodDelete, Path: awsTokenPath}, t)
		return err
	},
}, awsTokenPath), "Veeam Backup for AWS")

func awsLogin(ctx context.Context, s *Session) (*Token, error) {
	c := s.cfg.Credentials
	switch {
	case c.SAMLResponse != "":
		return singleUseLogin(ctx, s, "/api/v1/identityProvider/token", FieldSAMLResponse, url.Values{"SamlResponse": {c.SAMLResponse}},
			"the server refused the SAML response: a SAML response is single-use and expires minutes after the identity provider issued it")
	case c.AuthorizationCode != "":
		return singleUseLogin(ctx, s, awsTokenPath, FieldAuthorizationCode, url.Values{"grant_type": {"authorization_code"}, "code": {c.AuthorizationCode}},
			"the server refused the authorization code: a code is single-use and expires 60 s (by default) after it was issued")
	case c.RefreshToken != "" && c.Password == "":
		return singleUseLogin(ctx, s, awsTokenPath, FieldRefreshToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {c.RefreshToken}},
			"the server refused the refresh token: a refresh token works once, since each refresh returns a new one, and expires 2 h (by default) after it was issued")
	}
	tok, err := awsPasswordLogin(ctx, s, c)
	if err != nil && c.TOTPSecret != "" && c.MFACode == "" && errors.Is(err, ErrMFACodeRejected) {
		// The code may have been computed at the very end of its 30-second step, or the
		// server may refuse a code it has seen (replay protection): wait for the next step
		// and try once more with a new code.
		if err := waitNextTOTPStep(ctx, s.Now()); err != nil {
			return nil, err
		}
		return awsPasswordLogin(ctx, s, c)
	}
	return tok, err
}

func awsPasswordLogin(ctx context.Context, s *Session, c Credentials) (*Token, error) {
	tr, err := postForm(ctx, s, awsTokenPath, url.Values{"grant_type": {"password"}, "username": {c.Username}, "password": {c.Password}})
	if err != nil {
		return nil, err
	}
	if tr.AccessToken != "" || tr.MFAToken == "" {
		return tr.token(s.Now())
	}
	// Step two of an MFA login.
	var code string
	switch {
	case c.MFACode != "":
		code = c.MFACode
	case c.TOTPSecret != "":
		code, err = TOTPCode(c.TOTPSecret, s.Now())
		if err != nil {
			return nil, &ConfigError{Field: FieldTOTPSecret, Detail: err.Error()}
		}
	default:
		return nil, &ConfigError{Field: FieldTOTPSecret, Reason: ReasonMissing, Detail: fmt.Sprintf("user %q has MFA enabled", c.Username)}
	}
	tr2, err := postForm(ctx, s, awsTokenPath, url.Values{"grant_type": {"mfa"}, "mfa_token": {tr.MFAToken}, "mfa_code": {code}})
	if err != nil {
		if hasStatus(err, http.StatusUnauthorized) {
			return nil, fmt.Errorf("%w: %w", ErrMFACodeRejected, err)
		}
		return nil, err
	}
	t, err := tr2.token(s.Now())
	if err == nil && t.Username == "" {
		t.Username = c.Username
	}
	return t, err
}

// TOTPCode computes the RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret at t.
func TOTPCode(secret string, t time.Time) (string, error) {
	s := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(secret), " ", ""))
	code, err := totp.GenerateCodeCustom(s, t, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", fmt.Errorf("is not a valid base32 TOTP secret: %v", err)
	}
	return code, nil
}

// AWSClient is the typed Backup for AWS API over one Session.
type AWSClient struct{ *Session }

// NewAWS opens (lazily) a Backup for AWS session.
func NewAWS(cfg Config) (*AWSClient, error) {
	s, err := NewSession(AWSFlavor, cfg)
	if err != nil {
		return nil, err
	}
	return &AWSClient{s}, nil
}

// ErrMFACodeRejected wraps the server's answer when the mfa grant refused the code.
var ErrMFACodeRejected = errors.New("the MFA code was rejected")

// waitNextTOTPStep sleeps until the next 30-second TOTP step begins on the session's clock.
func waitNextTOTPStep(ctx context.Context, now time.Time) error {
	wait := now.Truncate(30*time.Second).Add(30*time.Second).Sub(now) + 100*time.Millisecond
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// AWSAuthorizationCodeLifetime is the documented default lifetime of an authorization code.
const AWSAuthorizationCodeLifetime = 60 * time.Second

// AuthorizationCode asks for a single-use code that logs in as this session's user. The 1.0-rev0
// spec spells the path /token/authorizationCode; later revisions /token/authorization_code. The
// session logs in (and so settles its revision) before the path is chosen.
func (c *AWSClient) AuthorizationCode(ctx context.Context) (string, error) {
	if _, err := c.Credential(ctx); err != nil {
		return "", err
	}
	path := "/api/v1/token/authorization_code"
	if c.APIVersion() == "1.0-rev0" {
		path = "/api/v1/token/authorizationCode"
	}
	return authorizationCode(ctx, c.Session, path)
}

// SignOnURL asks where an identity-provider user signs on (SSO step one). It needs no token.
func (c *AWSClient) SignOnURL(ctx context.Context, userName string) (string, error) {
	resp, err := c.Send(ctx, Request{Method: http.MethodGet, Path: "/api/v1/identityProvider/signOnUrl", Query: url.Values{"userName": {userName}}}, nil)
	if err != nil {
		return "", err
	}
	var r struct {
		RedirectToURL string `json:"redirectToUrl"`
	}
	if err := resp.Decode(&r); err != nil {
		return "", err
	}
	return r.RedirectToURL, nil
}
