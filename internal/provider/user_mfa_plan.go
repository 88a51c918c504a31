package provider

// veeam_aws_user_mfa: what a plan promises (which secrets a rotation or a pgp_key_wo change
// replaces, the warnings a user must see before an apply) and how the secrets are stored.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/pgpkey"
)

// getPlanAndState reads an update's plan and prior state; false when either failed.
func getPlanAndState(ctx context.Context, planSrc, stateSrc modelSource, plan, state any, diags *diag.Diagnostics) bool {
	diags.Append(planSrc.Get(ctx, plan)...)
	diags.Append(stateSrc.Get(ctx, state)...)
	return !diags.HasError()
}

// secretChange is what an update does to the stored secret.
type secretChange int

const (
	keepSecret   secretChange = iota
	rotateSecret              // enableMfa with recreate, then acceptMfa
	mayRotate                 // a value it depends on is unknown until apply
)

// rotates decides an update: a new secret when rotation_triggers changed, or when the key the
// secret is stored for changed and there is a stored secret (plaintext cannot be recovered
// from an encrypted one, nor an encrypted one moved to another key). recipient is the key ID the
// configured pgp_key_wo encrypts for (null without a key). An imported resource has no secret: a
// key change does nothing to it.
func rotates(state userMFAModel, triggers types.Map, recipient types.String) secretChange {
	switch {
	case triggers.IsUnknown():
		return mayRotate
	case !triggers.Equal(state.RotationTriggers):
		return rotateSecret
	case !state.hasSecret():
		return keepSecret
	case recipient.IsUnknown():
		return mayRotate
	case !recipient.Equal(state.storedFor()):
		return rotateSecret
	}
	return keepSecret
}

// hasSecret reports whether the state holds the secret, plain or encrypted (it does not after
// an import).
func (m *userMFAModel) hasSecret() bool {
	return !m.SecretKey.IsNull() || !m.EncryptedSecrets.IsNull()
}

// storedFor is the key ID encrypted_secrets is encrypted for: null when the secret is stored in
// plaintext (or not at all), "unreadable" (which no key matches) when the message is damaged.
func (m *userMFAModel) storedFor() types.String {
	if m.EncryptedSecrets.IsNull() || m.EncryptedSecrets.IsUnknown() {
		return types.StringNull()
	}
	id, err := pgpkey.RecipientOf(m.EncryptedSecrets.ValueString())
	if err != nil {
		return types.StringValue("unreadable")
	}
	return types.StringValue(id)
}

// planSecrets marks what a new enrollment sets: the plaintext values without a key, the
// encrypted ones with one, all of them when the key is not known yet.
func (m *userMFAModel) planSecrets(recipient types.String) {
	plain, encrypted := types.StringUnknown(), types.StringNull()
	switch {
	case recipient.IsUnknown():
		encrypted = types.StringUnknown()
	case !recipient.IsNull():
		plain, encrypted = types.StringNull(), types.StringUnknown()
	}
	m.SecretKey, m.OTPAuthURI = plain, plain
	m.ScratchCodes = types.ListUnknown(types.StringType)
	if plain.IsNull() {
		m.ScratchCodes = types.ListNull(types.StringType)
	}
	m.EncryptedSecrets = encrypted
}

// keepSecretOf copies the stored secret from state.
func (m *userMFAModel) keepSecretOf(state userMFAModel) {
	m.SecretKey, m.OTPAuthURI, m.ScratchCodes = state.SecretKey, state.OTPAuthURI, state.ScratchCodes
	m.EncryptedSecrets = state.EncryptedSecrets
	m.PGPKeyWO = types.StringNull()
}

// encryptedSecrets is the plaintext of encrypted_secrets: one JSON object, so that one OpenPGP
// message (one attribute in state) holds all three values and jq reads each.
type encryptedSecrets struct {
	SecretKey    string   `json:"secret_key"`
	OTPAuthURI   string   `json:"otpauth_uri"`
	ScratchCodes []string `json:"scratch_codes"`
}

// store keeps an enrollment's secrets: in plaintext, or with key only encrypted for it, once,
// here; Read never touches them.
func (m *userMFAModel) store(ctx context.Context, e *client.MFAEnrollment, key *pgpkey.Key) error {
	m.PGPKeyWO = types.StringNull()
	if key == nil {
		m.SecretKey, m.OTPAuthURI = types.StringValue(e.SecretKey), types.StringValue(e.QRString)
		codes, diags := types.ListValueFrom(ctx, types.StringType, e.ScratchCodes)
		if diags.HasError() {
			return fmt.Errorf("scratch codes: %v", diags)
		}
		m.ScratchCodes = codes
		m.EncryptedSecrets = types.StringNull()
		return nil
	}
	m.SecretKey, m.OTPAuthURI, m.ScratchCodes = types.StringNull(), types.StringNull(), types.ListNull(types.StringType)
	plain, err := json.Marshal(encryptedSecrets{SecretKey: e.SecretKey, OTPAuthURI: e.QRString, ScratchCodes: e.ScratchCodes})
	if err != nil {
		return err
	}
	enc, err := key.Encrypt(plain)
	if err != nil {
		return err
	}
	m.EncryptedSecrets = types.StringValue(enc)
	return nil
}

