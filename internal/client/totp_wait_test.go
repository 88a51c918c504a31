package client

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// The emulator accepts a TOTP code once (RFC 6238 §5.2): the second MFA login in one step has
// its code refused, waits on the session's clock (Config.Sleep) for the next step and logs in
// with that step's code. On the emulator's clock the wait costs no real time.
func TestMFALoginWaitsForTheNextTOTPStepOnTheSessionClock(t *testing.T) {
	srv := startEmulator(t) // frozen at t0, 10 s into its step
	e := enrollAlice(t, srv, newAWS(t, awsConfig(srv, "administrator", "Password1")))
	clock := srv.Emulator.Clock()
	var slept []time.Duration
	cfg := awsConfig(srv, "alice", "Alice-Pass1")
	cfg.Credentials.TOTPSecret = e.SecretKey
	cfg.Sleep = func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		clock.Advance(d)
		return nil
	}
	mfaGrants := func() int { return srv.Emulator.Counters(emulator.AWS).Endpoints["POST /api/v1/token grant=mfa"] }
	start := clock.Now()
	if _, err := newAWS(t, cfg).Credential(ctxT(t)); err != nil {
		t.Fatalf("the first MFA login: %v", err)
	}
	if len(slept) != 0 {
		t.Fatalf("the first login of the step waited %v", slept)
	}
	before := mfaGrants()
	if _, err := newAWS(t, cfg).Credential(ctxT(t)); err != nil {
		t.Fatalf("the second MFA login in the same step: %v", err)
	}
	if want := 20*time.Second + 100*time.Millisecond; len(slept) != 1 || slept[0] != want {
		t.Fatalf("waited %v, want once %v (to the next step, 10 s into this one, and 100 ms more)", slept, want)
	}
	if got := mfaGrants() - before; got != 2 {
		t.Errorf("%d mfa grants, want 2 (the refused replayed code, the next step's code)", got)
	}
	if from, to := start.Unix()/30, clock.Now().Unix()/30; to != from+1 {
		t.Errorf("the second login ended in step %d, want the next one (%d)", to, from+1)
	}
}

// A wait that ends early (the context is cancelled) ends the login with its error.
func TestMFALoginStopsWhenTheWaitForTheNextStepEnds(t *testing.T) {
	srv := startEmulator(t)
	e := enrollAlice(t, srv, newAWS(t, awsConfig(srv, "administrator", "Password1")))
	cfg := awsConfig(srv, "alice", "Alice-Pass1")
	cfg.Credentials.TOTPSecret = e.SecretKey
	cfg.Sleep = func(context.Context, time.Duration) error { return context.Canceled }
	if _, err := newAWS(t, cfg).Credential(ctxT(t)); err != nil {
		t.Fatalf("the first MFA login: %v", err)
	}
	if _, err := newAWS(t, cfg).Credential(ctxT(t)); !errors.Is(err, context.Canceled) {
		t.Fatalf("the second login of the step, its wait cancelled: got %v, want context.Canceled", err)
	}
}

// Without Config.Sleep the session waits real time, and stops waiting when ctx ends.
func TestSleepRealTime(t *testing.T) {
	start := time.Now()
	if err := sleepRealTime(context.Background(), 50*time.Millisecond); err != nil || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("sleepRealTime(50ms) returned %v after %v", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start = time.Now()
	if err := sleepRealTime(ctx, time.Hour); !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Fatalf("sleepRealTime(1h) with a cancelled context returned %v after %v", err, time.Since(start))
	}
}
