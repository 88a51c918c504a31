package core

import (
	"errors"
	"testing"
	"time"
)

// TestDeleteUser: the built-in account and the caller's own stay; a deleted
// account's sessions end.
func TestDeleteUser(t *testing.T) {
	st, err := NewStore()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []SeedUser{
		{Name: "administrator", Password: "pw", Role: RolePortalAdministrator, IsDefault: true},
		{Name: "bob", Password: "pw", Role: RolePortalOperator},
	} {
		if err := st.AddUser(AWS, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.AddUser(AWS, SeedUser{Name: "BOB", Password: "x"}); !errors.Is(err, ErrUserExists) {
		t.Errorf("a taken name (case-insensitive): %v", err)
	}
	tp, err := st.Login(AWS, "bob", testT0, LoginOptions{Access: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteUser(AWS, "administrator", "bob"); !isKind(err, Invalid) {
		t.Errorf("deleting the default account: %v", err)
	}
	if err := st.DeleteUser(AWS, "bob", "Bob"); !isKind(err, Invalid) {
		t.Errorf("deleting oneself: %v", err)
	}
	if err := st.DeleteUser(AWS, "bob", "administrator"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Authenticate(AWS, tp.Access, testT0); !isKind(err, InvalidToken) {
		t.Errorf("the deleted account's token: %v", err)
	}
	if err := st.DeleteUser(AWS, "bob", "administrator"); !errors.Is(err, ErrUserNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
}
