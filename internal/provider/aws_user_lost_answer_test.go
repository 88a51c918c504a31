package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
	"github.com/tfveeam/terraform-provider-veeam/internal/faultproxy"
)

// Issue #12: after any single lost answer (the appliance acted, the answer never arrived), the
// command succeeds with state equal to the appliance, and a rerun changes nothing: no manual
// import, no secret in state that no longer logs in.

// lostAnswerProxy is a faultproxy in front of the emulated Backup for AWS; arm loses the
// answer to the next call with that method and (decoded) path, after the emulator acted.
type lostAnswerProxy struct {
	*faultproxy.Server
	how faultproxy.Outcome
}

func startLostAnswerProxy(t *testing.T, srv *emulatortest.Servers, how faultproxy.Outcome) *lostAnswerProxy {
	return &lostAnswerProxy{faultproxy.Serve(t, srv.URL[emulator.AWS], srv.CACertPEM), how}
}

func (lp *lostAnswerProxy) arm(method, path string) {
	lp.Add(faultproxy.Rule{Method: method, Path: path, Nth: 1, Outcome: lp.how})
}

// throughProxy points a configuration's aws block at the proxy instead of the emulator (the
// proxy serves the same test certificate).
func throughProxy(cfg string, srv *emulatortest.Servers, lp *lostAnswerProxy) string {
	return strings.Replace(cfg, srv.URL[emulator.AWS], lp.URL, 1)
}

// answerLostOnce checks the proxy lost exactly n answers so far: a test whose fault never
// fired proves nothing.
func answerLostOnce(lp *lostAnswerProxy, n int) resource.TestCheckFunc {
	return func(*terraformState) error {
		if got := len(lp.Events()); got != n {
			return fmt.Errorf("the proxy lost %d answers, want %d: the fault did not hit the call under test", got, n)
		}
		return nil
	}
}

var lostAnswerKinds = []faultproxy.Outcome{faultproxy.DropAfter, faultproxy.BadGatewayAfter, faultproxy.GatewayTimeoutAfter}

// TestAccAWSUserMFA_lostAcceptAnswer loses the answer to acceptMfa, on the first enrollment and
// on a rotation: the resend finds nothing pending, and the secret that the appliance accepted
// (the new one) is the one in state.
func TestAccAWSUserMFA_lostAcceptAnswer(t *testing.T) {
	for _, how := range lostAnswerKinds {
		t.Run(how.String(), func(t *testing.T) {
			t.Parallel()
			srv := testEmulator(t)
			addAWSUser(t, srv, "alice", "Alice-Pass1", "Portal Operator")
			lp := startLostAnswerProxy(t, srv, how)
			var first, second string
			loseAccept := func() { lp.arm("POST", "/api/v1/users/alice/acceptMfa") }
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(srv),
				Steps: []resource.TestStep{
					{
						PreConfig: loseAccept,
						Config:    throughProxy(mfaConfig(srv, "alice", "1"), srv, lp),
						Check: resource.ComposeAggregateTestCheckFunc(
							answerLostOnce(lp, 1),
							secretMatchesEmulator(srv, "alice", &first),
							func(s *terraformState) error { return loginWithStateSecret(srv, s, "alice", "Alice-Pass1") },
						),
					},
					{
						PreConfig: loseAccept,
						Config:    throughProxy(mfaConfig(srv, "alice", "2"), srv, lp),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(mfaAddr, plancheck.ResourceActionUpdate)},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							answerLostOnce(lp, 2),
							secretMatchesEmulator(srv, "alice", &second),
							func(s *terraformState) error { return loginWithStateSecret(srv, s, "alice", "Alice-Pass1") },
						),
					},
					{
						Config:           throughProxy(mfaConfig(srv, "alice", "2"), srv, lp),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
					{
						// Disabling: the resent disableMfa ends in the same state.
						PreConfig: func() { lp.arm("POST", "/api/v1/users/alice/disableMfa") },
						Config:    throughProxy(mfaConfig(srv, "alice", "2"), srv, lp),
						Destroy:   true,
						Check:     answerLostOnce(lp, 3),
					},
				},
				CheckDestroy: func(*terraformState) error {
					if st, _ := srv.Emulator.AWSUser("alice"); st.MFAEnabled {
						return fmt.Errorf("MFA is still enabled for alice after destroy")
					}
					return nil
				},
			})
			if first == "" || first == second {
				t.Fatal("the rotation must store a new secret")
			}
		})
	}
}

