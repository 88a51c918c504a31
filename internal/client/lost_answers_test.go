package client

// One test per call that changes the appliance and whose mechanism lives in this package: the
// answer is lost once after the server acted (connection dropped, 502, 504), and the outcome
// must be the one design/retries.md states.

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
	"github.com/tfveeam/terraform-provider-veeam/internal/faultproxy"
)

var lostAnswers = []faultproxy.Outcome{faultproxy.DropAfter, faultproxy.BadGatewayAfter, faultproxy.GatewayTimeoutAfter}

// losing makes cfg's session lose the answers rule names and returns the proxy's record.
func losing(cfg *Config, rule faultproxy.Rule) *faultproxy.Transport {
	tr := faultproxy.New(nil, rule)
	cfg.WrapTransport = tr.Wrap
	return tr
}

// mustLoseOne fails the test unless exactly one answer was lost, after the server acted.
func mustLoseOne(t *testing.T, tr *faultproxy.Transport) {
	t.Helper()
	if ev := tr.Events(); len(ev) != 1 || ev[0].ServerStatus == 0 || ev[0].ServerStatus >= 300 {
		t.Fatalf("lost answers %+v: want exactly one, after the server acted successfully", ev)
	}
}

// tokenProduct is one product with an OAuth token endpoint, as the lost-answer tests see it:
// its flavor and configuration, the token path, how its password and refresh grants are spelled
// in the form (Azure capitalises them), and the request that logs out.
type tokenProduct struct {
	flavor               *Flavor
	cfg                  Config
	path                 string
	password, refresh    string // form fragments that pick the grant's request
	logoutMethod, logout string // the logout request: method and path
	// logoutEndsAll: logging out ends every session of the user (SPC revokes all the user's
	// tokens), so a lost login answer leaves no orphan once the user logs out.
	logoutEndsAll bool
}

// tokenProducts are the products with an OAuth token endpoint, every one the client speaks to.
func tokenProducts(srv *emulatortest.Servers) map[emulator.Product]tokenProduct {
	admin := Credentials{Username: "administrator", Password: "Password1"}
	oauth := func(flavor *Flavor, cfg Config, path string) tokenProduct {
		return tokenProduct{flavor: flavor, cfg: cfg, path: path, password: "grant_type=password", refresh: "grant_type=refresh_token", logoutMethod: http.MethodDelete, logout: path}
	}
	vbr := oauth(VBRFlavor, vbrConfig(srv, "administrator", "Password1"), vbrTokenPath)
	vbr.logoutMethod, vbr.logout = http.MethodPost, "/api/oauth2/logout"
	vao := oauth(VAOFlavor, orchConfig(srv, emulator.VAO, Credentials{Username: `VEEAM\administrator`, Password: "Password1"}), vaoTokenPath)
	vao.logout = vroTokenPath // both orchestrators log out at /api/token
	azure := oauth(AzureFlavor, cloudConfig(srv, emulator.AZURE, "administrator", "Password1"), AzureFlavor.TokenPath)
	azure.password, azure.refresh = "grant_type=Password", "grant_type=Refresh_token"
	m365 := oauth(M365Flavor, orchConfig(srv, emulator.M365, admin), "/"+M365DefaultVersion+"/token")
	m365.logoutMethod, m365.logout = http.MethodPost, m365.path+"/logout"
	one := oauth(ONEFlavor, orchConfig(srv, emulator.ONE, admin), ONEFlavor.TokenPath)
	one.logoutMethod, one.logout = http.MethodPost, "/api/revoke"
	spc := oauth(SPCFlavor, orchConfig(srv, emulator.SPC, admin), SPCFlavor.TokenPath)
	spc.logout = "/api/v3/users/*" // DELETE /api/v3/users/{id}/tokens
	spc.logoutEndsAll = true
	return map[emulator.Product]tokenProduct{
		emulator.AWS:   oauth(AWSFlavor, awsConfig(srv, "administrator", "Password1"), awsTokenPath),
		emulator.VBR:   vbr,
		emulator.VRO:   oauth(VROFlavor, orchConfig(srv, emulator.VRO, admin), vroTokenPath),
		emulator.VAO:   vao,
		emulator.GCP:   oauth(GCPFlavor, cloudConfig(srv, emulator.GCP, "administrator", "Password1"), GCPFlavor.TokenPath),
		emulator.AZURE: azure,
		emulator.M365:  m365,
		emulator.ONE:   one,
		emulator.SPC:   spc,
	}
}

