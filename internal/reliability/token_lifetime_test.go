package reliability

import (
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// TestReliabilityShortAccessTokens applies N veeam_aws_user_mfa (40, full: 100) at Terraform's
// default -parallelism=10 while access tokens live 3 seconds: the apply succeeds (no 401 reaches
// the user) because the session renews its token before it expires.
//
// The emulator adds a fixed latency to every request, so the apply walk lasts longer than a
// token whatever the machine's speed: each resource makes at least two requests in turn
// (enableMfa, acceptMfa), ten at a time, so the walk takes at least ceil(N/10)·2·latency + one
// login (4 s at both sizes), past the proactive refresh point (4/5 of 3 s). The latency
// stays below the refresh margin (3 s / 5 = 600 ms), so a token that was fresh when sent is
// normally still valid on arrival; a 401 that happens anyway (a slow, shared machine) is
// renewed and retried by the client, and is counted and reported here.
func TestReliabilityShortAccessTokens(t *testing.T) {
	n := size(40, 100)
	latency := 500 * time.Millisecond
	if n > 40 {
		latency = 200 * time.Millisecond
	}
	const lifetime = 3 * time.Second
	f := start(t, emulator.Options{
		Lifetimes: emulator.Lifetimes{AccessToken: lifetime},
		Faults:    emulator.Faults{Latency: latency},
	})
	users := f.addUsers("short", n)
	cfg := f.admin() + `
locals {
  users = [` + quoteList(users) + `]
}

resource "veeam_aws_user_mfa" "u" {
  count     = length(local.users)
  user_name = local.users[count.index]
}
`
	var applied emulator.Counters
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: func(*terraformState) error {
				applied = f.emu.Counters(emulator.AWS)
				return nil
			},
		}},
	})
	c := f.emu.Counters(emulator.AWS)
	t.Logf("%d resources, %s access tokens, %s latency: after apply %d logins, %d refreshes; in all (with the checks and destroy) %d logins, %d refreshes, %d answers 401 (renewed and retried by the client; the emulator counted %d 4xx in all), statuses %s",
		n, lifetime, latency, applied.Logins, applied.Refreshes, c.Logins, c.Refreshes, f.wire.Status(http.StatusUnauthorized), c.Status4xx, f.wire.Statuses())
	if t.Failed() {
		return
	}
	if applied.Refreshes == 0 {
		t.Fatalf("the apply lasted longer than an access token but nothing was refreshed (counters %+v): the scenario did not exercise renewal", applied)
	}
}
