package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestAWSStateOfEarlierBuildsStillReads: state written by an earlier build of 0.1.0 (with `id`
// and `qr_code_png` in veeam_aws_user_mfa, `id` and `mfa_enabled` in veeam_aws_user) is read
// as version 0: the removed attributes are dropped, the rest kept (veeam_aws_user through the
// framework, veeam_aws_user_mfa through its upgrader, user_mfa_state_upgrade.go).
func TestAWSStateOfEarlierBuildsStillReads(t *testing.T) {
	ctx := context.Background()
	srv, err := providerFactories(nil)["veeam"]()
	if err != nil {
		t.Fatal(err)
	}
	for typeName, raw := range map[string]string{
		"veeam_aws_user_mfa": `{"id":"alice","otpauth_uri":"otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP","qr_code_png":"iVBORw0KGgo=",` +
			`"rotation_triggers":null,"scratch_codes":["12345678"],"secret_key":"JBSWY3DPEHPK3PXP","user_name":"alice"}`,
		"veeam_aws_user": `{"description":"Bob","id":"bob","is_default":false,"mfa_enabled":true,"name":"bob","password":"pw",` +
			`"password_wo":null,"password_wo_version":null}`,
	} {
		resp, err := srv.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
			TypeName: typeName, Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(raw)},
		})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("%s: %v %v", typeName, err, resp.Diagnostics)
		}
		schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil {
			t.Fatal(err)
		}
		typ := schemas.ResourceSchemas[typeName].ValueType()
		v, err := resp.UpgradedState.Unmarshal(typ)
		if err != nil {
			t.Fatal(err)
		}
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			t.Fatal(err)
		}
		for _, gone := range []string{"id", "qr_code_png", "mfa_enabled"} {
			if _, ok := attrs[gone]; ok {
				t.Errorf("%s: %s is still in the upgraded state", typeName, gone)
			}
		}
		name := attrs["user_name"]
		if typeName == "veeam_aws_user" {
			name = attrs["name"]
		}
		var s string
		if err := name.As(&s); err != nil || s == "" {
			t.Errorf("%s: the name was not kept: %v", typeName, err)
		}
	}
}