// A lost password grant is resent (retry-safe): the login succeeds; the session whose answer
// was lost stays open on the server until its tokens expire, since nobody holds its tokens.
func TestLostPasswordGrantAnswer(t *testing.T) {
	for _, lost := range lostAnswers {
		srv := startEmulator(t)
		for p, tp := range tokenProducts(srv) {
			t.Run(string(p)+"/"+lost.String(), func(t *testing.T) {
				tr := losing(&tp.cfg, faultproxy.Rule{Method: http.MethodPost, Path: tp.path, BodyContains: tp.password, Nth: 1, Outcome: lost})
				s, err := NewSession(tp.flavor, tp.cfg)
				if err != nil {
					t.Fatal(err)
				}
				ctx := ctxT(t)
				if _, err := s.Credential(ctx); err != nil {
					t.Fatalf("login after a lost answer: %v", err)
				}
				mustLoseOne(t, tr)
				if got := srv.Emulator.Counters(p).Logins; got != 2 {
					t.Fatalf("emulator logins = %d, want 2 (the lost one and the resent one)", got)
				}
				if err := s.Logout(ctx); err != nil {
					t.Fatal(err)
				}
				want := 1 // the orphan of the lost answer
				if tp.logoutEndsAll {
					want = 0
				}
				if live := srv.Emulator.Sessions(p); len(live) != want {
					t.Fatalf("%d sessions open after Logout, want %d (the lost answer's session: %d)", len(live), want, want)
				}
			})
		}
	}
}

// A lost refresh answer spends the refresh token (each refresh rotates it): the resent refresh
// is refused, and the lifecycle logs in again rather than failing the request.
func TestLostRefreshAnswerLogsInAgain(t *testing.T) {
	for _, lost := range lostAnswers {
		srv := startEmulator(t)
		for p, tp := range tokenProducts(srv) {
			t.Run(string(p)+"/"+lost.String(), func(t *testing.T) {
				tr := losing(&tp.cfg, faultproxy.Rule{Method: http.MethodPost, Path: tp.path, BodyContains: tp.refresh, Nth: 1, Outcome: lost})
				s, err := NewSession(tp.flavor, tp.cfg)
				if err != nil {
					t.Fatal(err)
				}
				ctx := ctxT(t)
				first, err := s.Credential(ctx)
				if err != nil {
					t.Fatal(err)
				}
				nt, err := s.Renew(ctx)
				if err != nil {
					t.Fatalf("renewal after a lost refresh answer: %v", err)
				}
				mustLoseOne(t, tr)
				if nt.AccessToken == first.AccessToken {
					t.Fatal("the old token was kept")
				}
				if st := s.Stats(); st.Logins != 2 {
					t.Fatalf("stats %+v: want a second login after the refused resend", st)
				}
				if probe := probePath(p); probe != "" {
					if _, err := s.Send(ctx, Request{Method: http.MethodGet, Path: probe}, nt); err != nil {
						t.Fatalf("the new token does not work: %v", err)
					}
				}
			})
		}
	}
}

// probePath is a GET any logged-in user may send; "" for a product with none (VAO: only its
// token endpoint is emulated).
func probePath(p emulator.Product) string {
	switch p {
	case emulator.AWS:
		return "/api/v1/users/administrator"
	case emulator.VBR:
		return "/api/v1/security/settings"
	case emulator.VRO:
		return "/api/" + VRODefaultVersion + "/Clients" // a path version every Orchestrator build serves
	}
	return ""
}

