package client

import (
	"errors"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// cloudConfig is a session configuration for product p of the emulator, on its clock.
func cloudConfig(srv *emulatortest.Servers, p emulator.Product, user, password string) Config {
	cfg := awsConfig(srv, user, password)
	cfg.Host = srv.URL[p]
	return cfg
}

func newAzure(t *testing.T, cfg Config) *AzureClient {
	t.Helper()
	c, err := NewAzure(cfg)
	if err != nil {
		t.Fatalf("NewAzure: %v", err)
	}
	return c
}

func TestAzureEnrollMFAThenLoginWithTOTPSecretThenDisable(t *testing.T) {
	srv := startEmulator(t)
	admin := newAzure(t, cloudConfig(srv, emulator.AZURE, "administrator", "Password1"))
	users, err := admin.ListUsers(ctxT(t), "operator")
	if err != nil || len(users) != 1 || users[0].Role != "PortalOperator" {
		t.Fatalf("ListUsers(operator) = %+v, %v", users, err)
	}
	id := users[0].ID
	e, err := admin.EnrollMFA(ctxT(t), "operator", false)
	if err != nil {
		t.Fatalf("EnrollMFA: %v", err)
	}
	st, _ := srv.Emulator.User(emulator.AZURE, "operator")
	if !st.MFAEnabled || st.MFASecret != e.SecretKey {
		t.Fatalf("emulator state after EnrollMFA: %+v", st)
	}

	cfg := cloudConfig(srv, emulator.AZURE, "operator", "Password1")
	_, err = newAzure(t, cfg).Credential(ctxT(t))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != FieldTOTPSecret {
		t.Fatalf("want a ConfigError naming totp_secret, got %v", err)
	}
	cfg.Credentials.TOTPSecret = e.SecretKey
	op := newAzure(t, cfg)
	if u, err := op.GetUser(ctxT(t), id); err != nil || !u.MFAEnabled || u.Name != "operator" {
		t.Fatalf("MFA login with the TOTP secret: %+v, %v", u, err)
	}
	// Rotation: a new secret; the old one stops working once the new one is accepted.
	e2, err := admin.EnrollMFA(ctxT(t), "operator", true)
	if err != nil || e2.SecretKey == e.SecretKey {
		t.Fatalf("EnrollMFA(recreate) = %+v, %v", e2, err)
	}
	if err := admin.DisableMFA(ctxT(t), "operator"); err != nil {
		t.Fatalf("DisableMFA: %v", err)
	}
	if st, _ := srv.Emulator.User(emulator.AZURE, "operator"); st.MFAEnabled {
		t.Fatal("MFA still on after DisableMFA")
	}
	if _, err := admin.EnrollMFA(ctxT(t), "nobody", false); !IsNotFound(err) {
		t.Fatalf("EnrollMFA(nobody): %v, want a not-found error", err)
	}
	// Refresh with the capitalised grant, then logout.
	srv.Emulator.Clock().Advance(61 * time.Minute)
	if _, err := admin.GetUser(ctxT(t), id); err != nil {
		t.Fatalf("call after the access token expired (refresh): %v", err)
	}
	if err := admin.Logout(ctxT(t)); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if c := srv.Emulator.Counters(emulator.AZURE); c.Refreshes == 0 || c.Logouts == 0 {
		t.Fatalf("counters = %+v, want a refresh and a logout", c)
	}
}

func TestGCPMFALoginWithTOTPSecretAndOneShotCode(t *testing.T) {
	srv := startEmulator(t)
	cfg := cloudConfig(srv, emulator.GCP, "jsmith", "Password1")
	cfg.Credentials.TOTPSecret = "JBSWY3DPEHPK3PXP"
	c, err := NewGCP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.Credential(ctxT(t))
	if err != nil || tok.AccessToken == "" || tok.Username != "jsmith" {
		t.Fatalf("MFA login (202 step) = %+v, %v", tok, err)
	}
	if got := tok.Expiry.Sub(srv.Emulator.Clock().Now()); got != 15*time.Minute {
		t.Fatalf("access token lifetime %v, want 15m", got)
	}
	cfg.Credentials.TOTPSecret = ""
	cfg.Credentials.MFACode = "000000"
	c, _ = NewGCP(cfg)
	if _, err := c.Credential(ctxT(t)); !errors.Is(err, ErrMFACodeRejected) {
		t.Fatalf("a wrong one-shot code: %v, want ErrMFACodeRejected", err)
	}
}
