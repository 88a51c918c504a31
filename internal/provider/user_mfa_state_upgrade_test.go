package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// upgradeMFAState sends veeam_aws_user_mfa state of schema version 0 through the provider's
// UpgradeResourceState, as Terraform does on the first plan after an upgrade.
func upgradeMFAState(t *testing.T, raw string) (map[string]tftypes.Value, []*tfprotov6.Diagnostic) {
	t.Helper()
	ctx := context.Background()
	srv, err := providerFactories(nil)["veeam"]()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	s := schemas.ResourceSchemas["veeam_aws_user_mfa"]
	if s.Version != 1 {
		t.Fatalf("veeam_aws_user_mfa schema version %d, want 1", s.Version)
	}
	resp, err := srv.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "veeam_aws_user_mfa", Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(raw)},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("upgrade failed: %s: %s", d.Summary, d.Detail)
		}
	}
	v, err := resp.UpgradedState.Unmarshal(s.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs, resp.Diagnostics
}

func stringOf(t *testing.T, v tftypes.Value) string {
	t.Helper()
	var s *string
	if err := v.As(&s); err != nil {
		t.Fatal(err)
	}
	if s == nil {
		return "<null>"
	}
	return *s
}

// TestAWSUserMFAStateV0Plaintext: version 0 state with the secret in plaintext keeps the secret,
// the otpauth URI, the scratch codes and rotation_triggers, quietly.
func TestAWSUserMFAStateV0Plaintext(t *testing.T) {
	attrs, diags := upgradeMFAState(t, `{"user_name":"alice","rotation_triggers":{"v":"1"},"pgp_key_wo":null,"key_fingerprint":null,`+
		`"secret_key":"JBSWY3DPEHPK3PXP","otpauth_uri":"otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP","scratch_codes":["12345678","23456789"],`+
		`"encrypted_secret_key":null,"encrypted_otpauth_uri":null,"encrypted_scratch_codes":null}`)
	if len(diags) != 0 {
		t.Errorf("diagnostics %v, want none", diags)
	}
	for k, want := range map[string]string{"user_name": "alice", "secret_key": "JBSWY3DPEHPK3PXP",
		"otpauth_uri": "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP", "encrypted_secrets": "<null>"} {
		if got := stringOf(t, attrs[k]); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	var codes []tftypes.Value
	if err := attrs["scratch_codes"].As(&codes); err != nil || len(codes) != 2 || stringOf(t, codes[1]) != "23456789" {
		t.Errorf("scratch_codes = %v (%v), want the two stored codes", attrs["scratch_codes"], err)
	}
	var triggers map[string]tftypes.Value
	if err := attrs["rotation_triggers"].As(&triggers); err != nil || stringOf(t, triggers["v"]) != "1" {
		t.Errorf("rotation_triggers = %v, want {v = 1}", attrs["rotation_triggers"])
	}
	for _, gone := range []string{"key_fingerprint", "encrypted_secret_key", "encrypted_otpauth_uri", "encrypted_scratch_codes"} {
		if _, ok := attrs[gone]; ok {
			t.Errorf("%s is still in the upgraded state", gone)
		}
	}
}

// TestAWSUserMFAStateV0Encrypted: the three encrypted values of version 0 cannot become one
// message, so the upgraded state holds no secret (like an import), and a warning says where the
// old values are and how to store a new secret.
func TestAWSUserMFAStateV0Encrypted(t *testing.T) {
	attrs, diags := upgradeMFAState(t, `{"user_name":"alice","rotation_triggers":null,"pgp_key_wo":null,"key_fingerprint":"abcdef",`+
		`"secret_key":null,"otpauth_uri":null,"scratch_codes":null,`+
		`"encrypted_secret_key":"wcBMA1","encrypted_otpauth_uri":"wcBMA2","encrypted_scratch_codes":"wcBMA3"}`)
	if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
		!strings.Contains(diags[0].Detail, "terraform.tfstate.backup") || !strings.Contains(diags[0].Detail, "change rotation_triggers") {
		t.Errorf("diagnostics %v, want one warning naming the backup and rotation_triggers", diags)
	}
	for _, k := range []string{"secret_key", "otpauth_uri", "encrypted_secrets"} {
		if got := stringOf(t, attrs[k]); got != "<null>" {
			t.Errorf("%s = %q, want null", k, got)
		}
	}
	if stringOf(t, attrs["user_name"]) != "alice" {
		t.Errorf("user_name not kept")
	}
}