// A lost logout answer is resent: the resend finds the session gone (401) and Logout says the
// logout is unconfirmed; the server holds no session.
func TestLostLogoutAnswer(t *testing.T) {
	for _, lost := range lostAnswers {
		srv := startEmulator(t)
		for p, tp := range tokenProducts(srv) {
			t.Run(string(p)+"/"+lost.String(), func(t *testing.T) {
				tr := losing(&tp.cfg, faultproxy.Rule{Method: tp.logoutMethod, Path: tp.logout, Nth: 1, Outcome: lost})
				s, err := NewSession(tp.flavor, tp.cfg)
				if err != nil {
					t.Fatal(err)
				}
				ctx := ctxT(t)
				if _, err := s.Credential(ctx); err != nil {
					t.Fatal(err)
				}
				err = s.Logout(ctx)
				mustLoseOne(t, tr)
				var unconfirmed *LogoutUnconfirmedError
				if !errors.As(err, &unconfirmed) {
					t.Fatalf("want a LogoutUnconfirmedError, got %v", err)
				}
				if live := srv.Emulator.Sessions(p); len(live) != 0 {
					t.Fatalf("%d session(s) open after a logout whose answer was lost", len(live))
				}
			})
		}
	}
}

// A lost answer to the settings PUT is resent (PUT is idempotent): the call succeeds and the
// appliance holds what the caller asked for.
func TestLostVBRSettingsAnswer(t *testing.T) {
	for _, lost := range lostAnswers {
		t.Run(lost.String(), func(t *testing.T) {
			srv := startEmulator(t)
			cfg := vbrConfig(srv, "administrator", "Password1")
			tr := losing(&cfg, faultproxy.Rule{Method: http.MethodPut, Path: "/api/v1/security/settings", Nth: 1, Outcome: lost})
			c := newVBRClient(t, cfg)
			got, err := c.SetMFAEnabled(ctxT(t), true)
			if err != nil || !got.MFAEnabled {
				t.Fatalf("SetMFAEnabled after a lost answer: %+v %v", got, err)
			}
			mustLoseOne(t, tr)
			if !srv.Emulator.VBRMFAEnabled() {
				t.Fatal("the appliance's MFA switch is off")
			}
		})
	}
}

// A lost resetMFA answer is resent (marked retry-safe): the call succeeds and MFA is off.
func TestLostVBRResetMFAAnswer(t *testing.T) {
	for _, lost := range lostAnswers {
		t.Run(lost.String(), func(t *testing.T) {
			srv := startEmulator(t)
			cfg := vbrConfig(srv, "administrator", "Password1")
			id := emulator.VBRUserID("jsmith")
			tr := losing(&cfg, faultproxy.Rule{Method: http.MethodPost, Path: "/api/v1/security/users/" + id + "/resetMFA", Nth: 1, Outcome: lost})
			if err := newVBRClient(t, cfg).ResetMFA(ctxT(t), id); err != nil {
				t.Fatalf("ResetMFA after a lost answer: %v", err)
			}
			mustLoseOne(t, tr)
			if st, _ := srv.Emulator.User(emulator.VBR, "jsmith"); st.MFAEnabled {
				t.Fatal("MFA still enabled on the appliance")
			}
		})
	}
}

// The generic policy never resends a change that is not safe to repeat once its answer is
// lost (a POST not marked retry-safe): it reports that the outcome is unknown, and the server
// acted exactly once.
func TestLostAnswerToAnUnsafeChangeIsReportedNotResent(t *testing.T) {
	for _, lost := range lostAnswers {
		t.Run(lost.String(), func(t *testing.T) {
			srv := startEmulator(t)
			cfg := awsConfig(srv, "administrator", "Password1")
			tr := losing(&cfg, faultproxy.Rule{Method: http.MethodPost, Path: "/api/v1/users", Nth: 1, Outcome: lost})
			_, err := newAWS(t, cfg).CreateUser(ctxT(t), "zz-lost", "", "Pass-word-1!")
			var unknown *OutcomeUnknownError
			if !errors.As(err, &unknown) || !IsOutcomeUnknown(err) {
				t.Fatalf("want an OutcomeUnknownError, got %v", err)
			}
			mustLoseOne(t, tr)
			if _, ok := srv.Emulator.AWSUser("zz-lost"); !ok {
				t.Fatal("the server did not act: the test lost nothing")
			}
		})
	}
}

