package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// The per-user MFA resource of the products with per-user TOTP enrollment (veeam_aws_user_mfa,
// veeam_azure_user_mfa): enable → accept with a computed code, drift, rotation, pgp_key_wo,
// import. What differs between the products is a value (userMFAProduct) and the client's
// userMFAClient methods.

var (
	_ resource.ResourceWithConfigure      = &userMFAResource[*client.AWSClient]{}
	_ resource.ResourceWithImportState    = &userMFAResource[*client.AWSClient]{}
	_ resource.ResourceWithModifyPlan     = &userMFAResource[*client.AWSClient]{}
	_ resource.ResourceWithValidateConfig = &userMFAResource[*client.AWSClient]{}
	_ resource.ResourceWithUpgradeState   = &userMFAResource[*client.AWSClient]{}
)

// userMFAClient is what the MFA resource needs of a product's client; users are named.
type userMFAClient interface {
	session
	// EnrollMFA enables (recreate: re-creates) MFA with a computed code.
	EnrollMFA(ctx context.Context, user string, recreate bool) (*client.MFAEnrollment, error)
	DisableMFA(ctx context.Context, user string) error
	// UserMFAEnabled reads whether user has MFA on; client.IsNotFound when there is no user.
	UserMFAEnabled(ctx context.Context, user string) (bool, error)
}

// userMFAProduct is what the MFA resource says differently per product.
type userMFAProduct struct {
	userDoc    string // describes user_name: "Name of the Veeam Backup for AWS user (...)."
	createUser string // how to create a missing user: "create it first (veeam_aws_user) or fix user_name"
	adminRole  string // the role that manages everyone's MFA: "Portal Administrator"
}

// newUserMFAResource is the MFA resource veeam_<typeName> of product p.
func newUserMFAResource[C userMFAClient](p client.Product, typeName string, texts userMFAProduct) resource.Resource {
	return &userMFAResource[C]{productResource: resourceOf[C](p, typeName), texts: texts}
}

type userMFAResource[C userMFAClient] struct {
	productResource[C]
	texts userMFAProduct
}

// title is the product's name, typ the resource type (veeam_aws_user_mfa).
func (r *userMFAResource[C]) title() string { return r.product.Title() }
func (r *userMFAResource[C]) typ() string   { return "veeam_" + r.typeName }

// userMFAModel is the state of one user's MFA. It has no `id` (user_name identifies it) and
// no key fingerprint (encrypted_secrets names the key it is encrypted for): every attribute of
// an instance, even a null one, is paid again by Terraform for each resource in the state (see
// design/state-size.md).
type userMFAModel struct {
	UserName         types.String `tfsdk:"user_name"`
	RotationTriggers types.Map    `tfsdk:"rotation_triggers"`
	PGPKeyWO         types.String `tfsdk:"pgp_key_wo"`
	SecretKey        types.String `tfsdk:"secret_key"`
	OTPAuthURI       types.String `tfsdk:"otpauth_uri"`
	ScratchCodes     types.List   `tfsdk:"scratch_codes"`
	EncryptedSecrets types.String `tfsdk:"encrypted_secrets"`
}

// userMFASchemaVersion is 1 since the three encrypted_* attributes and key_fingerprint became
// encrypted_secrets (user_mfa_state_upgrade.go reads version 0).
const userMFASchemaVersion = 1

// nullAfterImport ends the description of every value the appliance returns only once.
const nullAfterImport = " Null after an import (the appliance returns it only when MFA is enabled), and null when `pgp_key_wo` is set."

func (r *userMFAResource[C]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	kept := func(desc string, sensitive bool) schema.StringAttribute {
		return schema.StringAttribute{
			Computed: true, Sensitive: sensitive, MarkdownDescription: desc,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	resp.Schema = schema.Schema{
		Version: userMFASchemaVersion,
		MarkdownDescription: "Multi-factor authentication (TOTP) of a " + r.title() + " user. Creating it enables MFA " +
			"(`enableMfa`), computes the current code from the returned secret and accepts it (`acceptMfa`): no human types a code. " +
			"Destroying it disables MFA. The secret, the otpauth URI and the scratch codes are stored in state as sensitive values, " +
			"or, with `pgp_key_wo`, only encrypted for that OpenPGP key (in `encrypted_secrets`). The QR code is not stored: render it where you need it with " +
			"`provider::veeam::qr_code_png(otpauth_uri)`.",
		Attributes: map[string]schema.Attribute{
			"user_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: r.texts.userDoc + " Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"rotation_triggers": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Arbitrary values; changing any of them re-creates the MFA secret in place (`enableMfa` with " +
					"`recreate = true`, then `acceptMfa`). The old secret keeps working until the new one is accepted.",
			},
			"pgp_key_wo": schema.StringAttribute{
				Optional: true, WriteOnly: true,
				MarkdownDescription: "An OpenPGP public key, base64-encoded (`gpg --export KEYID | base64 -w0`; an ASCII-armored key is " +
					"accepted too). When set, the secret, otpauth URI and scratch codes are stored only encrypted for it, in " +
					"`encrypted_secrets`. Write-only (Terraform 1.11+): the key is not kept in state; the key ID `encrypted_secrets` " +
					"is encrypted for tells Terraform when it changes. Setting, changing or removing the key re-creates the secret (as a rotation does), " +
					"because a secret once stored cannot be re-encrypted without its plaintext; for an imported resource, which has no " +
					"secret in state, a key changes nothing until the next rotation.",
			},
			"secret_key":  kept("Base32 TOTP secret, for an authenticator app or the `totp_secret` of another provider block."+nullAfterImport, true),
			"otpauth_uri": kept("The `otpauth://totp/...` URI (`qrString`) an authenticator app can scan; `provider::veeam::qr_code_png` renders it as a QR code."+nullAfterImport, true),
			"scratch_codes": schema.ListAttribute{
				Computed: true, Sensitive: true, ElementType: types.StringType,
				MarkdownDescription: "Five 8-digit recovery codes, each usable once instead of a TOTP code." + nullAfterImport,
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"encrypted_secrets": kept("The secret, the otpauth URI and the scratch codes encrypted for `pgp_key_wo`: base64 of one "+
				"binary OpenPGP message whose plaintext is the JSON object `{\"secret_key\": \"...\", \"otpauth_uri\": \"...\", "+
				"\"scratch_codes\": [\"...\"]}` (`base64 -d | gpg --decrypt | jq -r .secret_key`). `gpg --list-packets` shows the "+
				"key ID it is encrypted for. Null when `pgp_key_wo` is not set, and after an import.", false),
		},
	}
}

func (r *userMFAResource[C]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var key types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("pgp_key_wo"), &key)...)
	if _, err := parsePGPKey(key); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("pgp_key_wo"), "Invalid pgp_key_wo", err.Error())
	}
}

