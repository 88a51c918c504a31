package main

import (
	"net/http"
	"net/url"
	"testing"
)

// TestRunVROSingleSession: with -vro-single-session a second password login of the same user
// ends the first session; without it both live. VAO answers at /token with DOMAIN\USER.
func TestRunVROSingleSession(t *testing.T) {
	for _, single := range []bool{false, true} {
		args := []string{"-plain-http", "-aws", "", "-vbr", "", "-vro", "127.0.0.1:0", "-vao", "127.0.0.1:0", "-em", ""}
		if single {
			args = append(args, "-vro-single-session")
		}
		urls, _, stop := start(t, 2, args...)
		login := func() string {
			status, tok := post(t, http.DefaultClient, urls["vro"]+"/api/token", url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}})
			if status != 200 {
				t.Fatalf("vro login: %d %v", status, tok)
			}
			return tok["refresh_token"].(string)
		}
		first := login()
		login()
		status, _ := post(t, http.DefaultClient, urls["vro"]+"/api/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first}})
		if want := map[bool]int{false: 200, true: 400}[single]; status != want {
			t.Errorf("single=%v: refreshing the first session: %d, want %d", single, status, want)
		}
		if status, tok := post(t, http.DefaultClient, urls["vao"]+"/token", url.Values{"grant_type": {"password"}, "username": {`VEEAM\administrator`}, "password": {"Password1"}}); status != 200 {
			t.Errorf("vao login: %d %v", status, tok)
		}
		if code := stop(); code != 0 {
			t.Errorf("exit code %d", code)
		}
	}
}
