package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// syncBuffer is an io.Writer safe for the emulator's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var lineRe = regexp.MustCompile(`^veeam-emulator: (\w+) listening on (https?://\S+)$`)

// start runs the command and waits for want listening lines.
func start(t *testing.T, want int, args ...string) (urls map[string]string, stderr *syncBuffer, stop func() int) {
	t.Helper()
	args = onlyNamed(args)
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	stderr = &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, args, pw, stderr)
		pw.Close()
	}()
	urls = map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(urls) < want {
		if !sc.Scan() {
			cancel()
			t.Fatalf("output ended after %v; stderr: %s", urls, stderr.String())
		}
		m := lineRe.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("unexpected output line %q", sc.Text())
		}
		urls[m[1]] = m[2]
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	var once sync.Once
	code := -1
	stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("run did not return after cancel")
			}
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return urls, stderr, stop
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	rq, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	rq.Header.Set("x-api-version", "1.8-rev0")
	rq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r, err := c.Do(rq)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer r.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(r.Body).Decode(&m)
	return r.StatusCode, m
}

func TestRunVersion(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "veeam-emulator dev (none)") {
		t.Fatalf("-version: code %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

// onlyNamed disables every product args does not name (-p "" for each), so a test serves only
// the products it lists and never binds another product's default port.
func onlyNamed(args []string) []string {
	named := map[string]bool{}
	for _, a := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		named[name] = strings.HasPrefix(a, "-")
	}
	out := slices.Clone(args)
	for _, p := range emulator.AllProducts() {
		if !named[string(p)] {
			out = append(out, "-"+string(p), "")
		}
	}
	return out
}
