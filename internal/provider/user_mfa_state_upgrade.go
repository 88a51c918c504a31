package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// UpgradeState reads state of schema version 0 (before encrypted_secrets): the plaintext secret,
// otpauth URI and scratch codes are kept. The three encrypted_* values of version 0 cannot be
// folded into one message without the plaintext, so such a state keeps no secret (like an
// imported one) and a warning says where the old values are and how to store a new secret.
func (r *userMFAResource[C]) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{0: {StateUpgrader: r.upgradeFromV0}}
}

// userMFAStateV0 is what version 0 stored that version 1 keeps or must account for (earlier
// builds also had id and qr_code_png, which are dropped).
type userMFAStateV0 struct {
	UserName         string            `json:"user_name"`
	RotationTriggers map[string]string `json:"rotation_triggers"`
	SecretKey        *string           `json:"secret_key"`
	OTPAuthURI       *string           `json:"otpauth_uri"`
	ScratchCodes     []string          `json:"scratch_codes"`
	EncSecretKey     *string           `json:"encrypted_secret_key"`
}

func (r *userMFAResource[C]) upgradeFromV0(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	var old userMFAStateV0
	if req.RawState == nil || json.Unmarshal(req.RawState.JSON, &old) != nil {
		resp.Diagnostics.AddError("Cannot read the state of "+r.typ(), "The stored state (schema version 0) is not the JSON object this provider wrote.")
		return
	}
	m := userMFAModel{
		UserName:         types.StringValue(old.UserName),
		RotationTriggers: types.MapNull(types.StringType),
		PGPKeyWO:         types.StringNull(),
		SecretKey:        types.StringPointerValue(old.SecretKey),
		OTPAuthURI:       types.StringPointerValue(old.OTPAuthURI),
		ScratchCodes:     types.ListNull(types.StringType),
		EncryptedSecrets: types.StringNull(),
	}
	if old.RotationTriggers != nil {
		m.RotationTriggers, _ = types.MapValueFrom(ctx, types.StringType, old.RotationTriggers)
	}
	if old.ScratchCodes != nil {
		m.ScratchCodes, _ = types.ListValueFrom(ctx, types.StringType, old.ScratchCodes)
	}
	if old.EncSecretKey != nil {
		resp.Diagnostics.AddWarning("The encrypted MFA secret of "+old.UserName+" was dropped from state", fmt.Sprintf(
			"This version of the provider stores the secret, otpauth URI and scratch codes encrypted for pgp_key_wo in one attribute, "+
				"encrypted_secrets, instead of encrypted_secret_key, encrypted_otpauth_uri and encrypted_scratch_codes; the three old "+
				"messages cannot be merged without their plaintext. The user's MFA is unchanged, but the state no longer holds its "+
				"secret (as after an import): the old values are still in terraform.tfstate.backup (or your backend's previous state "+
				"version). To store a new secret in encrypted_secrets, change rotation_triggers of %s for %q.", r.typ(), old.UserName))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
