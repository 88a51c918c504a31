package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

const vroMFASecret = "JBSWY3DPEHPK3PXP"

// A Recovery Orchestrator user with MFA logs in with the password, then the mfa grant with a
// code the provider computes from totp_secret (from the block or VEEAM_VRO_TOTP_SECRET), or
// with mfa_code.
func TestAccVROTokenEphemeralMFA(t *testing.T) {
	srv := testEmulator(t)
	t.Setenv("VEEAM_VRO_TOTP_SECRET", "")
	if err := srv.Emulator.AddUser(emulator.VRO, emulator.SeedUser{Name: "sara", Password: "Sara-Pass1", MFASecret: vroMFASecret}); err != nil {
		t.Fatal(err)
	}
	expectEphemeralLogouts(t, srv, emulator.VRO, func() {
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
			ProtoV6ProviderFactories: withEcho(srv),
			Steps: []resource.TestStep{
				{
					Config: orchProviderConfig(srv, emulator.VRO, `
    username = "sara"
    password = "Sara-Pass1"
`) + echoToken("veeam_vro_token"),
					ExpectError: wrapped(`user "sara" has MFA enabled: set totp_secret in the "vro" block or VEEAM_VRO_TOTP_SECRET`, "or mfa_code"),
				},
				{
					Config: orchProviderConfig(srv, emulator.VRO, `
    username    = "sara"
    password    = "Sara-Pass1"
    totp_secret = "`+vroMFASecret+`"
`) + echoToken("veeam_vro_token"),
					ConfigStateChecks: tokenChecks(srv.URL[emulator.VRO], "sara"),
				},
				{
					PreConfig: func() { t.Setenv("VEEAM_VRO_TOTP_SECRET", vroMFASecret) },
					Config: orchProviderConfig(srv, emulator.VRO, `
    username = "sara"
    password = "Sara-Pass1"
`) + echoToken("veeam_vro_token"),
					ConfigStateChecks: tokenChecks(srv.URL[emulator.VRO], "sara"),
				},
			},
		})
	})
	if n := srv.Emulator.Counters(emulator.VRO).Endpoints["POST /api/token grant=mfa"]; n == 0 {
		t.Fatalf("no mfa grant reached the emulator: %v", srv.Emulator.Counters(emulator.VRO).Endpoints)
	}
}

func TestAccVROMFAConflicts(t *testing.T) {
	srv := testEmulator(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(srv),
		Steps: []resource.TestStep{
			{
				Config: orchProviderConfig(srv, emulator.VRO, `
    client_id     = "terraform-client"
    client_secret = "Client-Secret1"
    totp_secret   = "`+vroMFASecret+`"
`) + echoToken("veeam_vro_token"),
				ExpectError: wrapped(`MFA applies only to the password login`, `a client account takes no MFA code`),
			},
			{
				Config: orchProviderConfig(srv, emulator.VRO, `
    username    = "sara"
    password    = "Sara-Pass1"
    totp_secret = "`+vroMFASecret+`"
    mfa_code    = "123456"
`) + echoToken("veeam_vro_token"),
				ExpectError: wrapped(`Conflicting MFA attributes`),
			},
		},
	})
	if n := len(srv.Emulator.Counters(emulator.VRO).Endpoints); n != 0 {
		t.Fatalf("a request reached the emulator: %v", srv.Emulator.Counters(emulator.VRO).Endpoints)
	}
}
