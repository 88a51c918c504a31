package client

import (
	"errors"
	"strings"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// The security endpoints per build: 13.0.1 (1.3-rev1) lists users without mfaEnabled, 13.1
// (1.3-rev2) with it, 12.3 has none and the client says so without asking.
func TestVBRSecurityUsersByBuild(t *testing.T) {
	for _, tc := range []struct {
		build   string
		mfa     bool // users carry mfaEnabled
		missing bool // no security endpoints
	}{{"13.1", true, false}, {"13.0.1", false, false}, {"12.3", false, true}} {
		t.Run(tc.build, func(t *testing.T) {
			srv := startVBRBuild(t, tc.build)
			c := newVBRClient(t, vbrConfig(srv, "administrator", "Password1"))
			name, u, err := c.LoginUser(ctxT(t))
			if tc.missing {
				var ue *UnavailableError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), "Veeam Backup & Replication 12.3 (REST API 1.2-rev0) has no security endpoints") {
					t.Fatalf("want an UnavailableError naming the server, got %v", err)
				}
				if n := srv.Emulator.Counters(emulator.VBR).Endpoints["GET /api/v1/security/users"]; n != 0 {
					t.Fatalf("asked anyway (%d)", n)
				}
				return
			}
			if err != nil || name != "administrator" || u == nil || !u.IsServiceAccount || u.Type != VBRInternalUser || len(u.Roles) == 0 || u.Roles[0].ID == "" {
				t.Fatalf("LoginUser: %q %+v %v", name, u, err)
			}
			if (u.MFAEnabled != nil) != tc.mfa {
				t.Fatalf("mfaEnabled %v on %s", u.MFAEnabled, tc.build)
			}
		})
	}
}

func TestVBRChangeServiceAccountMode(t *testing.T) {
	srv := startEmulator(t)
	admin := newVBRClient(t, vbrConfig(srv, "administrator", "Password1"))
	ctx := ctxT(t)
	id := emulator.VBRUserID("jsmith")
	u, err := admin.ChangeServiceAccountMode(ctx, id, true)
	if err != nil || !u.IsServiceAccount || u.ID != id || u.MFAEnabled == nil || *u.MFAEnabled {
		t.Fatalf("on: %+v, %v (a service account's MFA is switched off)", u, err)
	}
	if st, _ := srv.Emulator.User(emulator.VBR, "jsmith"); !st.ServiceAccount {
		t.Fatal("the emulator does not record the service account")
	}
	if u, err = admin.ChangeServiceAccountMode(ctx, id, false); err != nil || u.IsServiceAccount {
		t.Fatalf("off: %+v, %v", u, err)
	}
	if got, err := admin.SecurityUserByName(ctx, "JSMITH"); err != nil || got == nil || got.ID != id || got.IsServiceAccount {
		t.Fatalf("by name: %+v, %v", got, err)
	}
	if got, err := admin.SecurityUserByName(ctx, "nobody"); err != nil || got != nil {
		t.Fatalf("unknown name: %+v, %v", got, err)
	}
	if _, err := admin.ChangeServiceAccountMode(ctx, "00000000-0000-4000-8000-000000000000", true); !IsNotFound(err) {
		t.Fatalf("unknown id: want not found, got %v", err)
	}
}

// A pinned older revision on a Backup & Replication 13 server still finds no authorization
// codes: the server's 404 becomes the same UnavailableError, naming the pinned revision.
func TestVBRAuthorizationCodePinnedOldRevisionOn13(t *testing.T) {
	srv := startVBRBuild(t, "13.1")
	cfg := vbrConfig(srv, "administrator", "Password1")
	cfg.APIVersion = "1.2-rev1"
	_, err := newVBRClient(t, cfg).AuthorizationCode(ctxT(t))
	var ue *UnavailableError
	if !errors.As(err, &ue) || !IsNotFound(err) || !strings.Contains(err.Error(), "spoken to with api_version 1.2-rev1) has no authorization codes") {
		t.Fatalf("want an UnavailableError keeping the 404, got %v", err)
	}
}
