package provider

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image/png"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/pquerna/otp"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &awsUserMFAResource{}
	_ resource.ResourceWithImportState = &awsUserMFAResource{}
	_ resource.ResourceWithModifyPlan  = &awsUserMFAResource{}
)

// NewAWSUserMFAResource is veeam_aws_user_mfa.
func NewAWSUserMFAResource() resource.Resource {
	return &awsUserMFAResource{resourceOf[*client.AWSClient](client.AWS, "aws_user_mfa")}
}

type awsUserMFAResource struct {
	productResource[*client.AWSClient]
}

type awsUserMFAModel struct {
	ID               types.String `tfsdk:"id"`
	UserName         types.String `tfsdk:"user_name"`
	RotationTriggers types.Map    `tfsdk:"rotation_triggers"`
	SecretKey        types.String `tfsdk:"secret_key"`
	OTPAuthURI       types.String `tfsdk:"otpauth_uri"`
	ScratchCodes     types.List   `tfsdk:"scratch_codes"`
	QRCodePNG        types.String `tfsdk:"qr_code_png"`
}

func (r *awsUserMFAResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	secret := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			Computed: true, Sensitive: true, MarkdownDescription: desc,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Multi-factor authentication (TOTP) of a Veeam Backup for AWS user. Creating it enables MFA " +
			"(`enableMfa`), computes the current code from the returned secret and accepts it (`acceptMfa`): no human types a code. " +
			"Destroying it disables MFA. The secret, the otpauth URI, the QR code and the scratch codes are stored in state as sensitive " +
			"values: protect the state, or hand the secret to an authenticator right away and rotate.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The user name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the Veeam Backup for AWS user (not an identity-provider user: those cannot use MFA). Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"rotation_triggers": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Arbitrary values; changing any of them re-creates the MFA secret in place (`enableMfa` with " +
					"`recreate = true`, then `acceptMfa`). The old secret keeps working until the new one is accepted.",
			},
			"secret_key":  secret("Base32 TOTP secret, for an authenticator app or the `totp_secret` of another provider block. Unknown after import."),
			"otpauth_uri": secret("The `otpauth://totp/...` URI (`qrString`) an authenticator app can scan. Unknown after import."),
			"qr_code_png": secret("The otpauth URI as a base64-encoded 256×256 PNG QR code (`base64decode` it into a file). Unknown after import."),
			"scratch_codes": schema.ListAttribute{
				Computed: true, Sensitive: true, ElementType: types.StringType,
				MarkdownDescription: "Five 8-digit recovery codes, each usable once instead of a TOTP code. Unknown after import.",
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// fill copies an enrollment's secrets into the model.
func (m *awsUserMFAModel) fill(ctx context.Context, e *client.MFAEnrollment) error {
	m.SecretKey = types.StringValue(e.SecretKey)
	m.OTPAuthURI = types.StringValue(e.QRString)
	codes, diags := types.ListValueFrom(ctx, types.StringType, e.ScratchCodes)
	if diags.HasError() {
		return fmt.Errorf("scratch codes: %v", diags)
	}
	m.ScratchCodes = codes
	qr, err := qrCodePNG(e.QRString, e.SecretKey, e.UserName)
	if err != nil {
		return err
	}
	m.QRCodePNG = types.StringValue(qr)
	return nil
}

// qrCodePNG renders the otpauth URI as a base64 PNG with pquerna/otp's QR encoder. The
// appliance writes "@" as "&40" in qrString; when that does not parse, the standard URI is
// rebuilt from the secret so the code still scans.
func qrCodePNG(uri, secret, user string) (string, error) {
	key, err := otp.NewKeyFromURL(uri)
	if err != nil || key.Secret() == "" {
		key, err = otp.NewKeyFromURL(fmt.Sprintf("otpauth://totp/Veeam%%20Backup%%20for%%20AWS:%s?secret=%s&issuer=Veeam%%20Backup%%20for%%20AWS", user, secret))
		if err != nil {
			return "", fmt.Errorf("building the QR code: %w", err)
		}
	}
	img, err := key.Image(256, 256)
	if err != nil {
		return "", fmt.Errorf("building the QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("encoding the QR code: %w", err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// ModifyPlan marks the secrets as unknown when rotation_triggers changes, so the plan shows
// they will be replaced (UseStateForUnknown would otherwise promise the old ones).
func (r *awsUserMFAResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state awsUserMFAModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.RotationTriggers.Equal(state.RotationTriggers) {
		return
	}
	plan.SecretKey = types.StringUnknown()
	plan.OTPAuthURI = types.StringUnknown()
	plan.QRCodePNG = types.StringUnknown()
	plan.ScratchCodes = types.ListUnknown(types.StringType)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *awsUserMFAResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan awsUserMFAModel
	c, ok := r.begin(ctx, req.Plan, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	user := plan.UserName.ValueString()
	if u, err := c.GetUser(ctx, user); err == nil && u.MFAEnabled {
		resp.Diagnostics.AddAttributeError(path.Root("user_name"), "MFA is already enabled",
			fmt.Sprintf("User %q already has MFA enabled, so Terraform cannot learn its secret. Import it (terraform import veeam_aws_user_mfa.NAME %s) to manage it without the secret, or disable MFA for the user first.", user, user))
		return
	}
	e, err := c.EnrollMFA(ctx, user, false)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("user_name"), "Enabling MFA failed", mfaErrorDetail(user, err))
		return
	}
	plan.ID = types.StringValue(user)
	if err := plan.fill(ctx, e); err != nil {
		resp.Diagnostics.AddError("Enabling MFA failed", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func mfaErrorDetail(user string, err error) string {
	switch {
	case client.IsNotFound(err):
		return fmt.Sprintf("There is no Veeam Backup for AWS user %q: create it first (veeam_aws_user) or fix user_name.\n\n%s", user, err)
	case client.IsForbidden(err):
		return fmt.Sprintf("The provider's user may not manage MFA of %q: log in as a Portal Administrator, or as %q itself.\n\n%s", user, user, err)
	}
	return err.Error()
}

func (r *awsUserMFAResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state awsUserMFAModel
	c, ok := r.begin(ctx, req.State, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	u, err := c.GetUser(ctx, state.UserName.ValueString())
	if client.IsNotFound(err) || (err == nil && !u.MFAEnabled) {
		// Disabled (or the user deleted) behind Terraform's back: plan a create.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading the user failed", err.Error())
		return
	}
	state.ID = types.StringValue(u.Name)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *awsUserMFAResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state awsUserMFAModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.RotationTriggers.Equal(state.RotationTriggers) {
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
		resp.Diagnostics.AddAttributeError(path.Root("rotation_triggers"), "Rotating the MFA secret failed", mfaErrorDetail(user, err)+"\n\nThe previous secret is still valid.")
		return
	}
	if err := plan.fill(ctx, e); err != nil {
		resp.Diagnostics.AddError("Rotating the MFA secret failed", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *awsUserMFAResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state awsUserMFAModel
	c, ok := r.begin(ctx, req.State, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := c.DisableMFA(ctx, state.UserName.ValueString()); err != nil && !client.IsNotFound(err) {
		resp.Diagnostics.AddError("Disabling MFA failed", mfaErrorDetail(state.UserName.ValueString(), err))
	}
}

func (r *awsUserMFAResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_name"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
