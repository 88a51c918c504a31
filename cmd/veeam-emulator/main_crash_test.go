//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// child is the command running in a separate process (the test binary
// re-executed as main, see TestMain).
type child struct {
	cmd    *exec.Cmd
	urls   map[string]string
	stderr *syncBuffer
	done   chan struct{} // closed when the process has been waited for
}

// startChild runs the command with args and waits for want listening lines.
func startChild(t *testing.T, want int, args ...string) *child {
	t.Helper()
	j, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "VEEAM_EMULATOR_BE_MAIN=1", "VEEAM_EMULATOR_ARGS_JSON="+string(j))
	c := &child{cmd: cmd, urls: map[string]string{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = c.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.done
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, out)
	}()
	timeout := time.After(20 * time.Second)
	for len(c.urls) < want {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("output ended after %v; stderr: %s", c.urls, c.stderr)
			}
			m := lineRe.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("unexpected output line %q", l)
			}
			c.urls[m[1]] = m[2]
		case <-timeout:
			t.Fatalf("no listening lines after 20s; stderr: %s", c.stderr)
		}
	}
	go func() {
		for range lines {
		}
	}()
	return c
}

// kill9 ends the process with SIGKILL: no deferred code, no Close.
func (c *child) kill9(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	select {
	case <-c.done:
		if ps := c.cmd.ProcessState; ps == nil || ps.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("the process ended otherwise than by SIGKILL: %v; stderr: %s", ps, c.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the process did not die")
	}
}

// api is a small HTTP client for the crash test.
type api struct {
	t *testing.T
	c *http.Client
}

// do sends one request; hdr holds header pairs; it returns the status, or 0
// when the request failed (the process is gone).
func (a api) do(method, u, body string, hdr ...string) (int, map[string]any) {
	rq, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		rq.Header.Set(hdr[i], hdr[i+1])
	}
	r, err := a.c.Do(rq)
	if err != nil {
		return 0, nil
	}
	defer r.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(r.Body).Decode(&m)
	return r.StatusCode, m
}

func (a api) must(want int, method, u, body string, hdr ...string) map[string]any {
	a.t.Helper()
	status, m := a.do(method, u, body, hdr...)
	if status != want {
		a.t.Fatalf("%s %s: status %d, want %d: %v", method, u, status, want, m)
	}
	return m
}

const (
	awsVersion = "x-api-version"
	jsonCT     = "application/json"
	formCT     = "application/x-www-form-urlencoded"
)

func (a api) awsLogin(base, user, pw string) (int, map[string]any) {
	return a.do("POST", base+"/api/v1/token", url.Values{"grant_type": {"password"}, "username": {user}, "password": {pw}}.Encode(),
		awsVersion, "1.8-rev0", "Content-Type", formCT)
}