// A 503 (the server says it did no work) is resent for any method.
func TestUnavailableIsResentForAnyMethod(t *testing.T) {
	srv := emulatortest.Start(t, emulator.Options{Clock: emulator.NewClock(t0)})
	cfg := awsConfig(srv, "administrator", "Password1")
	calls := 0
	cfg.WrapTransport = func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPost && r.URL.Path == "/api/v1/users" {
				calls++
				if calls == 1 {
					return &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"0"}}, Body: http.NoBody, Request: r}, nil
				}
			}
			return next.RoundTrip(r)
		})
	}
	if _, err := newAWS(t, cfg).CreateUser(ctxT(t), "zz-503", "", "Pass-word-1!"); err != nil || calls != 2 {
		t.Fatalf("CreateUser after a 503: %v (sent %d times)", err, calls)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A lost answer to the second step of an MFA login (grant_type=mfa) is resent; the server
// refuses the spent mfa_token or the replayed code, and the login starts over from the password
// step with the next TOTP step's code.
func TestLostMFAGrantAnswer(t *testing.T) {
	for _, lost := range lostAnswers {
		t.Run(lost.String(), func(t *testing.T) {
			srv := startEmulator(t)
			e := enrollAlice(t, srv, newAWS(t, awsConfig(srv, "administrator", "Password1")))
			cfg := awsConfig(srv, "alice", "Alice-Pass1")
			cfg.Credentials.TOTPSecret = e.SecretKey
			tr := losing(&cfg, faultproxy.Rule{Method: http.MethodPost, Path: awsTokenPath, BodyContains: "grant_type=mfa", Nth: 1, Outcome: lost})
			// 1.5 s before the next TOTP step; the clock runs 2.5 times faster than real time,
			// so that the client's real-time wait for the next step is short.
			clock := srv.Emulator.Clock()
			clock.Advance(clock.Now().Truncate(30 * time.Second).Add(30*time.Second - 1500*time.Millisecond).Sub(clock.Now()))
			done := make(chan struct{})
			defer close(done)
			go func() {
				for {
					select {
					case <-done:
						return
					case <-time.After(20 * time.Millisecond):
						clock.Advance(50 * time.Millisecond)
					}
				}
			}()
			c := newAWS(t, cfg)
			if _, err := c.GetUser(ctxT(t), "alice"); err != nil {
				t.Fatalf("MFA login after a lost answer: %v", err)
			}
			mustLoseOne(t, tr)
		})
	}
}

// A lost answer to a single-use grant is resent and refused: the value is spent, and the error
// names the attribute and says a fresh one is needed.
func TestLostSingleUseGrantAnswer(t *testing.T) {
	for _, lost := range lostAnswers {
		t.Run(lost.String(), func(t *testing.T) {
			srv := startEmulator(t)
			code, err := newAWS(t, awsConfig(srv, "administrator", "Password1")).AuthorizationCode(ctxT(t))
			if err != nil {
				t.Fatal(err)
			}
			cfg := awsConfig(srv, "", "")
			cfg.Credentials.AuthorizationCode = code
			tr := losing(&cfg, faultproxy.Rule{Method: http.MethodPost, Path: awsTokenPath, BodyContains: "grant_type=authorization_code", Nth: 1, Outcome: lost})
			_, err = newAWS(t, cfg).Credential(ctxT(t))
			mustLoseOne(t, tr)
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != FieldAuthorizationCode || ce.Reason != ReasonRejected {
				t.Fatalf("want a ConfigError rejecting authorization_code, got %v", err)
			}
		})
	}
}

// The same lost mfa grant on every product whose login answers with an mfa_token (one
// implementation, spelled per product: Azure's "Mfa", Recovery Orchestrator's mfa_passcode),
// on the emulator's clock: the resend is refused and the login starts over with the next
// step's code, which the session waits for on that clock.
func TestLostMFAGrantAnswerEveryProduct(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	for _, p := range []struct {
		product emulator.Product
		flavor  *Flavor
		grant   string
	}{
		{emulator.AWS, AWSFlavor, "grant_type=mfa"},
		{emulator.AZURE, AzureFlavor, "grant_type=Mfa"},
		{emulator.GCP, GCPFlavor, "grant_type=mfa"},
		{emulator.VRO, VROFlavor, "grant_type=mfa"},
	} {
		for _, lost := range lostAnswers {
			t.Run(string(p.product)+"/"+lost.String(), func(t *testing.T) {
				srv := startEmulator(t)
				if err := srv.Emulator.AddUser(p.product, emulator.SeedUser{Name: "mfa-user", Password: "Mfa-User-Pass1", MFASecret: secret}); err != nil {
					t.Fatal(err)
				}
				cfg := orchConfig(srv, p.product, Credentials{Username: "mfa-user", Password: "Mfa-User-Pass1", TOTPSecret: secret})
				clock := srv.Emulator.Clock()
				waited := time.Duration(0)
				cfg.Sleep = func(_ context.Context, d time.Duration) error {
					waited += d
					clock.Advance(d)
					return nil
				}
				tr := losing(&cfg, faultproxy.Rule{Method: http.MethodPost, Path: p.flavor.TokenPath, BodyContains: p.grant, Nth: 1, Outcome: lost})
				s, err := NewSession(p.flavor, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.Credential(ctxT(t)); err != nil {
					t.Fatalf("MFA login after a lost answer: %v", err)
				}
				mustLoseOne(t, tr)
				if waited == 0 || waited > 30*time.Second+time.Second {
					t.Fatalf("waited %v on the session's clock: want the rest of one 30-second step", waited)
				}
				if err := s.Logout(ctxT(t)); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// An authorization code request whose answer is lost is not resent (each answer is a new code):
// the error says the outcome is unknown, and the appliance issued exactly one code, which nobody
// holds and which expires unused. Backup for AWS and Microsoft 365 share the request.
func TestLostAuthorizationCodeAnswerIsReportedNotResent(t *testing.T) {
	for _, lost := range lostAnswers {
		t.Run(lost.String(), func(t *testing.T) {
			srv := startEmulator(t)
			for _, p := range []struct {
				product  emulator.Product
				path     string
				endpoint string
				issue    func(Config) (string, error)
				cfg      Config
			}{
				{emulator.AWS, "/api/v1/token/authorization_code", "POST /api/v1/token/authorization_code",
					func(cfg Config) (string, error) { return newAWS(t, cfg).AuthorizationCode(ctxT(t)) },
					awsConfig(srv, "administrator", "Password1")},
				{emulator.M365, "/" + M365DefaultVersion + "/token/AuthCode", "POST /v8/token/AuthCode",
					func(cfg Config) (string, error) {
						c, err := NewM365(cfg)
						if err != nil {
							t.Fatal(err)
						}
						return c.AuthorizationCode(ctxT(t))
					},
					orchConfig(srv, emulator.M365, Credentials{Username: "administrator", Password: "Password1"})},
			} {
				tr := losing(&p.cfg, faultproxy.Rule{Method: http.MethodPost, Path: p.path, Nth: 1, Outcome: lost})
				code, err := p.issue(p.cfg)
				if !IsOutcomeUnknown(err) {
					t.Fatalf("%s: want an OutcomeUnknownError, got code %q, %v", p.product, code, err)
				}
				mustLoseOne(t, tr)
				if n := srv.Emulator.Counters(p.product).Endpoints[p.endpoint]; n != 1 {
					t.Fatalf("%s: %d authorization codes issued, want 1 (not resent)", p.product, n)
				}
			}
		})
	}
}
