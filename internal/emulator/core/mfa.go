package core

import (
	"encoding/base32"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// The MFA state machine of an account: off → (EnableMFA) pending → (AcceptMFA
// with a code of the pending secret) on. EnableMFA with recreate while on
// starts a new pending secret and keeps the old one working until it is
// accepted; DisableMFA from any state turns MFA off and drops the pending one.

// mfaSecret is a TOTP secret with its recovery (scratch) codes.
type mfaSecret struct {
	Secret  string   `json:"secret"`
	Scratch []string `json:"scratch,omitempty"`
	// LastLoginStep is the 30-second step (Unix time / 30) of the last TOTP
	// code a login accepted; a code of that step or an earlier one is refused
	// (RFC 6238 §5.2). A new secret starts at 0.
	LastLoginStep int64 `json:"lastLoginStep,omitempty"`
}

// pendingMFA is an enrollment started by EnableMFA and not yet accepted.
type pendingMFA struct {
	mfaSecret
	Token tokenHash `json:"token"`
}

// maxMFAAttempts is how many wrong codes an mfa_token survives.
const maxMFAAttempts = 5

// totpOpts are the TOTP parameters of Backup for AWS (Google Authenticator).
var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// DecodeSecret decodes a base32 TOTP secret (case, blanks and padding are
// forgiven).
func DecodeSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.TrimSpace(secret))
	s = strings.TrimRight(s, "=")
	return base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
}

// validTOTP reports whether code is a TOTP of secret at now (±1 step).
func validTOTP(code, secret string, now time.Time) bool {
	_, ok := totpStep(code, secret, now)
	return ok
}

// totpStep returns the step (Unix time / 30) within ±1 step of now whose
// TOTP of secret is code, the latest when several match.
func totpStep(code, secret string, now time.Time) (int64, bool) {
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	period := int64(totpOpts.Period)
	cur := now.Unix() / period
	for step := cur + int64(totpOpts.Skew); step >= cur-int64(totpOpts.Skew); step-- {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*period, 0), totpOpts)
		if err == nil && EqualSecret(want, code) {
			return step, true
		}
	}
	return 0, false
}

// TOTPCode returns the 6-digit code of the base32 secret at t, as an
// authenticator application would show it (SHA1, 30 s, 6 digits).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts)
}

// checkLoginCodeLocked checks the code of a login against m: a TOTP of a
// step later than the last one a login used (a code is not accepted twice,
// RFC 6238 §5.2), or an unused scratch code, which it consumes.
func checkLoginCodeLocked(m *mfaSecret, code string, now time.Time) bool {
	code = strings.TrimSpace(code)
	switch len(code) {
	case 6:
		step, ok := totpStep(code, m.Secret, now)
		if !ok || step <= m.LastLoginStep {
			return false
		}
		m.LastLoginStep = step
		return true
	case 8:
		for i, sc := range m.Scratch {
			if EqualSecret(sc, code) {
				m.Scratch = slices.Delete(m.Scratch, i, i+1)
				return true
			}
		}
	}
	return false
}

// MFALogin checks the mfa_token and code; on success it consumes the token
// and returns the user's name. A wrong code leaves the token usable until
// maxMFAAttempts wrong codes.
func (s *Store) MFALogin(p Product, mfaToken, code string, now time.Time) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.findOnceLocked(MFAToken, p, mfaToken, now)
	if err != nil {
		return "", err
	}
	u := s.users[p][o.userKey]
	if u == nil {
		delete(s.once, hashToken(mfaToken))
		return "", fail(InvalidToken, "the user no longer exists")
	}
	if u.MFA == nil {
		// MFA was turned off after the password step: the password
		// already proved the user.
		delete(s.once, hashToken(mfaToken))
		return u.Name, nil
	}
	if !checkLoginCodeLocked(u.MFA, code, now) {
		o.attempts++
		if o.attempts >= maxMFAAttempts {
			delete(s.once, hashToken(mfaToken))
		}
		return "", fail(Denied, "the verification code is not valid")
	}
	delete(s.once, hashToken(mfaToken))
	s.dirty = true // a scratch code or a TOTP step was used
	return u.Name, nil
}

// newMFASecret makes a TOTP secret (16 random bytes, base32 without padding,
// as long as the documented example) and five 8-digit scratch codes.
func newMFASecret(issuer, account string) (mfaSecret, error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: issuer, AccountName: account, SecretSize: 16,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Period: 30,
	})
	if err != nil {
		return mfaSecret{}, err
	}
	m := mfaSecret{Secret: key.Secret()}
	for range 5 {
		m.Scratch = append(m.Scratch, randomDigits(8))
	}
	return m, nil
}

// Enrollment is a pending MFA secret handed out by EnableMFA.
type Enrollment struct {
	UserName     string
	Secret       string
	ScratchCodes []string
	Token        string // AcceptMFA needs it back
}

// EnableMFA starts an enrollment for p's user called name: a new secret
// (issuer names the appliance in the authenticator) pending until AcceptMFA.
// With MFA already on it needs recreate.
func (s *Store) EnableMFA(p Product, name, issuer string, recreate bool) (Enrollment, error) {
	var out Enrollment
	err := s.withUser(p, name, func(u *Account) error {
		if u.IdentityProvider {
			return fail(Invalid, "MFA cannot be enabled for a user whose identity comes from an identity provider")
		}
		if u.MFA != nil && !recreate {
			return fail(Invalid, fmt.Sprintf("MFA is already enabled for user %q; send recreate=true to create a new secret key", u.Name))
		}
		m, err := newMFASecret(issuer, u.Name)
		if err != nil {
			return fail(Internal, "secret generation failed")
		}
		tok := opaqueToken()
		u.Pending = &pendingMFA{mfaSecret: m, Token: hashToken(tok)}
		out = Enrollment{UserName: u.Name, Secret: m.Secret, ScratchCodes: slices.Clone(m.Scratch), Token: tok}
		return nil
	})
	return out, err
}

// AcceptMFA turns on the pending secret of p's user called name when token
// is the enrollment's and code a TOTP of the new secret.
func (s *Store) AcceptMFA(p Product, name, token, code string, now time.Time) error {
	return s.withUser(p, name, func(u *Account) error {
		if u.Pending == nil {
			return fail(Invalid, "no MFA enrollment is pending for this user; call enableMfa first")
		}
		if !equalHash(u.Pending.Token, hashToken(token)) {
			return fail(Invalid, "token does not match the pending MFA enrollment")
		}
		if !validTOTP(code, u.Pending.Secret, now) {
			return fail(Invalid, "the verification code is not valid for the new secret key")
		}
		m := u.Pending.mfaSecret
		u.MFA = &m
		u.Pending = nil
		return nil
	})
}

// DisableMFA turns MFA off for p's user called name and drops a pending
// enrollment.
func (s *Store) DisableMFA(p Product, name string) error {
	return s.withUser(p, name, func(u *Account) error {
		u.MFA = nil
		u.Pending = nil
		return nil
	})
}
