package reliability

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// TestReliabilityTwoMFALoginsInOneStep: the emulator accepts a TOTP code once (RFC 6238 §5.2),
// so the second of two logins of the same MFA user (totp_secret) in one 30-second step has its
// code refused; the client waits for the next step and logs in with the new code. Both logins
// succeed, the second one after the step boundary. It takes up to 30 s.
func TestReliabilityTwoMFALoginsInOneStep(t *testing.T) {
	f := start(t, emulator.Options{})
	password, secret := mfaLoginUser(t, f, "replay-user")
	var took time.Duration
	t.Cleanup(func() {
		record(scenarioFigures{Scenario: "A TOTP code logs in once: two logins of one MFA user in one step", Passed: !t.Failed(), SessionsLeft: len(f.emu.Sessions(emulator.AWS)), Figures: [][2]string{
			{"both logins succeeded, the second in the next step", fmt.Sprint(!t.Failed())},
			{"the two logins took", took.Round(100 * time.Millisecond).String()},
		}})
	})
	login := func() (*client.AWSClient, error) {
		c, err := client.NewAWS(client.Config{
			Host:        f.url,
			Credentials: client.Credentials{Username: "replay-user", Password: password, TOTPSecret: secret},
			TLS:         client.TLSConfig{CACertPEM: f.caPEM},
		})
		if err != nil {
			return nil, err
		}
		_, err = c.GetUser(context.Background(), "replay-user")
		return c, err
	}
	// Both first tries must fall in one step: not in the last 5 seconds of one.
	if left := time.Until(time.Now().Truncate(30 * time.Second).Add(30 * time.Second)); left < 5*time.Second {
		time.Sleep(left + 100*time.Millisecond)
	}
	step := time.Now().Unix() / 30
	mfaGrants := func() int { return f.emu.Counters(emulator.AWS).Endpoints["POST /api/v1/token grant=mfa"] }
	before, refused := mfaGrants(), f.wire.Status(http.StatusUnauthorized)
	t0 := time.Now()
	first, err := login()
	if err != nil {
		t.Fatalf("the first login: %v", err)
	}
	second, err := login()
	if err != nil {
		t.Fatalf("the second login in the same step: %v", err)
	}
	took = time.Since(t0)
	after := time.Now().Unix() / 30
	for _, c := range []*client.AWSClient{first, second} {
		if err := c.Logout(context.Background()); err != nil {
			t.Errorf("logout: %v", err)
		}
	}
	if got := mfaGrants() - before; got != 3 {
		t.Errorf("%d mfa grants, want 3 (the first login, the second's refused code, its code of the next step)", got)
	}
	if got := f.wire.Status(http.StatusUnauthorized) - refused; got != 1 {
		t.Errorf("%d answers 401, want 1 (the replayed code)", got)
	}
	if after == step {
		t.Errorf("the second login finished in the step of the first (%d): the emulator accepted the code twice", step)
	}
	if n := len(f.emu.Sessions(emulator.AWS)); n != 0 {
		t.Errorf("%d sessions left open", n)
	}
}
