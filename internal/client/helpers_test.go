package client

import (
	"context"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// t0 is a fixed start for the emulator's clock, in the middle of a TOTP step.
var t0 = time.Date(2026, 11, 23, 12, 0, 10, 0, time.UTC)

// startEmulator starts every product in process over TLS on a clock the test controls.
func startEmulator(t *testing.T) *emulatortest.Servers {
	t.Helper()
	return emulatortest.Start(t, emulator.Options{Clock: emulator.NewClock(t0)})
}

// awsConfig is a session configuration for the emulator's Backup for AWS, on its clock.
func awsConfig(srv *emulatortest.Servers, user, password string) Config {
	return Config{
		Host:         srv.URL[emulator.AWS],
		Credentials:  Credentials{Username: user, Password: password},
		TLS:          TLSConfig{CACertPEM: srv.CACertPEM},
		Now:          srv.Emulator.Clock().Now,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
	}
}

func newAWS(t *testing.T, cfg Config) *AWSClient {
	t.Helper()
	c, err := NewAWS(cfg)
	if err != nil {
		t.Fatalf("NewAWS: %v", err)
	}
	return c
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
