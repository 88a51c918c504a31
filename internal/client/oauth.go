package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Every product but Enterprise Manager has an OAuth-style token endpoint and shares this token
// exchange: its Flavor names the token path (TokenPath), and its logins are picked from
// mfa_login.go and grants.go.

// tokenResponse is the union of the token endpoints' answers.
type tokenResponse struct {
	AccessToken  string      `json:"access_token"`
	TokenType    string      `json:"token_type"`
	RefreshToken string      `json:"refresh_token"`
	ExpiresIn    json.Number `json:"expires_in"`
	Issued       string      `json:".issued"`
	Expires      string      `json:".expires"`
	Username     string      `json:"username"`
	// Backup for AWS, first step of an MFA login.
	MFAEnabled bool   `json:"mfa_enabled"`
	MFAToken   string `json:"mfa_token"`
}

// postForm sends a token-endpoint form and decodes the answer. Token grants are retry-safe: a
// grant repeated after a lost answer at worst opens a second session (password) or fails as
// already used (single-use codes, rotated refresh tokens), which the lifecycle handles by
// logging in again.
func postForm(ctx context.Context, s *Session, path string, form url.Values) (*tokenResponse, error) {
	resp, err := s.Send(ctx, Request{Method: http.MethodPost, Path: path, Form: form, RetrySafe: true}, nil)
	if err != nil {
		return nil, err
	}
	var tr tokenResponse
	if err := resp.Decode(&tr); err != nil {
		return nil, fmt.Errorf("%s: POST %s: %w", s.Product().Title(), path, err)
	}
	return &tr, nil
}

// token turns a token response into a Token, trusting expires_in first, then ".expires"
// (with or without a UTC offset), then the JWT's exp claim. user is the token's user when the
// answer does not say.
func (tr *tokenResponse) token(now time.Time, user string) (*Token, error) {
	if tr.AccessToken == "" {
		return nil, fmt.Errorf("the token response has no access_token")
	}
	t := &Token{AccessToken: tr.AccessToken, RefreshToken: tr.RefreshToken, Username: tr.Username}
	if t.Username == "" {
		t.Username = user
	}
	if n, err := tr.ExpiresIn.Int64(); err == nil && n > 0 {
		t.Expiry = now.Add(time.Duration(n) * time.Second)
	} else if exp, ok := parseVeeamTime(tr.Expires); ok {
		t.Expiry = exp
	} else if exp, ok := jwtExpiry(tr.AccessToken); ok {
		t.Expiry = exp
	}
	if exp, ok := jwtExpiry(tr.RefreshToken); ok {
		t.RefreshExpiry = exp
	}
	return t, nil
}

// parseVeeamTime reads ".issued"/".expires": Backup for AWS prints no offset (taken as UTC),
// Backup & Replication prints one.
func parseVeeamTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// jwtExpiry reads the exp claim of a JWT-shaped token without verifying it: the client only
// uses it to schedule a refresh, never to trust anything.
func jwtExpiry(tok string) (time.Time, bool) {
	if strings.Count(tok, ".") != 2 {
		return time.Time{}, false
	}
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, claims); err != nil {
		return time.Time{}, false
	}
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return time.Time{}, false
	}
	return exp.Time, true
}

// refreshGrant returns the Refresh of a product whose token endpoint takes
// grant_type=<grant>&refresh_token=<token>: "refresh_token" (OAuth 2.0's spelling), or Backup
// for Microsoft Azure's "Refresh_token".
func refreshGrant(grant string) func(context.Context, *Session, *Token) (*Token, error) {
	return func(ctx context.Context, s *Session, t *Token) (*Token, error) {
		return refreshAt(ctx, s, t, s.flavor.TokenPath, grant)
	}
}

// refreshAt refreshes t with the refresh grant (spelled grant) at path.
func refreshAt(ctx context.Context, s *Session, t *Token, path, grant string) (*Token, error) {
	tr, err := postForm(ctx, s, path, url.Values{"grant_type": {grant}, "refresh_token": {t.RefreshToken}})
	if err != nil {
		return nil, err
	}
	return tr.token(s.Now(), t.Username)
}