// parsePGPKey parses a pgp_key_wo value; nil when it is null or unknown.
func parsePGPKey(v types.String) (*pgpkey.Key, error) {
	if v.IsNull() || v.IsUnknown() {
		return nil, nil
	}
	return pgpkey.Parse(v.ValueString())
}

// configPGPKey is the configuration's pgp_key_wo (write-only: only the configuration has it).
func configPGPKey(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) (*pgpkey.Key, bool) {
	var v types.String
	diags.Append(config.GetAttribute(ctx, path.Root("pgp_key_wo"), &v)...)
	key, err := parsePGPKey(v)
	if err != nil {
		diags.AddAttributeError(path.Root("pgp_key_wo"), "Invalid pgp_key_wo", err.Error())
	}
	return key, !diags.HasError()
}

// recipientOf is the key ID key encrypts for; null without a key.
func recipientOf(key *pgpkey.Key) types.String {
	if key == nil {
		return types.StringNull()
	}
	return types.StringValue(key.RecipientID())
}

// ModifyPlan says which secrets an apply replaces (UseStateForUnknown would otherwise promise
// the old ones) and warns before the applies that break someone's login.
func (r *userMFAResource[C]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, state userMFAModel
	var keyValue types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("pgp_key_wo"), &keyValue)...)
	if unchanged(ctx, req, keyValue) {
		return
	}
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	key, err := parsePGPKey(keyValue)
	if err != nil || resp.Diagnostics.HasError() {
		return // ValidateConfig reported the key
	}
	recipient := recipientOf(key)
	if keyValue.IsUnknown() {
		recipient = types.StringUnknown()
	}
	change := rotateSecret
	if !req.State.Raw.IsNull() {
		if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
			return
		}
		change = rotates(state, plan.RotationTriggers, recipient)
	}
	if change == keepSecret {
		return // the plan keeps the stored secret (UseStateForUnknown)
	}
	plan.planSecrets(recipient)
	r.warnBeforeNewSecret(req, plan, state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// unchanged reports an update that changes nothing, the refresh-plan of an unchanged
// configuration: the plan is the state, and neither has a key (the secret is in plaintext, or not
// in state), so the secret is kept and the plan stands as it is. ModifyPlan then skips reading
// the models.
func unchanged(ctx context.Context, req resource.ModifyPlanRequest, keyValue types.String) bool {
	if !keyValue.IsNull() || req.State.Raw.IsNull() || !req.Plan.Raw.Equal(req.State.Raw) {
		return false
	}
	var stored types.String
	diags := req.State.GetAttribute(ctx, path.Root("encrypted_secrets"), &stored)
	return !diags.HasError() && stored.IsNull()
}

// warnBeforeNewSecret warns when a new secret breaks a login: an imported user's
// authenticator app, or the provider's own login.
func (r *userMFAResource[C]) warnBeforeNewSecret(req resource.ModifyPlanRequest, plan, state userMFAModel, diags *diag.Diagnostics) {
	user := plan.UserName.ValueString()
	if !req.State.Raw.IsNull() && !state.hasSecret() && !plan.RotationTriggers.Equal(state.RotationTriggers) {
		diags.AddAttributeWarning(path.Root("rotation_triggers"), "This apply rotates an imported MFA secret", fmt.Sprintf(
			"The MFA of %q was imported, so its state has no rotation_triggers; the configuration sets them, and this apply re-creates "+
				"the secret at once. The secret in %q's authenticator app stops working: they must enrol the new otpauth_uri "+
				"(provider::veeam::qr_code_png renders it as a QR code). To keep the current secret, remove rotation_triggers from "+
				"the configuration for now and add them on the day you mean to rotate.", user, user))
	}
	if login := r.loginUser(); login != "" && strings.EqualFold(login, user) {
		diags.AddAttributeWarning(path.Root("user_name"), "MFA for the provider's own login user", fmt.Sprintf(
			"The %q block logs in as %q, and this apply gives that user a new MFA secret. This apply succeeds, but the next "+
				"Terraform command cannot log in until the %q block has the new secret: set totp_secret (or %s) "+
				"to this resource's secret_key (decrypted from encrypted_secrets with pgp_key_wo) right after the apply. Prefer "+
				"managing MFA with another %s.", r.product, login, r.product, envName(r.product, "totp_secret"), r.texts.adminRole))
	}
}

// loginUser is the user the provider's block of the product logs in as ("" when not known at
// plan).
func (r *userMFAResource[C]) loginUser() string {
	if r.data == nil || r.data.products[r.product] == nil {
		return ""
	}
	return r.data.products[r.product].config.Credentials.Username
}
