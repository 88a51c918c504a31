package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Per-user MFA enrollment as the cloud-native backup family serves it: POST <user>/enableMfa
// answers a new secret and a token, <user>/acceptMfa confirms it with a code of the secret,
// <user>/disableMfa turns MFA off. The products differ in the user's path (name or id, version
// in the path or a header) and in success statuses, which the calls do not depend on.

// MFAEnrollment is what enableMfa returns: everything secret about a user's MFA.
type MFAEnrollment struct {
	UserName     string   `json:"userName"`
	QRString     string   `json:"qrString"`
	SecretKey    string   `json:"secretKey"`
	ScratchCodes []string `json:"scratchCodes"`
	Token        string   `json:"token"`
}

// ErrMFAAlreadyEnabled is EnrollMFA's answer when enableMfa without recreate was refused
// because the user already has MFA: the appliance never returns that secret again.
var ErrMFAAlreadyEnabled = errors.New("MFA is already enabled for the user")

// userMFA is the MFA of one user: its resource path and how to read whether MFA is on now
// (false when the read fails), to explain an answer (a lost one that was resent, a refusal).
type userMFA struct {
	s     *Session
	user  string // the user's resource path: /api/v1/users/<name>, /api/v8.1/users/<id>
	mfaOn func(ctx context.Context) bool
}

// enable starts an MFA enrollment. It is retry-safe: a repeated enableMfa replaces the pending
// enrollment, and only the secret of the answer that arrived is ever accepted.
func (m userMFA) enable(ctx context.Context, recreate bool) (*MFAEnrollment, error) {
	resp, err := m.s.Do(ctx, Request{Method: http.MethodPost, Path: m.user + "/enableMfa", JSON: map[string]bool{"recreate": recreate}, RetrySafe: true})
	if err != nil {
		return nil, err
	}
	var e MFAEnrollment
	if err := resp.Decode(&e); err != nil {
		return nil, err
	}
	if e.SecretKey == "" || e.Token == "" {
		return nil, fmt.Errorf("%s: enableMfa answered without secretKey or token", m.s.Product().Title())
	}
	return &e, nil
}

// accept confirms an enrollment with a code computed from its secret. Retry-safe: a resent
// acceptMfa either confirms the still-pending enrollment or, when the first one got through,
// fails as "nothing pending", which enroll resolves.
func (m userMFA) accept(ctx context.Context, code, token string) error {
	_, err := m.s.Do(ctx, Request{Method: http.MethodPost, Path: m.user + "/acceptMfa", JSON: map[string]string{"code": code, "token": token}, RetrySafe: true})
	return err
}

// disable turns MFA off. Retry-safe: disabling twice ends in the same state; should the
// appliance refuse the resent call because MFA is already off, reading the user settles it.
func (m userMFA) disable(ctx context.Context) error {
	_, err := m.s.Do(ctx, Request{Method: http.MethodPost, Path: m.user + "/disableMfa", RetrySafe: true})
	if hasStatus(err, http.StatusBadRequest) && !m.mfaOn(ctx) {
		return nil
	}
	return err
}

// enroll enables (or, with recreate, re-creates) MFA with no human in the loop: enableMfa, then
// the current TOTP code of the returned secret to acceptMfa. Two requests; the user is read only
// when an answer needs explaining:
//   - enableMfa without recreate refused with 400 while MFA is on: ErrMFAAlreadyEnabled.
//   - acceptMfa failed but MFA is now on, for a first enrollment: only this enrollment was
//     pending, so its accept got through (a resend after a lost answer finds nothing pending).
//   - acceptMfa refused twice with 400, a step apart, during a rotation while MFA is on: a
//     code of the new secret cannot be refused twice a step apart while the enrollment is
//     pending, and its token is known only to this call, so the enrollment is no longer
//     pending because this call's accept got through; the new secret is the live one.
//
// A code computed at the edge of its 30-second step is retried once with the next step's code.
func (m userMFA) enroll(ctx context.Context, recreate bool) (*MFAEnrollment, error) {
	e, err := m.enable(ctx, recreate)
	if err != nil {
		if !recreate && hasStatus(err, http.StatusBadRequest) && m.mfaOn(ctx) {
			return nil, fmt.Errorf("%w: %w", ErrMFAAlreadyEnabled, err)
		}
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		code, cerr := TOTPCode(e.SecretKey, m.s.Now())
		if cerr != nil {
			return nil, fmt.Errorf("enableMfa returned an unusable secret: %w", cerr)
		}
		err = m.accept(ctx, code, e.Token)
		if err == nil {
			return e, nil
		}
		if !recreate && m.mfaOn(ctx) {
			return e, nil
		}
		refused := hasStatus(err, http.StatusBadRequest, http.StatusUnauthorized)
		if recreate && attempt > 0 && hasStatus(err, http.StatusBadRequest) && m.mfaOn(ctx) {
			return e, nil
		}
		if attempt > 0 || !refused {
			return nil, err
		}
		if err := m.s.waitNextTOTPStep(ctx); err != nil {
			return nil, err
		}
	}
}