// deleteLogout is the Logout of a product that logs out with DELETE on its token path (Backup
// for AWS, Microsoft Azure, Google Cloud).
func deleteLogout(ctx context.Context, s *Session, t *Token) error {
	_, err := s.Send(ctx, Request{Method: http.MethodDelete, Path: s.flavor.TokenPath}, t)
	return err
}

// oauthFlavor completes f, a product with an OAuth-style token endpoint, and registers it:
// bearer tokens, JSON errors, the refresh_token grant unless f has its own Refresh, and the
// single-use-or-password check unless f has its own.
func oauthFlavor(f Flavor) *Flavor {
	f.CredentialHeader, f.CredentialPrefix = "Authorization", "Bearer "
	f.DecodeError = decodeJSONError
	if f.Refresh == nil {
		f.Refresh = refreshGrant(oauthGrants.refresh)
	}
	if f.CheckCredentials == nil {
		f.CheckCredentials = checkSingleUseOrPassword
	}
	return registered(&f)
}

// checkSingleUseOrPassword: a single-use credential (SAML response, authorization code,
// initial refresh token) logs in alone; anything else needs username and password.
func checkSingleUseOrPassword(c Credentials) error {
	if c.SAMLResponse != "" || c.AuthorizationCode != "" || (c.RefreshToken != "" && c.Password == "") {
		return nil
	}
	return requirePassword(c)
}

// requirePassword checks that a password login has what it needs, naming the fields.
func requirePassword(c Credentials) error {
	switch {
	case c.Username == "" && c.Password == "":
		return &ConfigError{Field: FieldUsername, Reason: ReasonNoCredentials}
	case c.Username == "":
		return &ConfigError{Field: FieldUsername, Reason: ReasonMissing}
	case c.Password == "":
		return &ConfigError{Field: FieldPassword, Reason: ReasonMissing}
	}
	return nil
}

// decodeJSONError reads the JSON error bodies of the OAuth-style products: AWS's RFC 7807
// shape {type, title, errorCode, details}, VBR's and Microsoft 365's {errorCode, message}, Veeam
// ONE's problem details {title, detail}, OAuth 2.0's {error, error_description} and Service
// Provider Console's {errors: [{message, type}]}. A Backup for AWS problem about the
// x-api-version header (its type URI ends in unsupportedApiVersion, invalidApiVersion or
// apiVersionUnspecified) gives that name as the code: it says more than the errorCode, and
// version negotiation (versions.go) reads it.
func decodeJSONError(_ int, _ string, body []byte) (string, string) {
	var e struct {
		Type             string `json:"type"`
		ErrorCode        string `json:"errorCode"`
		Message          string `json:"message"`
		Title            string `json:"title"`
		Details          string `json:"details"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
		Detail           string `json:"detail"` // RFC 7807 (Veeam ONE)
		Errors           []struct {
			Message string `json:"message"`
			Type    string `json:"type"`
		} `json:"errors"` // Service Provider Console's ErrorResponse
	}
	if json.Unmarshal(body, &e) != nil {
		return "", strings.TrimSpace(truncate(string(body), 200))
	}
	code := e.ErrorCode
	if t := e.Type[strings.LastIndex(e.Type, "/")+1:]; slices.Contains(awsVersionProblems, t) {
		code = t
	}
	if code == "" {
		code = e.Error
	}
	msg := e.Message
	if len(e.Errors) > 0 {
		code, msg = e.Errors[0].Type, e.Errors[0].Message
	}
	if e.Detail != "" && e.Details == "" {
		e.Details = e.Detail
	}
	for _, m := range []string{e.Details, e.Title, e.ErrorDescription} {
		if msg == "" {
			msg = m
		}
	}
	if e.Details != "" && e.Title != "" && msg == e.Details && !strings.Contains(e.Details, e.Title) {
		msg = e.Title + ": " + e.Details
	}
	return code, msg
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
