package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var (
	_ resource.ResourceWithConfigure        = &awsUserResource{}
	_ resource.ResourceWithImportState      = &awsUserResource{}
	_ resource.ResourceWithConfigValidators = &awsUserResource{}
)

// NewAWSUserResource is veeam_aws_user.
func NewAWSUserResource() resource.Resource {
	return &awsUserResource{resourceOf[*client.AWSClient](client.AWS, "aws_user")}
}

type awsUserResource struct {
	productResource[*client.AWSClient]
}

// awsUserModel is a user's state. It has no `id` (name identifies a user) and no MFA flag
// (veeam_aws_user_mfa owns MFA, and the veeam_aws_user data source reports it): a value another
// resource changes could not be planned, and showed "(known after apply)" on every update.
type awsUserModel struct {
	Name              types.String `tfsdk:"name"`
	Description       types.String `tfsdk:"description"`
	Password          types.String `tfsdk:"password"`
	PasswordWO        types.String `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64  `tfsdk:"password_wo_version"`
	IsDefault         types.Bool   `tfsdk:"is_default"`
}

func (r *awsUserResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Veeam Backup for AWS user account (`/api/v1/users`). Managing users needs a Portal Administrator in the " +
			"provider's `aws` block. Give the password with the write-only `password_wo` (Terraform 1.11+, never stored in plan or state) " +
			"or, on older Terraform, with `password` (stored in state as a sensitive value). MFA is managed by `veeam_aws_user_mfa`; " +
			"the `veeam_aws_user` data source reports whether it is on.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "User name. Changing it replaces the user (the API cannot rename one).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 256)},
			},
			"description": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(""),
				MarkdownDescription: "Description. Default: empty.",
			},
			"password": schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "Password, stored in state (sensitive). For Terraform older than 1.11; on 1.11+ prefer `password_wo`. " +
					"Changing it sets the new password. Exactly one of `password` and `password_wo` must be set.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"password_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				MarkdownDescription: "Password, write-only: sent to the appliance but never stored in plan or state (Terraform 1.11+). " +
					"Terraform cannot see a change to it: change `password_wo_version` to send a new password. Requires `password_wo_version`.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.AlsoRequires(path.MatchRoot("password_wo_version")),
				},
			},
			"password_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Any number that goes with `password_wo`: the password is sent when the user is created and whenever " +
					"this changes (for example, increment it with each new password).",
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("password_wo"))},
			},
			"is_default": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "Whether this is the appliance's built-in administrator.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *awsUserResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("password"), path.MatchRoot("password_wo")),
		resourcevalidator.PreferWriteOnlyAttribute(path.MatchRoot("password"), path.MatchRoot("password_wo")),
	}
}

// fill copies what the appliance reports into the model; the password attributes stay as
// they are (the appliance never returns a password).
func (m *awsUserModel) fill(u *client.AWSUser) *awsUserModel {
	m.Name = types.StringValue(u.Name)
	m.Description = types.StringValue(u.Description)
	m.IsDefault = types.BoolValue(u.IsDefault)
	m.PasswordWO = types.StringNull()
	return m
}

// addUserError reports a failed user call, explaining the failures a user can fix.
func (r *awsUserResource) addUserError(diags *diag.Diagnostics, summary, name string, err error) {
	switch {
	case client.IsForbidden(err):
		diags.AddError(summary, fmt.Sprintf("The provider's user may not manage user %q: log in as a Portal Administrator in the \"aws\" block.\n\n%s", name, err))
	case client.IsConflict(err), errors.Is(err, errUserNotOurs):
		diags.AddError(summary, fmt.Sprintf("User %q already exists: import it (terraform import veeam_aws_user.NAME %s) or choose another name.\n\n%s", name, name, err))
	default:
		r.callError(diags, summary, err)
	}
}

func (r *awsUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan awsUserModel
	var wo types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &wo)...)
	c, ok := r.begin(ctx, req.Plan, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	password := plan.Password.ValueString()
	if password == "" {
		password = wo.ValueString()
	}
	name := plan.Name.ValueString()
	u, err := c.CreateUser(ctx, name, plan.Description.ValueString(), password)
	if err != nil && (client.IsConflict(err) || client.IsOutcomeUnknown(err)) {
		u, err = adoptCreated(ctx, c, name, plan.Description.ValueString(), password, err)
	}
	if err != nil {
		r.addUserError(&resp.Diagnostics, "Creating the user failed", name, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan.fill(u))...)
}

// adoptCreated settles a create whose answer was lost (client.OutcomeUnknownError: the
// connection dropped, or a gateway answered 502/504, after sending), or which found the name
// taken (409): the account is this apply's when the password just sent logs in as it. That proves
// it (whoever knows the password may manage the account), and the proof's session is logged
// out. Otherwise createErr stands: the user does not exist (the rerun creates it), or it is
// someone else's (the 409 message names the import command).
func adoptCreated(ctx context.Context, c *client.AWSClient, name, description, password string, createErr error) (*client.AWSUser, error) {
	u, err := c.GetUser(ctx, name)
	if err != nil {
		return nil, createErr
	}
	if ours, err := c.PasswordLogsIn(ctx, name, password); err != nil || !ours {
		if client.IsConflict(createErr) {
			return nil, createErr
		}
		return nil, fmt.Errorf("%w (and user %q exists, but the configured password does not log in as it: %w)", createErr, name, errUserNotOurs)
	}
	if u.Description == description {
		return u, nil
	}
	return c.UpdateUser(ctx, name, description, "", "")
}

// errUserNotOurs marks an existing user that a create cannot adopt.
var errUserNotOurs = errors.New("not the account this apply created")

func (r *awsUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state awsUserModel
	c, ok := r.begin(ctx, req.State, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	u, err := c.GetUser(ctx, state.Name.ValueString())
	if client.IsNotFound(err) {
		// Deleted behind Terraform's back: plan a create.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		r.addUserError(&resp.Diagnostics, "Reading the user failed", state.Name.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state.fill(u))...)
}

// newPassword is the password an update must send, or "" when it keeps the current one:
// password_wo when password_wo_version changed, otherwise password when it changed.
func newPassword(ctx context.Context, req resource.UpdateRequest, plan, state awsUserModel) (string, error) {
	if !plan.PasswordWOVersion.IsNull() && !plan.PasswordWOVersion.Equal(state.PasswordWOVersion) {
		var wo types.String
		if d := req.Config.GetAttribute(ctx, path.Root("password_wo"), &wo); d.HasError() {
			return "", fmt.Errorf("reading password_wo: %v", d)
		}
		if wo.ValueString() == "" {
			return "", fmt.Errorf("password_wo_version changed but password_wo is empty: set password_wo to the new password")
		}
		return wo.ValueString(), nil
	}
	if !plan.Password.IsNull() && !plan.Password.Equal(state.Password) {
		return plan.Password.ValueString(), nil
	}
	return "", nil
}

// oldPassword is what a password change sends as oldPassword. An administrator sets another
// user's password without it (so write-only passwords, which Terraform never keeps, work);
// changing one's own password needs it: the provider's own password when the block logged in
// as this user with one, otherwise the previous `password` from state.
func (r *awsUserResource) oldPassword(ctx context.Context, c *client.AWSClient, name string, state awsUserModel) (string, error) {
	tok, err := c.Credential(ctx)
	if err != nil {
		return "", err
	}
	creds := c.Config().Credentials
	if !strings.EqualFold(tok.Username, name) && !strings.EqualFold(creds.Username, name) {
		return "", nil
	}
	if creds.Password != "" && strings.EqualFold(creds.Username, name) {
		return creds.Password, nil
	}
	return state.Password.ValueString(), nil
}

func (r *awsUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state awsUserModel
	if !getPlanAndState(ctx, req.Plan, req.State, &plan, &state, &resp.Diagnostics) {
		return
	}
	c, ok := r.client(&resp.Diagnostics)
	if !ok {
		return
	}
	name := plan.Name.ValueString()
	password, err := newPassword(ctx, req, plan, state)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("password_wo"), "Invalid password", err.Error())
		return
	}
	var old string
	if password != "" {
		if old, err = r.oldPassword(ctx, c, name, state); err != nil {
			r.callError(&resp.Diagnostics, "Updating the user failed", err)
			return
		}
	}
	u, err := c.UpdateUser(ctx, name, plan.Description.ValueString(), password, old)
	if err != nil && password != "" {
		// A resend after a lost answer may be refused (a self-change's oldPassword is no longer
		// the current one): when the new password logs in, the change went through.
		if ours, perr := c.PasswordLogsIn(ctx, name, password); perr == nil && ours {
			u, err = c.GetUser(ctx, name)
		}
	}
	if err != nil {
		if password != "" && (client.IsOldPasswordRequired(err) || (old != "" && client.IsBadRequest(err))) {
			resp.Diagnostics.AddAttributeError(path.Root("password_wo"), "Changing the password failed", fmt.Sprintf(
				"User %q is the provider's own user: changing its own password needs the current one, which the provider takes from "+
					"the \"aws\" block's password (or the previous `password` in state). The appliance refused the change; set the "+
					"password with another Portal Administrator in the \"aws\" block.\n\n%s", name, err))
			return
		}
		r.addUserError(&resp.Diagnostics, "Updating the user failed", name, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan.fill(u))...)
}

func (r *awsUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state awsUserModel
	c, ok := r.begin(ctx, req.State, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	name := state.Name.ValueString()
	err := c.DeleteUser(ctx, name)
	switch {
	case err == nil || client.IsNotFound(err):
	case state.IsDefault.ValueBool():
		resp.Diagnostics.AddError("Deleting the user failed", fmt.Sprintf("%q is the appliance's built-in administrator, which cannot be deleted: "+
			"take it out of Terraform's hands with a `removed` block (or terraform state rm) instead.\n\n%s", name, err))
	default:
		r.addUserError(&resp.Diagnostics, "Deleting the user failed", name, err)
	}
}

// ImportState imports a user by name. The appliance never returns a password, so after
// import Terraform does not know it: the next apply sets the configured `password`, or
// `password_wo` (its `password_wo_version` is unknown to state, so any configured value
// counts as a change).
func (r *awsUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
}
