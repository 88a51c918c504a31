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

// The password login with a TOTP step that the cloud-native backup family shares (Backup for
// Microsoft Azure, Google Cloud; Backup for AWS has the same steps): the password grant answers
// tokens, or an mfa_token when the user has MFA on; grant_type=mfa trades the mfa_token and a
// code (computed from totp_secret, or the one-shot mfa_code) for tokens. What differs between the
// products is a value: the token path, the grant names and extra form fields.

// mfaLogin is one product's password-plus-TOTP login.
type mfaLogin struct {
	path           string // the token endpoint
	password, mfa  string // the grant_type values: "password"/"mfa", or Azure's "Password"/"Mfa"
	shortLivedFlag string // the form field that asks for a short-lived refresh token; "": none
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
	tr, err := postForm(ctx, s, m.path, m.form(c, url.Values{"grant_type": {m.password}, "username": {c.Username}, "password": {c.Password}}))
	if err != nil {
		return nil, err
	}
	if tr.AccessToken != "" || tr.MFAToken == "" {
		return tr.token(s.Now())
	}
	code, err := mfaCode(c, s.Now())
	if err != nil {
		return nil, err
	}
	tr2, err := postForm(ctx, s, m.path, m.form(c, url.Values{"grant_type": {m.mfa}, "mfa_token": {tr.MFAToken}, "mfa_code": {code}}))
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

// ErrMFACodeRejected wraps the server's answer when the mfa grant refused the code.
var ErrMFACodeRejected = errors.New("the MFA code was rejected")

// waitNextTOTPStep waits, on the session's clock, until the next 30-second TOTP step begins.
func (s *Session) waitNextTOTPStep(ctx context.Context) error {
	now := s.Now()
	return s.sleep(ctx, now.Truncate(30*time.Second).Add(30*time.Second).Sub(now)+100*time.Millisecond)
}

// sleepRealTime waits d of real time, or until ctx ends.
func sleepRealTime(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
