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
