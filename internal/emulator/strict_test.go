package emulator_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// TestTrailingJSONIsRefused is the regression test of the input the fuzz
// target FuzzVBRSettingsJSON found: a JSON body must hold exactly one value.
func TestTrailingJSONIsRefused(t *testing.T) {
	h := newVBR(t)
	tok := h.vbrAdmin()
	for _, body := range []string{`{"mfaEnabled":true}}`, `{"mfaEnabled":true} {}`, `{"mfaEnabled":true}]`, `{"mfaEnabled":true} x`, `{"mfaEnabled":true}"`} {
		h.vbrJSON("PUT", "/api/v1/security/settings", tok, body).vbrError(http.StatusBadRequest, emulator.CodeUnexpectedContent)
	}
	if h.e.VBRMFAEnabled() {
		t.Fatal("a refused body changed the setting")
	}
	// Whitespace after the value is fine; unknown members are ignored (the
	// specifications leave their objects open).
	h.vbrJSON("PUT", "/api/v1/security/settings", tok, "{\"mfaEnabled\":true,\"comment\":\"x\"} \n").want(http.StatusOK)

	a := newHarness(t)
	a.api("POST", "/api/v1/users", a.adminToken(), `{"name":"x","description":"","password":"p"}}`).problem(400, emulator.CodeUnexpectedContent)
	if _, ok := a.e.User(emulator.AWS, "x"); ok {
		t.Fatal("a refused body created a user")
	}
}

// TestInvalidUTF8IsRefused: invalid UTF-8 in a JSON string or a form value
// is refused, never stored.
func TestInvalidUTF8IsRefused(t *testing.T) {
	a := newHarness(t)
	a.api("POST", "/api/v1/users", a.adminToken(), "{\"name\":\"bad\xff\",\"description\":\"\",\"password\":\"p\"}").problem(400, emulator.CodeUnexpectedContent)
	a.token(url.Values{"grant_type": {"password"}, "username": {"admin\xffistrator"}, "password": {"Password1"}}).problem(400, emulator.CodeUnexpectedContent)
	if _, ok := a.e.User(emulator.AWS, "bad\uFFFD"); ok {
		t.Fatal("the invalid name was stored with a replacement character")
	}
	v := newVBR(t)
	v.vbrTokenBody("grant_type=password&username=%ff&password=x").vbrError(http.StatusBadRequest, emulator.CodeUnexpectedContent)
	o := orchHarness(t, emulator.VRO)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("grant_type", "password")
	_ = mw.WriteField("username", "admin\xff")
	_ = mw.WriteField("password", "Password1")
	_ = mw.Close()
	o.do(req{method: "POST", path: "/api/token", noVersion: true, contentType: mw.FormDataContentType(), body: buf.String()}).oauthError(400, "invalid_request")
	if err := a.e.AddUser(emulator.AWS, emulator.SeedUser{Name: "x\xff", Password: "p"}); err == nil {
		t.Fatal("AddUser stored an invalid UTF-8 name")
	}
}

// postWholeBody is a client that writes its whole request, body included,
// before it reads the answer (as simple clients do), over TLS: it fails when
// the server closes the connection before reading the body.
func postWholeBody(t *testing.T, s *emulatortest.Servers, p emulator.Product, path string, header http.Header, body string) (*http.Response, []byte, error) {
	t.Helper()
	u, err := url.Parse(s.URL[p])
	if err != nil {
		t.Fatal(err)
	}
	conn, err := tls.Dial("tcp", u.Host, &tls.Config{RootCAs: s.CertPool(), ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	var head strings.Builder
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", path, u.Host, len(body))
	_ = header.Write(&head)
	head.WriteString("\r\n")
	if _, err := io.WriteString(conn, head.String()+body); err != nil {
		return nil, nil, fmt.Errorf("writing the request: %w", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the answer: %w", err)
	}
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// TestOversizedBodyIsAnswered413 sends a 2 MiB body over TLS with a client
// that writes it whole before reading: the client receives the 413 in the
// product's error format (the emulator reads and discards the body before
// answering), and a body of exactly 1 MiB is still read.
func TestOversizedBodyIsAnswered413(t *testing.T) {
	s := emulatortest.Start(t, emulator.Options{})
	c := s.HTTPClient()
	big := strings.Repeat("a", 2<<20)
	for _, tc := range []struct {
		p                  emulator.Product
		path, ct, prefix   string
		header             []string
		wantInBody, errKey string
	}{
		{emulator.VBR, "/api/oauth2/token", "application/x-www-form-urlencoded", "grant_type=password&username=", []string{"x-api-version", "1.3-rev2"}, "", "errorCode"},
		{emulator.AWS, "/api/v1/token", "application/x-www-form-urlencoded", "grant_type=password&username=", []string{"x-api-version", "1.8-rev0"}, "", "errorCode"},
		{emulator.VRO, "/api/token", "application/x-www-form-urlencoded", "grant_type=password&username=", nil, "", "error"},
		{emulator.VAO, "/token", "application/x-www-form-urlencoded", "grant_type=password&username=", nil, "", "error"},
		{emulator.EM, "/api/sessionMngr/?v=latest", "application/json", "", []string{"Accept", "application/json"}, "", "Status"},
	} {
		hdr := http.Header{"Content-Type": {tc.ct}}
		for i := 0; i+1 < len(tc.header); i += 2 {
			hdr.Set(tc.header[i], tc.header[i+1])
		}
		resp, body, err := postWholeBody(t, s, tc.p, tc.path, hdr, tc.prefix+big)
		if err != nil {
			t.Fatalf("%s: the client did not receive the answer: %v", tc.p, err)
		}
		var m map[string]any
		if resp.StatusCode != http.StatusRequestEntityTooLarge || json.Unmarshal(body, &m) != nil || m[tc.errKey] == nil {
			t.Errorf("%s: status %d, body %s; want 413 with a %q member", tc.p, resp.StatusCode, body, tc.errKey)
		}
	}
	// A body far beyond what socket buffers absorb (16 MiB) is drained too:
	// without that the server closes the connection while the client is
	// still writing, and the client never reads the answer.
	resp, _, err := postWholeBody(t, s, emulator.VBR, "/api/oauth2/token",
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Api-Version": {"1.3-rev2"}}, "grant_type=password&username="+strings.Repeat("a", 16<<20))
	if err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("16 MiB body: %v %v", err, resp)
	}
	// Exactly 1 MiB is read (and refused for what it says, not its size).
	rq, _ := http.NewRequest("POST", s.URL[emulator.VBR]+"/api/oauth2/token", strings.NewReader("grant_type=password&username=x&password="+strings.Repeat("a", 1<<20-len("grant_type=password&username=x&password="))))
	rq.Header.Set("x-api-version", "1.3-rev2")
	rq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = c.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a 1 MiB body: status %d, want 401 (wrong password)", resp.StatusCode)
	}
}
