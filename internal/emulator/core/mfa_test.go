package core

import (
	"errors"
	"testing"
	"time"
)

// TestMFAStateMachine walks an account through off → pending → on → pending
// again (recreate) → off, with the verbs alone (no HTTP).
func TestMFAStateMachine(t *testing.T) {
	st, err := NewStore()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddUser(AWS, SeedUser{Name: "alice", Password: "pw", Role: RolePortalOperator}); err != nil {
		t.Fatal(err)
	}
	now := testT0
	en, err := st.EnableMFA(AWS, "ALICE", "host", false)
	if err != nil || en.UserName != "alice" || len(en.ScratchCodes) != 5 || en.Token == "" {
		t.Fatalf("EnableMFA = %+v, %v", en, err)
	}
	if u, _ := st.User(AWS, "alice"); u.MFAEnabled || u.PendingMFASecret != en.Secret {
		t.Fatalf("after EnableMFA: %+v", u)
	}
	if err := st.AcceptMFA(AWS, "alice", "wrong", code(t, en.Secret, now), now); !isKind(err, Invalid) {
		t.Errorf("AcceptMFA with a wrong token: %v", err)
	}
	if err := st.AcceptMFA(AWS, "alice", en.Token, "000000", now); !isKind(err, Invalid) {
		t.Errorf("AcceptMFA with a wrong code: %v", err)
	}
	if err := st.AcceptMFA(AWS, "alice", en.Token, code(t, en.Secret, now), now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.EnableMFA(AWS, "alice", "host", false); !isKind(err, Invalid) {
		t.Errorf("EnableMFA while on, without recreate: %v", err)
	}
	again, err := st.EnableMFA(AWS, "alice", "host", true)
	if err != nil || again.Secret == en.Secret {
		t.Fatalf("EnableMFA with recreate = %+v, %v", again, err)
	}
	// The old secret keeps working until the new one is accepted.
	mt := st.IssueMFAToken(AWS, "alice", now.Add(time.Minute))
	if name, err := st.MFALogin(AWS, mt, code(t, en.Secret, now), now); err != nil || name != "alice" {
		t.Errorf("MFALogin with the old secret = %q, %v", name, err)
	}
	mt = st.IssueMFAToken(AWS, "alice", now.Add(time.Minute))
	if _, err := st.MFALogin(AWS, mt, en.ScratchCodes[0], now); err != nil {
		t.Errorf("MFALogin with a scratch code: %v", err)
	}
	mt = st.IssueMFAToken(AWS, "alice", now.Add(time.Minute))
	if _, err := st.MFALogin(AWS, mt, en.ScratchCodes[0], now); !isKind(err, Denied) {
		t.Errorf("a scratch code used twice: %v", err)
	}
	if err := st.DisableMFA(AWS, "alice"); err != nil {
		t.Fatal(err)
	}
	if u, _ := st.User(AWS, "alice"); u.MFAEnabled || u.PendingMFASecret != "" {
		t.Errorf("after DisableMFA: %+v", u)
	}
	if err := st.DisableMFA(AWS, "nobody"); !errors.Is(err, ErrUserNotFound) {
		t.Errorf("DisableMFA of an unknown user: %v", err)
	}
}

// TestMFALoginRefusesAReplayedCode: a TOTP code a login accepted is refused
// for the rest of its step, and so is the code of an earlier step (RFC 6238
// §5.2); the next step's code works, and a new secret starts afresh.
// acceptMfa's code is not a login and does not count.
func TestMFALoginRefusesAReplayedCode(t *testing.T) {
	st, err := NewStore()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddUser(AWS, SeedUser{Name: "carol", Password: "pw", Role: RolePortalOperator}); err != nil {
		t.Fatal(err)
	}
	now := testT0.Add(5 * time.Second) // 5 s into a step
	en, err := st.EnableMFA(AWS, "carol", "host", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AcceptMFA(AWS, "carol", en.Token, code(t, en.Secret, now), now); err != nil {
		t.Fatal(err)
	}
	login := func(c string, at time.Time) error {
		_, err := st.MFALogin(AWS, st.IssueMFAToken(AWS, "carol", at.Add(time.Minute)), c, at)
		return err
	}
	if err := login(code(t, en.Secret, now), now); err != nil {
		t.Fatalf("the first login of the step, with the code acceptMfa used: %v", err)
	}
	if err := login(code(t, en.Secret, now), now.Add(10*time.Second)); !isKind(err, Denied) {
		t.Errorf("the same code again in its step: %v, want Denied", err)
	}
	next := now.Add(30 * time.Second)
	if err := login(code(t, en.Secret, now), next); !isKind(err, Denied) {
		t.Errorf("the previous step's code (inside the ±1 step window) after it was used: %v, want Denied", err)
	}
	if err := login(code(t, en.Secret, next), next); err != nil {
		t.Errorf("the next step's code: %v", err)
	}
	if err := login(en.ScratchCodes[0], next); err != nil {
		t.Errorf("a scratch code in a step whose TOTP was used: %v", err)
	}
	if err := login(en.ScratchCodes[0], next); !isKind(err, Denied) {
		t.Errorf("a scratch code used twice: %v", err)
	}
	// A rotated secret's codes are new: its first login in the same step works.
	again, err := st.EnableMFA(AWS, "carol", "host", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AcceptMFA(AWS, "carol", again.Token, code(t, again.Secret, next), next); err != nil {
		t.Fatal(err)
	}
	if err := login(code(t, again.Secret, next), next); err != nil {
		t.Errorf("the first login with a rotated secret: %v", err)
	}
}

// TestIdentityProviderUsersHaveNoMFA: the identity provider owns their login.
func TestIdentityProviderUsersHaveNoMFA(t *testing.T) {
	st, err := NewStore()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddUser(AWS, SeedUser{Name: "sara", Password: "pw", Role: RolePortalOperator, IdentityProvider: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.EnableMFA(AWS, "sara", "host", false); !isKind(err, Invalid) {
		t.Errorf("EnableMFA of an identity-provider user: %v", err)
	}
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
