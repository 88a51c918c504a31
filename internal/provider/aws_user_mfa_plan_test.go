package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/pgpkey"
	"github.com/tfveeam/terraform-provider-veeam/internal/pgpkey/pgpkeytest"
)

// planMFA runs veeam_aws_user_mfa's ModifyPlan for a provider logged in as login, from state
// (nil: a create) to plan, and returns its diagnostics and the plan it made.
func planMFA(t *testing.T, login string, state *userMFAModel, plan userMFAModel) (diag.Diagnostics, userMFAModel) {
	t.Helper()
	ctx := context.Background()
	r := NewAWSUserMFAResource().(*userMFAResource[*client.AWSClient])
	r.data = &providerData{products: map[client.Product]*configured{
		client.AWS: {config: client.Config{Credentials: client.Credentials{Username: login}}},
	}}
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	req := resource.ModifyPlanRequest{
		Plan:  tfsdk.Plan{Schema: sr.Schema},
		State: tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)},
	}
	if d := req.Plan.Set(ctx, &plan); d.HasError() {
		t.Fatal(d)
	}
	req.Config = tfsdk.Config{Schema: sr.Schema, Raw: req.Plan.Raw}
	if state != nil {
		if d := req.State.Set(ctx, state); d.HasError() {
			t.Fatal(d)
		}
	}
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, &resp)
	var out userMFAModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &out)...)
	return resp.Diagnostics, out
}

func emptyMFAModel(user string) userMFAModel {
	return userMFAModel{
		UserName: types.StringValue(user), RotationTriggers: types.MapNull(types.StringType), PGPKeyWO: types.StringNull(),
		SecretKey: types.StringNull(), OTPAuthURI: types.StringNull(),
		ScratchCodes: types.ListNull(types.StringType), EncryptedSecrets: types.StringNull(),
	}
}

func warnings(d diag.Diagnostics) string {
	var s []string
	for _, w := range d.Warnings() {
		s = append(s, w.Summary()+": "+w.Detail())
	}
	return strings.Join(s, "\n")
}

// TestAWSUserMFAPlanWarnings: the plan warns before an apply that breaks a login (an imported
// user's authenticator, the provider's own login) and stays quiet otherwise.
func TestAWSUserMFAPlanWarnings(t *testing.T) {
	triggers := types.MapValueMust(types.StringType, map[string]attr.Value{"v": types.StringValue("1")})
	imported := emptyMFAModel("alice")
	withTriggers := emptyMFAModel("alice")
	withTriggers.RotationTriggers = triggers
	stored := withTriggers
	stored.SecretKey = types.StringValue("JBSWY3DPEHPK3PXP")

	d, plan := planMFA(t, "administrator", &imported, withTriggers)
	if w := warnings(d); d.HasError() || !strings.Contains(w, "This apply rotates an imported MFA secret") || !strings.Contains(w, `"alice"'s authenticator app stops working`) {
		t.Errorf("import then rotation_triggers: diagnostics %v", d)
	}
	if !plan.SecretKey.IsUnknown() {
		t.Errorf("a rotation must plan secret_key as unknown, got %v", plan.SecretKey)
	}

	d, _ = planMFA(t, "administrator", &imported, imported)
	if len(d) != 0 {
		t.Errorf("an imported resource without rotation_triggers: want no diagnostics, got %v", d)
	}
	d, _ = planMFA(t, "administrator", &stored, withTriggers)
	if len(d) != 0 {
		t.Errorf("no change: want no diagnostics, got %v", d)
	}

	d, _ = planMFA(t, "Alice", nil, emptyMFAModel("alice"))
	if w := warnings(d); !strings.Contains(w, "MFA for the provider's own login user") || !strings.Contains(w, "set totp_secret (or VEEAM_AWS_TOTP_SECRET)") {
		t.Errorf("MFA for the login user: diagnostics %v", d)
	}
	d, _ = planMFA(t, "administrator", nil, emptyMFAModel("alice"))
	if len(d) != 0 {
		t.Errorf("MFA for another user: want no diagnostics, got %v", d)
	}
}

// TestAWSUserMFARotatesOnKeyChange: the key a stored secret is encrypted for is read from
// encrypted_secrets itself (no fingerprint in state): the same key keeps the secret, another key
// or no key re-creates it, a key for a plaintext secret re-creates it, and an imported resource
// (no secret) keeps its secret whatever the key.
func TestAWSUserMFARotatesOnKeyChange(t *testing.T) {
	ctx := context.Background()
	k1, k2 := parsedTestKey(t), parsedTestKey(t)
	e := &client.MFAEnrollment{SecretKey: "JBSWY3DPEHPK3PXP", QRString: "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP", ScratchCodes: []string{"12345678"}}
	encrypted, plain, imported := emptyMFAModel("alice"), emptyMFAModel("alice"), emptyMFAModel("alice")
	if err := encrypted.store(ctx, e, k1); err != nil {
		t.Fatal(err)
	}
	if err := plain.store(ctx, e, nil); err != nil {
		t.Fatal(err)
	}
	if !encrypted.SecretKey.IsNull() || encrypted.EncryptedSecrets.IsNull() || plain.SecretKey.ValueString() != e.SecretKey {
		t.Fatalf("store: encrypted %+v, plain %+v", encrypted, plain)
	}
	triggers := types.MapNull(types.StringType)
	for _, c := range []struct {
		name  string
		state userMFAModel
		key   types.String
		want  secretChange
	}{
		{"encrypted, same key", encrypted, recipientOf(k1), keepSecret},
		{"encrypted, another key", encrypted, recipientOf(k2), rotateSecret},
		{"encrypted, key removed", encrypted, recipientOf(nil), rotateSecret},
		{"encrypted, key unknown", encrypted, types.StringUnknown(), mayRotate},
		{"plaintext, no key", plain, recipientOf(nil), keepSecret},
		{"plaintext, key added", plain, recipientOf(k1), rotateSecret},
		{"imported, key added", imported, recipientOf(k1), keepSecret},
	} {
		if got := rotates(c.state, triggers, c.key); got != c.want {
			t.Errorf("%s: rotates = %v, want %v", c.name, got, c.want)
		}
	}
}

func parsedTestKey(t *testing.T) *pgpkey.Key {
	t.Helper()
	k, err := pgpkey.Parse(pgpkeytest.New(t).PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
