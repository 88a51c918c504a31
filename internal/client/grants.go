package client

// The logins the OAuth-style products pick from besides the password-plus-TOTP login
// (mfa_login.go): a single-use credential, a grant whose refusal means wrong credentials, an
// initial refresh token, a client_id with its second credential; and the authorization code a
// session asks for to hand a login to someone else.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// singleUseLogin logs in once with a single-use credential (field) by posting form to path. A
// second login reports the value as spent; a 400 or 401 becomes a ConfigError (ReasonRejected)
// on field that keeps the server's answer, since "401 InvalidToken" alone does not say that the
// value was spent or expired. refused says so, with the API's rule for the value.
func singleUseLogin(ctx context.Context, s *Session, path string, field Field, form url.Values, refused string) (*Token, error) {
	if err := s.markSingleUseSpent(field); err != nil {
		return nil, err
	}
	tr, err := postForm(ctx, s, path, form)
	if err != nil {
		if !versionRejected(s, err) && hasStatus(err, http.StatusBadRequest, http.StatusUnauthorized) {
			return nil, &ConfigError{Field: field, Reason: ReasonRejected, Detail: refused, Err: err}
		}
		return nil, err
	}
	return tr.token(s.Now(), "")
}

// credentialsRejected is err, or when err is a 400 or 401 (OAuth 2.0's invalid_grant and
// invalid_client) a ConfigError (ReasonRejected) on field with hint, the API's advice, that
// keeps the server's answer.
func credentialsRejected(err error, field Field, hint string) error {
	if hasStatus(err, http.StatusBadRequest, http.StatusUnauthorized) {
		return &ConfigError{Field: field, Reason: ReasonRejected, Detail: "the server rejected the credentials", Hint: hint, Err: err}
	}
	return err
}

// grantLogin posts a login grant that answers with tokens to path; a refusal is
// credentialsRejected on field with hint. user is the tokens' user when the answer does not say.
func grantLogin(ctx context.Context, s *Session, path string, form url.Values, user string, field Field, hint string) (*Token, error) {
	tr, err := postForm(ctx, s, path, form)
	if err != nil {
		return nil, credentialsRejected(err, field, hint)
	}
	return tr.token(s.Now(), user)
}

// passwordGrant logs in with the password grant at path; a refusal is credentialsRejected on
// password with hint.
func passwordGrant(ctx context.Context, s *Session, path, hint string) (*Token, error) {
	c := s.cfg.Credentials
	return grantLogin(ctx, s, path, url.Values{"grant_type": {"password"}, "username": {c.Username}, "password": {c.Password}}, c.Username, FieldPassword, hint)
}

// passwordLogin is the Login of a product that logs in with the password grant at its token
// path; a refusal is credentialsRejected on password with hint.
func passwordLogin(hint string) func(context.Context, *Session) (*Token, error) {
	return func(ctx context.Context, s *Session) (*Token, error) {
		return passwordGrant(ctx, s, s.flavor.TokenPath, hint)
	}
}

// refreshTokenLogin starts the session from Credentials.RefreshToken at the token path, once.
func refreshTokenLogin(ctx context.Context, s *Session) (*Token, error) {
	if err := s.markSingleUseSpent(FieldRefreshToken); err != nil {
		return nil, err
	}
	tr, err := postForm(ctx, s, s.flavor.TokenPath, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {s.cfg.Credentials.RefreshToken}})
	if err != nil {
		return nil, err
	}
	return tr.token(s.Now(), "")
}

// orchestratorLogin is how the orchestrators (Recovery and Availability Orchestrator) log in:
// with the client account when client_id or client_secret is set (client_credentials), else
// with an initial refresh token when only that is set, else with the product's password login.
type orchestratorLogin struct {
	password func(context.Context, *Session) (*Token, error)
	// newClientAccount says how a new client account is made, for a rejected client secret.
	newClientAccount string
	// checkUsername checks the form of a password login's user name; nil: any.
	checkUsername func(string) error
}

func (l orchestratorLogin) login(ctx context.Context, s *Session) (*Token, error) {
	c := s.cfg.Credentials
	switch {
	case c.ClientID != "" || c.ClientSecret != "":
		return grantLogin(ctx, s, s.flavor.TokenPath, url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ClientID}, "client_secret": {c.ClientSecret}}, c.ClientID,
			FieldClientSecret, "a lost client secret cannot be recovered: "+l.newClientAccount)
	case c.RefreshToken != "" && c.Password == "":
		return refreshTokenLogin(ctx, s)
	}
	return l.password(ctx, s)
}

// check is the CheckCredentials of the orchestrator's logins.
func (l orchestratorLogin) check(c Credentials) error {
	if c.ClientID != "" || c.ClientSecret != "" {
		return checkClientAccount(c)
	}
	if err := checkSingleUseOrPassword(c); err != nil || c.Password == "" || l.checkUsername == nil {
		return err
	}
	return l.checkUsername(c.Username)
}

// clientLogin is a login with client_id and a second credential instead of a user's password:
// a client account's client_secret (the orchestrators) or an assertion from the Microsoft
// identity platform (Backup for Microsoft 365). Its fields are what the check says.
type clientLogin struct {
	second        Field  // the second credential's attribute
	conflictField Field  // the attribute the conflict with username/password is reported on
	either        string // the two ways to log in, for the conflict
	needsID       string // the second credential without client_id
	needsSecond   string // client_id without the second credential
}

// check says what a login with client_id and second (the second credential's value) lacks, or
// that it conflicts with a user's credentials.
func (l clientLogin) check(c Credentials, second string) error {
	switch {
	case c.Username != "" || c.Password != "" || c.TOTPSecret != "" || c.MFACode != "":
		return &ConfigError{Field: l.conflictField, Reason: ReasonConflict, Other: FieldPassword, Detail: "conflicts with username/password: log in either as " + l.either}
	case c.ClientID == "":
		return &ConfigError{Field: FieldClientID, Reason: ReasonMissing, Detail: l.needsID}
	case second == "":
		return &ConfigError{Field: l.second, Reason: ReasonMissing, Detail: l.needsSecond}
	}
	return nil
}

// clientAccount is the client_credentials login of the orchestrators' client accounts.
var clientAccount = clientLogin{second: FieldClientSecret, conflictField: FieldClientID,
	either:      "a user (username and password) or as a client account (client_id and client_secret)",
	needsID:     "client_secret needs the client_id of the same client account",
	needsSecond: "client_id needs the client_secret of the same client account"}

// checkClientAccount checks a client-account login (client_credentials): both halves, and no
// password or MFA code beside them.
func checkClientAccount(c Credentials) error { return clientAccount.check(c, c.ClientSecret) }

// authorizationCode asks the token service at path for a single-use code that logs in as the
// session's user: the answer's code (Backup for AWS, Backup & Replication) or authCode (Backup
// for Microsoft 365). Not retried after a lost connection: each answer is a new code, and a
// lost one simply expires.
func authorizationCode(ctx context.Context, s *Session, path string) (string, error) {
	resp, err := s.Do(ctx, Request{Method: http.MethodPost, Path: path})
	if err != nil {
		return "", err
	}
	var r struct {
		Code     string `json:"code"`
		AuthCode string `json:"authCode"`
	}
	if err := resp.Decode(&r); err != nil {
		return "", err
	}
	if r.Code == "" {
		r.Code = r.AuthCode
	}
	if r.Code == "" {
		return "", fmt.Errorf("%s: the authorization code answer has no code", s.Product().Title())
	}
	return r.Code, nil
}