// TestKill9LosesNothingAcknowledged proves the -state claim: every account
// change the emulator acknowledged survives a SIGKILL that comes right after
// the acknowledgement, including changes acknowledged while other requests
// were still being served.
func TestKill9LosesNothingAcknowledged(t *testing.T) {
	state := filepath.Join(t.TempDir(), "dir with blanks", "state.json")
	if err := os.MkdirAll(filepath.Dir(state), 0o700); err != nil {
		t.Fatal(err)
	}
	args := []string{"-plain-http", "-aws", "127.0.0.1:0", "-vbr", "127.0.0.1:0", "-vro", "", "-vao", "", "-em", "", "-azure", "", "-gcp", "",
		"-control", "-state", state}
	a := api{t: t, c: &http.Client{Timeout: 10 * time.Second}}
	first := startChild(t, 2, args...)
	aws, vbr := first.urls["aws"], first.urls["vbr"]
	v := []string{awsVersion, "1.8-rev0", "Content-Type", jsonCT}

	_, tok := a.awsLogin(aws, "administrator", "Password1")
	admin, _ := tok["access_token"].(string)
	if admin == "" {
		t.Fatalf("login: %v", tok)
	}
	bearer := append([]string{"Authorization", "Bearer " + admin}, v...)

	// Acknowledged one after the other: a user with MFA (enabled, accepted,
	// then one scratch code spent), a password change, a deletion, and a
	// Backup & Replication MFA reset.
	for _, n := range []string{"mfa-user", "renamed-pw", "deleted"} {
		a.must(201, "POST", aws+"/api/v1/users", `{"name":"`+n+`","password":"Password1"}`, bearer...)
	}
	en := a.must(200, "POST", aws+"/api/v1/users/mfa-user/enableMfa", `{"recreate":"false"}`, bearer...)
	code := a.must(200, "GET", aws+"/emulator/totp?user=mfa-user&pending=true", "")["code"].(string)
	a.must(201, "POST", aws+"/api/v1/users/mfa-user/acceptMfa", `{"code":"`+code+`","token":"`+en["token"].(string)+`"}`, bearer...)
	secret := en["secretKey"].(string)
	scratch := en["scratchCodes"].([]any)
	_, step1 := a.awsLogin(aws, "mfa-user", "Password1")
	mfaToken, _ := step1["mfa_token"].(string)
	a.must(200, "POST", aws+"/api/v1/token", url.Values{"grant_type": {"mfa"}, "mfa_token": {mfaToken}, "mfa_code": {scratch[0].(string)}}.Encode(),
		awsVersion, "1.8-rev0", "Content-Type", formCT)
	a.must(200, "PUT", aws+"/api/v1/users/renamed-pw", `{"password":"Changed1"}`, bearer...)
	a.must(204, "DELETE", aws+"/api/v1/users/deleted", "", bearer...)

	vv := []string{"x-api-version", "1.3-rev1"}
	vtok := a.must(200, "POST", vbr+"/api/oauth2/token", "grant_type=password&username=administrator&password=Password1",
		append([]string{"Content-Type", formCT}, vv...)...)
	vb := append([]string{"Authorization", "Bearer " + vtok["access_token"].(string)}, vv...)
	users := a.must(200, "GET", vbr+"/api/v1/security/users?nameFilter=jsmith", "", vb...)
	id := users["data"].([]any)[0].(map[string]any)["id"].(string)
	a.must(204, "POST", vbr+"/api/v1/security/users/"+id+"/resetMFA", "", vb...)

	// Then eight clients create users at once, and the process is killed as
	// soon as the n-th creation is acknowledged, with others still in flight;
	// restarted, killed again, three times.
	cur := first
	var acked []string
	for round, n := range []int{1, 9, 60} {
		var (
			mu      sync.Mutex
			killed  sync.Once
			workers sync.WaitGroup
			mine    int
		)
		for w := range 8 {
			workers.Add(1)
			go func() {
				defer workers.Done()
				for i := 0; ; i++ {
					name := fmt.Sprintf("r%d-w%d-%03d", round, w, i)
					status, _ := a.do("POST", aws+"/api/v1/users", `{"name":"`+name+`","password":"Password1"}`, bearer...)
					if status != 201 {
						return // the process is gone
					}
					mu.Lock()
					acked = append(acked, name)
					mine++
					done := mine >= n
					mu.Unlock()
					if done {
						killed.Do(func() { _ = cur.cmd.Process.Kill() })
					}
				}
			}()
		}
		workers.Wait()
		cur.kill9(t)
		if mine < n {
			t.Fatalf("round %d: only %d creations acknowledged before the workers stopped; stderr: %s", round, mine, cur.stderr)
		}
		cur = startChild(t, 2, args...)
		aws, vbr = cur.urls["aws"], cur.urls["vbr"]
		for _, name := range acked {
			if status, m := a.do("GET", aws+"/emulator/users/aws/"+name, ""); status != 200 {
				t.Errorf("round %d: acknowledged user %s is gone after kill -9: %d %v", round, name, status, m)
			}
		}
		if status, _ := a.awsLogin(aws, acked[len(acked)-1], "Password1"); status != 200 {
			t.Errorf("round %d: the last acknowledged user cannot log in: %d", round, status)
		}
		_, tok = a.awsLogin(aws, "administrator", "Password1") // tokens do not survive a restart
		bearer = append([]string{"Authorization", "Bearer " + tok["access_token"].(string)}, v...)
	}
	t.Logf("%d users created concurrently, all acknowledged ones found after 3 kills", len(acked))

	st := a.must(200, "GET", aws+"/emulator/users/aws/mfa-user", "")
	if st["mfaEnabled"] != true || st["mfaSecret"] != secret {
		t.Errorf("mfa-user after restart: %v", st)
	}
	_, step1 = a.awsLogin(aws, "mfa-user", "Password1")
	if step1["mfa_enabled"] != true {
		t.Fatalf("mfa-user logs in without MFA after restart: %v", step1)
	}
	mfa := func(code string) int {
		_, s1 := a.awsLogin(aws, "mfa-user", "Password1")
		status, _ := a.do("POST", aws+"/api/v1/token", url.Values{"grant_type": {"mfa"}, "mfa_token": {s1["mfa_token"].(string)}, "mfa_code": {code}}.Encode(),
			awsVersion, "1.8-rev0", "Content-Type", formCT)
		return status
	}
	if status := mfa(scratch[0].(string)); status != 401 {
		t.Errorf("the scratch code spent before the kill works again: %d", status)
	}
	if status := mfa(scratch[1].(string)); status != 200 {
		t.Errorf("an unspent scratch code: %d", status)
	}
	if status, _ := a.awsLogin(aws, "renamed-pw", "Changed1"); status != 200 {
		t.Errorf("changed password lost: %d", status)
	}
	if status, _ := a.awsLogin(aws, "renamed-pw", "Password1"); status != 401 {
		t.Errorf("old password works again: %d", status)
	}
	if status, _ := a.do("GET", aws+"/emulator/users/aws/deleted", ""); status != 404 {
		t.Errorf("deleted user is back: %d", status)
	}
	if st := a.must(200, "GET", vbr+"/emulator/users/vbr/jsmith", ""); st["mfaEnabled"] != false {
		t.Errorf("vbr jsmith MFA reset lost: %v", st)
	}
	cur.kill9(t)
}
