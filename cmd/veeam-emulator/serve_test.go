package main

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRunVROSingleSession: with -vro-single-session a second password login of the same user
// ends the first session; without it both live. VAO answers at /token with DOMAIN\USER.
func TestRunVROSingleSession(t *testing.T) {
	for _, single := range []bool{false, true} {
		args := []string{"-plain-http", "-aws", "", "-vbr", "", "-vro", "127.0.0.1:0", "-vao", "127.0.0.1:0", "-em", "", "-azure", "", "-gcp", ""}
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

func TestRunPlainHTTPAllProducts(t *testing.T) {
	urls, _, stop := start(t, 5, "-plain-http", "-aws", "127.0.0.1:0", "-vbr", "127.0.0.1:0", "-vro", "127.0.0.1:0", "-vao", "127.0.0.1:0", "-em", "127.0.0.1:0", "-azure", "", "-gcp", "")
	seen := map[string]bool{}
	for p, u := range urls {
		if !strings.HasPrefix(u, "http://127.0.0.1:") || seen[u] {
			t.Errorf("%s URL = %q", p, u)
		}
		seen[u] = true
	}
	status, tok := post(t, http.DefaultClient, urls["aws"]+"/api/v1/token", url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}})
	if status != 200 || tok["username"] != "administrator" {
		t.Errorf("login: %d %v", status, tok)
	}
	// Every other product answers on its own listener (an unversioned,
	// unauthenticated request is a client error, or 501 while a product is
	// not implemented).
	for _, p := range []string{"vbr", "vro", "vao", "em"} {
		r, err := http.Get(urls[p] + "/no/such/path")
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		r.Body.Close()
		if r.StatusCode < 400 || r.StatusCode > 501 {
			t.Errorf("%s: status %d", p, r.StatusCode)
		}
	}
	if code := stop(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

func TestRunPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var errb syncBuffer
	code := run(t.Context(), onlyNamed([]string{"-plain-http", "-aws", "127.0.0.1:0", "-vbr", ln.Addr().String(), "-vro", "", "-vao", "", "-em", ""}), io.Discard, &errb)
	if code != 1 || !strings.Contains(errb.String(), "vbr") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

func TestDisplayAddr(t *testing.T) {
	for in, want := range map[string]string{"0.0.0.0:1": "127.0.0.1:1", "[::]:2": "127.0.0.1:2", "127.0.0.1:3": "127.0.0.1:3", "[::1]:4": "[::1]:4"} {
		a, _ := net.ResolveTCPAddr("tcp", in)
		if got := displayAddr(a); got != want {
			t.Errorf("displayAddr(%s) = %s, want %s", in, got, want)
		}
	}
}
