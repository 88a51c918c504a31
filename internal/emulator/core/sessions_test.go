package core

import (
	"errors"
	"testing"
	"time"
)

func TestPrune(t *testing.T) {
	clock := NewClock(testT0)
	st, err := NewStore()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"administrator", "operator"} {
		if err := st.AddUser(AWS, SeedUser{Name: name, Password: "Password1", Role: RolePortalAdministrator}); err != nil {
			t.Fatal(err)
		}
	}
	lt := struct{ AccessToken, RefreshToken, AuthorizationCode time.Duration }{time.Hour, 2 * time.Hour, time.Minute}
	old, aerr := st.Login(AWS, "administrator", clock.Now(), LoginOptions{Access: lt.AccessToken, Refresh: lt.RefreshToken})
	if aerr != nil {
		t.Fatal(aerr)
	}
	st.Put(AuthorizationCode, AWS, "code", "administrator", clock.Now().Add(lt.AuthorizationCode))
	clock.Advance(lt.RefreshToken + pruneGrace + 1)
	for range 1100 { // crosses the prune threshold
		if _, aerr := st.Login(AWS, "operator", clock.Now(), LoginOptions{Access: lt.AccessToken, Refresh: lt.RefreshToken}); aerr != nil {
			t.Fatal(aerr)
		}
	}
	st.mu.Lock()
	_, accessKept := st.tokens[hashToken(old.Access)]
	_, sessKept := st.sessions[old.SessionID]
	_, codeKept := st.once[hashToken("code")]
	st.mu.Unlock()
	if accessKept || sessKept || codeKept {
		t.Errorf("prune kept access=%v session=%v code=%v", accessKept, sessKept, codeKept)
	}
	if _, aerr := st.Authenticate(AWS, old.Access, clock.Now()); !isKind(aerr, InvalidToken) {
		t.Errorf("pruned token: %v", aerr)
	}
}

var testT0 = mustTime("2025-03-14T10:00:00Z")

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func isKind(err error, k Kind) bool {
	var ce *Error
	return errors.As(err, &ce) && ce.Kind == k
}