func (r *userMFAResource[C]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userMFAModel
	c, ok := r.begin(ctx, req.Plan, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	key, ok := configPGPKey(ctx, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}
	user := plan.UserName.ValueString()
	e, err := c.EnrollMFA(ctx, user, false)
	if errors.Is(err, client.ErrMFAAlreadyEnabled) {
		resp.Diagnostics.AddAttributeError(path.Root("user_name"), "MFA is already enabled",
			fmt.Sprintf("User %q already has MFA enabled, so Terraform cannot learn its secret. Import it (terraform import %s.NAME %s) to manage it without the secret, or disable MFA for the user first.", user, r.typ(), user))
		return
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("user_name"), "Enabling MFA failed", r.errorDetail(user, err))
		return
	}
	if err := plan.store(ctx, e, key); err != nil {
		resp.Diagnostics.AddError("Enabling MFA failed", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *userMFAResource[C]) errorDetail(user string, err error) string {
	switch {
	case client.IsNotFound(err):
		return fmt.Sprintf("There is no %s user %q: %s.\n\n%s", r.title(), user, r.texts.createUser, err)
	case client.IsForbidden(err):
		return fmt.Sprintf("The provider's user may not manage MFA of %q: log in as a %s, or as %q itself.\n\n%s", user, r.texts.adminRole, user, err)
	}
	return err.Error()
}

// Read only checks MFA is still on: the secrets (plain or encrypted) stay as they were stored.
func (r *userMFAResource[C]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	c, user, ok := r.userOf(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	on, err := c.UserMFAEnabled(ctx, user)
	if client.IsNotFound(err) || (err == nil && !on) {
		// Disabled (or the user deleted) behind Terraform's back: plan a create.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading the user failed", err.Error())
	}
}

// userOf is the client and the state's user_name: all that Read and Delete need. Reading one
// attribute instead of the whole model spares the framework a conversion per attribute, paid for
// every instance on every refresh.
func (r *userMFAResource[C]) userOf(ctx context.Context, state tfsdk.State, diags *diag.Diagnostics) (C, string, bool) {
	var user types.String
	diags.Append(state.GetAttribute(ctx, path.Root("user_name"), &user)...)
	if diags.HasError() {
		var zero C
		return zero, "", false
	}
	c, ok := r.client(diags)
	return c, user.ValueString(), ok
}

func (r *userMFAResource[C]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state userMFAModel
	if !getPlanAndState(ctx, req.Plan, req.State, &plan, &state, &resp.Diagnostics) {
		return
	}
	key, ok := configPGPKey(ctx, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}
	if rotates(state, plan.RotationTriggers, recipientOf(key)) == keepSecret {
		plan.keepSecretOf(state)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	c, ok := r.client(&resp.Diagnostics)
	if !ok {
		return
	}
	user := plan.UserName.ValueString()
	e, err := c.EnrollMFA(ctx, user, true)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("rotation_triggers"), "Rotating the MFA secret failed", r.errorDetail(user, err)+
			"\n\nIf the appliance never answered acceptMfa, it may hold the new secret already: the next apply rotates again and stores the secret it accepts.")
		return
	}
	if err := plan.store(ctx, e, key); err != nil {
		resp.Diagnostics.AddError("Rotating the MFA secret failed", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *userMFAResource[C]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	c, user, ok := r.userOf(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := c.DisableMFA(ctx, user); err != nil && !client.IsNotFound(err) {
		resp.Diagnostics.AddError("Disabling MFA failed", r.errorDetail(user, err))
	}
}

// ImportState imports the MFA of a user by name. Only a user whose MFA is on has MFA to
// import: otherwise the error says to create the resource instead.
func (r *userMFAResource[C]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	c, ok := r.client(&resp.Diagnostics)
	if !ok {
		return
	}
	on, err := c.UserMFAEnabled(ctx, req.ID)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Cannot import the user's MFA", r.errorDetail(req.ID, err))
		return
	case !on:
		resp.Diagnostics.AddError("Cannot import: MFA is not enabled", fmt.Sprintf(
			"User %q has no MFA enabled, so there is nothing to import. Remove the import (or the import block) and apply the "+
				"%s resource with user_name = %q instead: creating it enables MFA and stores the new secret.", req.ID, r.typ(), req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_name"), req.ID)...)
}
