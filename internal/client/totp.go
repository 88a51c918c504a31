package client

// TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps), as the products with an MFA login step
// use it: the code of a secret at a time, the check of a configured secret, the code a login
// sends, and the wait for the next step when a server refuses a code it has seen before.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// totpStep is the length of a TOTP step.
const totpStep = 30 * time.Second

// TOTPCode computes the RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret at t.
func TOTPCode(secret string, t time.Time) (string, error) {
	s := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(secret), " ", ""))
	code, err := totp.GenerateCodeCustom(s, t, totp.ValidateOpts{Period: uint(totpStep / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", fmt.Errorf("is not a valid base32 TOTP secret: %v", err)
	}
	return code, nil
}

// CheckTOTPSecret returns a ConfigError on FieldTOTPSecret unless secret is "" or a base32 TOTP
// secret. It runs before anything is sent, whether or not the user has MFA, so that a secret
// that could never log in is reported when it is configured rather than on the day MFA is
// turned on.
func CheckTOTPSecret(secret string) error {
	if secret == "" {
		return nil
	}
	if _, err := TOTPCode(secret, time.Unix(0, 0)); err != nil {
		return &ConfigError{Field: FieldTOTPSecret, Reason: ReasonInvalid, Detail: "is not a base32 TOTP secret (letters A-Z and digits 2-7)",
			Hint: "set it to the secretKey the appliance returned when MFA was enabled (the secret_key of veeam_aws_user_mfa), or remove it for a user without MFA"}
	}
	return nil
}

// mfaCode is the code for the second step of an MFA login: mfa_code as given, or the TOTP code
// of totp_secret now; a ConfigError when neither is set.
func mfaCode(c Credentials, now time.Time) (string, error) {
	switch {
	case c.MFACode != "":
		return c.MFACode, nil
	case c.TOTPSecret != "":
		code, err := TOTPCode(c.TOTPSecret, now)
		if err != nil {
			return "", &ConfigError{Field: FieldTOTPSecret, Detail: err.Error()}
		}
		return code, nil
	}
	return "", &ConfigError{Field: FieldTOTPSecret, Reason: ReasonMissing, Detail: fmt.Sprintf("user %q has MFA enabled", c.Username)}
}

// ErrMFACodeRejected wraps the server's answer when the mfa grant refused the code.
var ErrMFACodeRejected = errors.New("the MFA code was rejected")

// waitNextTOTPStep waits, on the session's clock, until the next 30-second TOTP step begins.
func (s *Session) waitNextTOTPStep(ctx context.Context) error {
	now := s.Now()
	return s.sleep(ctx, now.Truncate(totpStep).Add(totpStep).Sub(now)+100*time.Millisecond)
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
