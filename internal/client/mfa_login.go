package client

// The password login with a TOTP step that the cloud-native backup products (Backup for AWS,
// Microsoft Azure, Google Cloud) and Recovery Orchestrator share: the password grant answers
// tokens, or an mfa_token when the user has MFA on; grant_type=mfa trades the mfa_token and a
// code (computed from totp_secret, or the one-shot mfa_code) for tokens, at the flavor's token
// path. What differs between the products is a value: the grant names, the code's field, the
// statuses that refuse a code and extra form fields. The cloud-native products also log in with
// single-use credentials first (cloudLogin).

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// grantNames are a token endpoint's spellings of grant_type.
type grantNames struct{ password, mfa, refresh string }

// oauthGrants are the grant names as OAuth 2.0 spells them (every product but Backup for
// Microsoft Azure).
var oauthGrants = grantNames{password: "password", mfa: "mfa", refresh: "refresh_token"}

// mfaLogin is one product's password-plus-TOTP login at its token endpoint (Flavor.TokenPath).
type mfaLogin struct {
	grants         grantNames
	codeField      string // the mfa grant's field for the code; "": mfa_code (VRO: mfa_passcode)
	shortLivedFlag string // the form field that asks for a short-lived refresh token; "": none
	// codeRefused are the statuses of the mfa grant's answer that mean the code was refused;
	// nil: 401 (VRO: 400 too).
	codeRefused []int
	// userNameRule, when set, makes a 400 or 401 to the password grant (OAuth 2.0's
	// invalid_grant) a ConfigError on password that reminds of this rule; "": the server's
	// answer as it is.
	userNameRule string
}

// login logs in with username and password, answering the MFA step when the server asks. A
// computed code the server refuses (computed at the very end of its 30-second step, or seen
// before by a server with replay protection) is retried once with the next step's code.
func (m mfaLogin) login(ctx context.Context, s *Session) (*Token, error) {
	c := s.cfg.Credentials
	tok, err := m.passwordLogin(ctx, s, c)
	if err != nil && c.TOTPSecret != "" && c.MFACode == "" && errors.Is(err, ErrMFACodeRejected) {
		if err := s.waitNextTOTPStep(ctx); err != nil {
			return nil, err
		}
		return m.passwordLogin(ctx, s, c)
	}
	return tok, err
}

// form is the grant's form with the short-lived flag when it is asked for.
func (m mfaLogin) form(c Credentials, v url.Values) url.Values {
	if m.shortLivedFlag != "" && c.UseShortTermRefresh {
		v.Set(m.shortLivedFlag, "true")
	}
	return v
}

func (m mfaLogin) passwordLogin(ctx context.Context, s *Session, c Credentials) (*Token, error) {
	path, codeField, codeRefused := s.flavor.TokenPath, cmp.Or(m.codeField, "mfa_code"), m.codeRefused
	if codeRefused == nil {
		codeRefused = []int{http.StatusUnauthorized}
	}
	form := m.form(c, url.Values{"grant_type": {m.grants.password}, "username": {c.Username}, "password": {c.Password}})
	tr, err := postForm(ctx, s, path, form)
	if err != nil && m.userNameRule != "" {
		err = credentialsRejected(err, FieldPassword, m.userNameRule)
	}
	if err != nil {
		return nil, err
	}
	if tr.AccessToken == "" && tr.MFAToken != "" {
		code, err := mfaCode(c, s.Now())
		if err != nil {
			return nil, err
		}
		tr, err = postForm(ctx, s, path, m.form(c, url.Values{"grant_type": {m.grants.mfa}, "mfa_token": {tr.MFAToken}, codeField: {code}}))
		if hasStatus(err, codeRefused...) {
			return nil, fmt.Errorf("%w: %w", ErrMFACodeRejected, err)
		}
		if err != nil {
			return nil, err
		}
	}
	return tr.token(s.Now(), c.Username)
}

// cloudLogin is the login of a cloud-native backup product (Backup for AWS, Microsoft Azure,
// Google Cloud): with a single-use credential when one is set (an authorization code, or a
// refresh token without a password), else with the password and the MFA step.
type cloudLogin struct {
	mfaLogin
	// codeRule is the API's rule for an authorization code, said when the server refuses one;
	// "": the product has no authorization_code grant.
	codeRule string
	// refreshLife is how long the API says a refresh token lives, said when the server refuses one.
	refreshLife string
}

func (l cloudLogin) login(ctx context.Context, s *Session) (*Token, error) {
	c := s.cfg.Credentials
	switch {
	case c.AuthorizationCode != "" && l.codeRule != "":
		return singleUseLogin(ctx, s, s.flavor.TokenPath, FieldAuthorizationCode, url.Values{"grant_type": {"authorization_code"}, "code": {c.AuthorizationCode}},
			"the server refused the authorization code: a code is single-use and "+l.codeRule)
	case c.RefreshToken != "" && c.Password == "":
		return singleUseLogin(ctx, s, s.flavor.TokenPath, FieldRefreshToken, url.Values{"grant_type": {l.grants.refresh}, "refresh_token": {c.RefreshToken}},
			"the server refused the refresh token: a refresh token works once, since each refresh returns a new one, and expires "+l.refreshLife+" after it was issued")
	}
	return l.mfaLogin.login(ctx, s)
}
