package client

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// userNamesTheAPIAllows are names that need escaping in a path: each must reach the same
// account through every call that names it. The emulator refuses names with / \ ? # %
// (internal/emulator/DECISIONS.md), so those are checked on the wire below.
var userNamesTheAPIAllows = []string{"john doe", "jürgen", "a+b", "Ünïcödé name", "x&y=z;w"}

func TestUserNamesAreEscapedOnceInEveryCall(t *testing.T) {
	srv := startEmulator(t)
	admin := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	for _, name := range userNamesTheAPIAllows {
		t.Run(name, func(t *testing.T) {
			if _, err := admin.CreateUser(ctx, name, "escaping", "Pass-word-1!"); err != nil {
				t.Fatalf("CreateUser: %v", err)
			}
			u, err := admin.GetUser(ctx, name)
			if err != nil || u.Name != name {
				t.Fatalf("GetUser: %+v %v", u, err)
			}
			if _, err := admin.UpdateUser(ctx, name, "changed", "", ""); err != nil {
				t.Fatalf("UpdateUser: %v", err)
			}
			e, err := admin.EnrollMFA(ctx, name, false)
			if err != nil {
				t.Fatalf("EnrollMFA (enableMfa + acceptMfa): %v", err)
			}
			if st, ok := srv.Emulator.AWSUser(name); !ok || !st.MFAEnabled || st.MFASecret != e.SecretKey || st.Description != "changed" {
				t.Fatalf("emulator's record after update and enrollment: %+v (found %v)", st, ok)
			}
			if err := admin.DisableMFA(ctx, name); err != nil {
				t.Fatalf("DisableMFA: %v", err)
			}
			if st, _ := srv.Emulator.AWSUser(name); st.MFAEnabled {
				t.Fatal("MFA still on in the emulator after DisableMFA")
			}
			if err := admin.DeleteUser(ctx, name); err != nil {
				t.Fatalf("DeleteUser: %v", err)
			}
			if _, ok := srv.Emulator.AWSUser(name); ok {
				t.Fatal("the account is still on the emulator after DeleteUser")
			}
		})
	}
}

func TestEveryPathCharacterIsEscapedExactlyOnceOnTheWire(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.RequestURI)
		mu.Unlock()
		if strings.HasSuffix(r.URL.Path, "/enableMfa") {
			_, _ = w.Write([]byte(`{"secretKey":"JBSWY3DPEHPK3PXP","token":"t"}`))
			return
		}
		_, _ = w.Write([]byte(`{"name":"x"}`))
	}))
	t.Cleanup(srv.Close)
	cfg := plainConfig(srv.URL, nil)
	cfg.Credentials = Credentials{Username: "u", Password: "p"}
	c := newAWS(t, cfg)
	c.Resume(&Token{AccessToken: "a"})
	ctx := ctxT(t)
	for name, want := range map[string]string{
		"john doe": "john%20doe", "jürgen": "j%C3%BCrgen", "a+b": "a+b", "100%": "100%25",
		"c#sharp": "c%23sharp", "why?": "why%3F", "dom/user": "dom%2Fuser",
	} {
		got = nil
		_, _ = c.GetUser(ctx, name)
		_, _ = c.UpdateUser(ctx, name, "d", "", "")
		_, _ = c.EnableMFA(ctx, name, false)
		_ = c.AcceptMFA(ctx, name, "123456", "t")
		_ = c.DisableMFA(ctx, name)
		_ = c.DeleteUser(ctx, name)
		base := "/api/v1/users/" + want
		wantCalls := []string{"GET " + base, "PUT " + base, "POST " + base + "/enableMfa", "POST " + base + "/acceptMfa", "POST " + base + "/disableMfa", "DELETE " + base}
		if strings.Join(got, "\n") != strings.Join(wantCalls, "\n") {
			t.Errorf("%q went out as\n%s\nwant\n%s", name, strings.Join(got, "\n"), strings.Join(wantCalls, "\n"))
		}
	}
}