// TestAccAWSUser_lostAnswers loses the answer to the user's create (POST, not resent by the
// client: the provider proves the account is its own by logging in with the password it sent,
// and adopts it; a 502 is resent and finds 409, settled the same way), to a password change
// (PUT, resent) and to the delete (DELETE, resent: its 404 means gone).
func TestAccAWSUser_lostAnswers(t *testing.T) {
	for _, how := range lostAnswerKinds {
		t.Run(how.String(), func(t *testing.T) {
			t.Parallel()
			srv := testEmulator(t)
			lp := startLostAnswerProxy(t, srv, how)
			cfg := func(pw string) string {
				return throughProxy(awsUserConfig(srv, fmt.Sprintf("  name        = \"jürgen x\"\n  description = \"J\"\n  password    = %q\n", pw)), srv, lp)
			}
			const first, second = "First-Pass-1x", "Second-Pass-2y"
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(srv),
				Steps: []resource.TestStep{
					{
						PreConfig: func() { lp.arm("POST", "/api/v1/users") },
						Config:    cfg(first),
						Check: resource.ComposeAggregateTestCheckFunc(
							answerLostOnce(lp, 1),
							passwordWorks(srv, "jürgen x", first),
							userDescriptionIs(srv, "jürgen x", "J"),
						),
					},
					{
						Config:           cfg(first),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
					{
						PreConfig: func() { lp.arm("PUT", "/api/v1/users/jürgen x") },
						Config:    cfg(second),
						Check:     resource.ComposeAggregateTestCheckFunc(answerLostOnce(lp, 2), passwordWorks(srv, "jürgen x", second, first)),
					},
					{
						PreConfig: func() { lp.arm("DELETE", "/api/v1/users/jürgen x") },
						Config:    cfg(second),
						Destroy:   true,
						Check:     answerLostOnce(lp, 3),
					},
				},
				CheckDestroy: func(*terraformState) error {
					if _, ok := srv.Emulator.AWSUser("jürgen x"); ok {
						return fmt.Errorf("the user still exists after destroy")
					}
					return nil
				},
			})
		})
	}
}

// TestAccAWSUser_lostCreateThatNeverArrived: the connection drops before the create reaches the
// appliance (the client cannot tell this from an answer lost after it acted). The provider reads
// the user, finds none, sends the create again, and the apply succeeds with one user whose
// password logs in.
func TestAccAWSUser_lostCreateThatNeverArrived(t *testing.T) {
	srv := testEmulator(t)
	lp := startLostAnswerProxy(t, srv, faultproxy.DropBefore)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			PreConfig: func() { lp.arm("POST", "/api/v1/users") },
			Config:    throughProxy(awsUserConfig(srv, "  name        = \"dave\"\n  description = \"D\"\n  password    = \"Daves-Pass-1\"\n"), srv, lp),
			Check: resource.ComposeAggregateTestCheckFunc(
				answerLostOnce(lp, 1),
				passwordWorks(srv, "dave", "Daves-Pass-1"),
				userDescriptionIs(srv, "dave", "D"),
				func(*terraformState) error {
					if n := srv.Emulator.Counters(emulator.AWS).Endpoints["POST /api/v1/users"]; n != 1 {
						return fmt.Errorf("the appliance served %d creates, want 1 (the dropped one never arrived)", n)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccAWSUser_createFindsSomeoneElsesUser: a user with the same name but another password
// is not adopted; the error names the import command.
func TestAccAWSUser_createFindsSomeoneElsesUser(t *testing.T) {
	srv := testEmulator(t)
	addAWSUser(t, srv, "carol", "Carols-Own-1", "Portal Operator")
	lp := startLostAnswerProxy(t, srv, faultproxy.BadGatewayAfter)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			PreConfig:   func() { lp.arm("POST", "/api/v1/users") },
			Config:      throughProxy(awsUserConfig(srv, "  name     = \"carol\"\n  password = \"Not-Carols-1\"\n"), srv, lp),
			ExpectError: msgRe(`User "carol" already exists: import it (terraform import veeam_aws_user.NAME carol)`),
		}},
	})
	if err := awsLogin(srv, "carol", "Carols-Own-1"); err != nil {
		t.Fatalf("carol's own password must still log in: %v", err)
	}
}

func userDescriptionIs(srv *emulatortest.Servers, name, want string) resource.TestCheckFunc {
	return func(*terraformState) error {
		if st, ok := srv.Emulator.AWSUser(name); !ok || st.Description != want {
			return fmt.Errorf("the appliance's description of %q is %q (exists: %v), want %q", name, st.Description, ok, want)
		}
		return nil
	}
}
