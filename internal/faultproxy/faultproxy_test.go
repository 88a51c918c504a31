package faultproxy_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/faultproxy"
)

// counting is a server that counts the requests it acted on.
func counting(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		_, _ = io.WriteString(w, "done")
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestTransportLosesOnlyTheNamedOccurrence(t *testing.T) {
	srv, acted := counting(t)
	tr := faultproxy.New(http.DefaultTransport, faultproxy.Rule{Method: http.MethodPost, Path: "/api/v1/users/john doe/acceptMfa", Nth: 2, Outcome: faultproxy.DropAfter})
	c := &http.Client{Transport: tr}
	post := func() error {
		resp, err := c.Post(srv.URL+"/api/v1/users/john%20doe/acceptMfa", "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := post(); err != nil {
		t.Fatalf("first call: %v", err)
	}
	if err := post(); !errors.Is(err, faultproxy.ErrDropped) {
		t.Fatalf("second call: got %v, want the answer dropped", err)
	}
	if err := post(); err != nil {
		t.Fatalf("third call: %v", err)
	}
	if got := acted.Load(); got != 3 {
		t.Fatalf("server acted %d times, want 3 (the dropped call still reaches it)", got)
	}
	ev := tr.Events()
	if len(ev) != 1 || ev[0].ServerStatus != http.StatusOK || ev[0].Outcome != faultproxy.DropAfter {
		t.Fatalf("events %+v", ev)
	}
}

func TestTransportGatewayAnswersAndBodyMatch(t *testing.T) {
	srv, acted := counting(t)
	tr := faultproxy.New(nil,
		faultproxy.Rule{Path: "/token", BodyContains: "grant_type=refresh_token", Outcome: faultproxy.GatewayTimeoutAfter},
		faultproxy.Rule{Path: "/x*", Outcome: faultproxy.DropBefore})
	c := &http.Client{Transport: tr}
	resp, err := c.Post(srv.URL+"/token", "application/x-www-form-urlencoded", strings.NewReader("grant_type=password"))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("password grant: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = c.Post(srv.URL+"/token", "application/x-www-form-urlencoded", strings.NewReader("grant_type=refresh_token"))
	if err != nil || resp.StatusCode != http.StatusGatewayTimeout {
		t.Fatalf("refresh grant: %v %v, want 504", resp, err)
	}
	resp.Body.Close()
	if _, err := c.Get(srv.URL + "/xyz"); !errors.Is(err, faultproxy.ErrDropped) {
		t.Fatalf("DropBefore: %v", err)
	}
	if got := acted.Load(); got != 2 {
		t.Fatalf("server acted %d times, want 2 (DropBefore never forwards)", got)
	}
}

func TestServeHangsUpAfterTheServerActed(t *testing.T) {
	srv, acted := counting(t)
	p := faultproxy.Serve(t, srv.URL, "", faultproxy.Rule{Method: http.MethodDelete, Nth: 1, Outcome: faultproxy.DropAfter},
		faultproxy.Rule{Method: http.MethodPut, Nth: 1, Outcome: faultproxy.BadGatewayAfter})
	c := httptestClient(t, p.CACertPEM)
	req, _ := http.NewRequest(http.MethodDelete, p.URL+"/a", nil)
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("DELETE through the proxy answered %d, want a hang-up", resp.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodPut, p.URL+"/a", nil)
	resp, err := c.Do(req)
	if err != nil || resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("PUT: %v %v, want 502", resp, err)
	}
	resp.Body.Close()
	if got := acted.Load(); got != 2 {
		t.Fatalf("server acted %d times, want 2", got)
	}
}
