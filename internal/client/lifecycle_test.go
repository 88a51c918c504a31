package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// shortTokens starts the emulator with 3-second access tokens on a clock the test controls.
func shortTokens(t *testing.T) *emulatortest.Servers {
	t.Helper()
	return emulatortest.Start(t, emulator.Options{Clock: emulator.NewClock(t0), Lifetimes: emulator.Lifetimes{AccessToken: 3 * time.Second}})
}

// refreshingProducts are the products whose sessions live on in a refresh token.
func refreshingProducts(srv *emulatortest.Servers) map[emulator.Product]func() (*Session, error) {
	return map[emulator.Product]func() (*Session, error){
		emulator.AWS: func() (*Session, error) { return NewSession(AWSFlavor, awsConfig(srv, "administrator", "Password1")) },
		emulator.VBR: func() (*Session, error) { return NewSession(VBRFlavor, vbrConfig(srv, "administrator", "Password1")) },
		emulator.VRO: func() (*Session, error) {
			return NewSession(VROFlavor, orchConfig(srv, emulator.VRO, Credentials{Username: "administrator", Password: "Password1"}))
		},
		emulator.VAO: func() (*Session, error) {
			return NewSession(VAOFlavor, orchConfig(srv, emulator.VAO, Credentials{Username: `VEEAM\administrator`, Password: "Password1"}))
		},
	}
}

func TestLogoutRenewsAStaleTokenAndLeavesNoSessionOpen(t *testing.T) {
	for _, age := range []time.Duration{2900 * time.Millisecond, 10 * time.Second} { // about to expire; expired
		srv := shortTokens(t)
		for p, open := range refreshingProducts(srv) {
			t.Run(string(p)+"/"+age.String(), func(t *testing.T) {
				s, err := open()
				if err != nil {
					t.Fatal(err)
				}
				ctx := ctxT(t)
				if _, err := s.Credential(ctx); err != nil {
					t.Fatal(err)
				}
				srv.Emulator.Clock().Advance(age)
				if err := s.Logout(ctx); err != nil {
					t.Fatalf("Logout: %v", err)
				}
				if live := srv.Emulator.Sessions(p); len(live) != 0 {
					t.Fatalf("%d session(s) still open on the emulator after Logout: %v", len(live), live)
				}
				if st := s.Stats(); st.Refreshes != 1 || st.Logouts != 1 {
					t.Fatalf("stats %+v: want the refresh before the logout, and the logout", st)
				}
			})
		}
	}
}

func TestLogoutOfADeadSessionSendsNothing(t *testing.T) {
	srv := shortTokens(t)
	c := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	if _, err := c.Credential(ctx); err != nil {
		t.Fatal(err)
	}
	before := srv.Emulator.Counters(emulator.AWS)
	srv.Emulator.Clock().Advance(30 * 24 * time.Hour) // both tokens expired
	if err := c.Logout(ctx); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	after := srv.Emulator.Counters(emulator.AWS)
	if after.Refreshes != before.Refreshes || after.Logins != before.Logins || after.Logouts != before.Logouts {
		t.Fatalf("a dead session was refreshed, logged in or logged out: %+v -> %+v", before, after)
	}
}

func TestLogoutRefusedForAFreshTokenIsUnconfirmed(t *testing.T) {
	srv := startEmulator(t)
	c := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	tok, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Another process ends the session (as a logout whose answer was lost would).
	if _, err := c.Send(ctx, Request{Method: http.MethodDelete, Path: awsTokenPath}, tok); err != nil {
		t.Fatal(err)
	}
	err = c.Logout(ctx)
	var unconfirmed *LogoutUnconfirmedError
	if !errors.As(err, &unconfirmed) || !IsAuthenticationFailed(err) {
		t.Fatalf("want a LogoutUnconfirmedError wrapping the 401, got %v", err)
	}
}

func TestAbandonedRenewalIsNotJoinedByTheNextCaller(t *testing.T) {
	srv := startEmulator(t)
	var tokenCalls atomic.Int32
	release := make(chan struct{})
	h := srv.Emulator.Handler(emulator.AWS)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == awsTokenPath && tokenCalls.Add(1) == 1 {
			select { // the first login hangs until its caller gives up
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(release) })
	cfg := plainConfig(ts.URL, srv.Emulator.Clock().Now)
	c := newAWS(t, cfg)
	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := c.Credential(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the waiter that gives up: got %v", err)
	}
	// The next caller starts a renewal of its own at once, rather than inheriting the
	// cancelled one's "context canceled".
	if _, err := c.Credential(ctxT(t)); err != nil {
		t.Fatalf("the next caller: %v", err)
	}
	if n := tokenCalls.Load(); n != 2 {
		t.Fatalf("token endpoint called %d times, want 2", n)
	}
}

func TestRenewRefreshesAFreshToken(t *testing.T) {
	srv := startEmulator(t)
	c := newAWS(t, awsConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	first, err := c.Credential(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A resumed copy (as the ephemeral token resource holds it) renews on request.
	s, _ := NewSession(AWSFlavor, awsConfig(srv, "administrator", "Password1"))
	s.Resume(first)
	srv.Emulator.Clock().Advance(50 * time.Minute)
	nt, err := s.Renew(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if nt.AccessToken == first.AccessToken || !nt.Expiry.After(first.Expiry) {
		t.Fatalf("Renew kept the old token (expiry %v -> %v)", first.Expiry, nt.Expiry)
	}
	if cnt := srv.Emulator.Counters(emulator.AWS); cnt.Refreshes != 1 || cnt.Logins != 1 {
		t.Fatalf("emulator logins=%d refreshes=%d: want Renew to refresh, not log in", cnt.Logins, cnt.Refreshes)
	}
}

func TestMarginGrowsWithRoundTripTime(t *testing.T) {
	// Real clock, 3-second tokens, 1 s added to every request: with a margin of a fifth of
	// the lifetime (0.6 s) a request sent 2.5 s into a token's life arrives after it expired.
	if testing.Short() {
		t.Skip("takes about 10 s of real time")
	}
	srv := emulatortest.Start(t, emulator.Options{Lifetimes: emulator.Lifetimes{AccessToken: 3 * time.Second}, Faults: emulator.Faults{Latency: time.Second}})
	cfg := awsConfig(srv, "administrator", "Password1")
	cfg.Now = nil
	c := newAWS(t, cfg)
	ctx := ctxT(t)
	deadline := time.Now().Add(8 * time.Second)
	for n := 0; time.Now().Before(deadline); n++ {
		if _, err := c.GetUser(ctx, "administrator"); err != nil {
			t.Fatalf("request %d: %v", n, err)
		}
	}
	if st := c.Stats(); st.Reauths != 0 || st.Refreshes == 0 {
		t.Fatalf("stats %+v: want refreshes ahead of expiry and no request answered 401", st)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if live := srv.Emulator.Sessions(emulator.AWS); len(live) != 0 {
		t.Fatalf("%d session(s) left open", len(live))
	}
}
