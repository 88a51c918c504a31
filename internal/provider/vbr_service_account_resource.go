package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var (
	_ resource.ResourceWithConfigure        = &vbrServiceAccountResource{}
	_ resource.ResourceWithImportState      = &vbrServiceAccountResource{}
	_ resource.ResourceWithModifyPlan       = &vbrServiceAccountResource{}
	_ resource.ResourceWithConfigValidators = &vbrServiceAccountResource{}
)

// NewVBRServiceAccountResource is veeam_vbr_service_account.
func NewVBRServiceAccountResource() resource.Resource {
	return &vbrServiceAccountResource{resourceOf[*client.VBRClient](client.VBR, "vbr_service_account")}
}

type vbrServiceAccountResource struct {
	productResource[*client.VBRClient]
}

type vbrServiceAccountModel struct {
	ID       types.String `tfsdk:"id"`
	UserID   types.String `tfsdk:"user_id"`
	UserName types.String `tfsdk:"user_name"`
	Type     types.String `tfsdk:"type"`
}

// wasServiceAccount is what Create remembers: whether the user already was a service account,
// so that destroy leaves such a user as it found it.
const wasServiceAccount settingBefore = "was_service_account"

// uuidPattern is the form of Backup & Replication ids.
var uuidPattern = regexp.MustCompile(`^(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func (r *vbrServiceAccountResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplaceIfConfigured(), stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Makes a Backup & Replication user a **service account** (`POST /api/v1/security/users/{id}/changeServiceAccountMode`, " +
			"REST API " + client.VBRSecurityRevision + " and later): an account for automation, exempt from multi-factor authentication. " +
			"MFA does not apply to REST API logins, so once `veeam_vbr_mfa_settings` switches MFA on, only service accounts can log in " +
			"to the REST API; make the provider's own account (and every other automation account) a service account first. " +
			"Making a user a service account switches its MFA off.\n\n" +
			"The user is named by `user_name` or `user_id` (exactly one). If someone makes it an ordinary account outside Terraform, " +
			"the next plan creates this resource again.\n\n" +
			"**Destroying it makes the user an ordinary account again** (MFA applies to it again): a forgotten exemption is a silent " +
			"hole in MFA, so removing the resource removes the exemption. Two exceptions, each with a warning: a user that already was a " +
			"service account before Terraform managed it is left as it was, and the provider's own login account is left a service " +
			"account while MFA is on, because switching it back would lock the provider out.\n\n" +
			"Needs a provider `vbr` user with the Backup Administrator role.",
		Attributes: map[string]schema.Attribute{
			"id": setByProvider("The user's id (a UUID)."),
			"user_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The user's id (a UUID), as `data.veeam_vbr_users` lists it. Conflicts with `user_name`; changing it replaces the resource.",
				PlanModifiers:       replace,
			},
			"user_name": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The user's name, e.g. `DOMAIN\\svc-terraform` (compared case-insensitively; in HCL a backslash is written `\\\\`). Conflicts with `user_id`; changing it replaces the resource.",
				PlanModifiers:       replace,
			},
			"type": setByProvider("The account type: `InternalUser` or `ExternalUser`."),
		},
	}
}

func (r *vbrServiceAccountResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.ExactlyOneOf(path.MatchRoot("user_id"), path.MatchRoot("user_name"))}
}

// ModifyPlan records the user a create plans to make a service account, so that
// veeam_vbr_mfa_settings (depending on this resource) knows at plan time that the provider's
// own account will be one.
func (r *vbrServiceAccountResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, _ *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan vbrServiceAccountModel
	if req.Plan.Get(ctx, &plan).HasError() {
		return
	}
	r.data.vbrServiceAccounts.add(plan.UserName.ValueString(), plan.UserID.ValueString())
}

// find returns the user m names (by id, else by name), or nil when there is none.
func (r *vbrServiceAccountResource) find(ctx context.Context, c *client.VBRClient, id, name string) (*client.VBRSecurityUser, error) {
	if id != "" && uuidPattern.MatchString(id) {
		u, err := c.SecurityUser(ctx, id)
		if client.IsNotFound(err) {
			return nil, nil
		}
		return u, err
	}
	if name == "" {
		name = id // an import by name
	}
	return c.SecurityUserByName(ctx, name)
}

func (r *vbrServiceAccountResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan vbrServiceAccountModel
	c, ok := r.begin(ctx, req.Plan, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	u, err := r.find(ctx, c, plan.UserID.ValueString(), plan.UserName.ValueString())
	if err != nil {
		addVBRError(r.data, &resp.Diagnostics, "Reading the user failed", err)
		return
	}
	if u == nil {
		which, attr := plan.UserName.ValueString(), "user_name"
		if which == "" {
			which, attr = plan.UserID.ValueString(), "user_id"
		}
		resp.Diagnostics.AddAttributeError(path.Root(attr), "No such user",
			fmt.Sprintf("Backup & Replication has no user %q: data.veeam_vbr_users lists the users and their ids.", which))
		return
	}
	if strings.HasSuffix(u.Type, "Group") {
		resp.Diagnostics.AddError("A group cannot be a service account",
			fmt.Sprintf("%q is a group (%s): service-account mode is for one user. Name the user the automation logs in as.", u.Name, u.Type))
		return
	}
	before := u.IsServiceAccount
	if !before {
		if u, err = c.ChangeServiceAccountMode(ctx, u.ID, true); err != nil {
			addVBRError(r.data, &resp.Diagnostics, "Making the user a service account failed", err)
			return
		}
	}
	resp.Diagnostics.Append(wasServiceAccount.remember(ctx, resp.Private, before)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, vbrServiceAccountState(u, plan))...)
}

// vbrServiceAccountState is the state of u; a name the server spells in another case than
// prior (the plan or the state) keeps prior's spelling, since names compare case-insensitively.
func vbrServiceAccountState(u *client.VBRSecurityUser, prior vbrServiceAccountModel) *vbrServiceAccountModel {
	name := u.Name
	if p := prior.UserName.ValueString(); strings.EqualFold(p, name) {
		name = p
	}
	return &vbrServiceAccountModel{ID: types.StringValue(u.ID), UserID: types.StringValue(u.ID), UserName: types.StringValue(name), Type: types.StringValue(u.Type)}
}

// Read removes the resource from state when the user is gone or no longer a service account,
// so the next plan makes it one again.
func (r *vbrServiceAccountResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state vbrServiceAccountModel
	c, ok := r.begin(ctx, req.State, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	u, err := r.find(ctx, c, state.ID.ValueString(), state.UserName.ValueString())
	if err != nil {
		addVBRError(r.data, &resp.Diagnostics, "Reading the user failed", err)
		return
	}
	if u == nil || !u.IsServiceAccount {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, vbrServiceAccountState(u, state))...)
}

// Update has nothing to do: every configurable attribute replaces the resource.
func (r *vbrServiceAccountResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan vbrServiceAccountModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete makes the user an ordinary account again, unless destroy leaves it as it was.
func (r *vbrServiceAccountResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state vbrServiceAccountModel
	c, ok := r.begin(ctx, req.State, &state, &resp.Diagnostics)
	if !ok || r.leftAsItWas(ctx, c, state, req.Private, &resp.Diagnostics) {
		return
	}
	if _, err := c.ChangeServiceAccountMode(ctx, state.ID.ValueString(), false); err != nil && !client.IsNotFound(err) {
		addVBRError(r.data, &resp.Diagnostics, "Making the user an ordinary account failed", err)
	}
}

// leftAsItWas reports, with a warning, when destroy leaves the user a service account: it was
// one before Terraform managed it, or it is the provider's own login account and MFA is on (as
// an ordinary account it could no longer log in to the REST API).
func (r *vbrServiceAccountResource) leftAsItWas(ctx context.Context, c *client.VBRClient, state vbrServiceAccountModel, private privateReader, diags *diag.Diagnostics) bool {
	name := state.UserName.ValueString()
	if was, ok := wasServiceAccount.recall(ctx, private); ok && was {
		diags.AddWarning("Service account left as it was",
			fmt.Sprintf("%q already was a service account before Terraform managed it, so it stays one.", name))
		return true
	}
	tok, err := c.Credential(ctx)
	if err != nil || !strings.EqualFold(tok.Username, name) {
		return false
	}
	s, err := c.GetSecuritySettings(ctx)
	if err != nil || !s.MFAEnabled {
		return false
	}
	diags.AddWarning("Service account left as it was",
		fmt.Sprintf("%q is the account the provider's \"vbr\" block logs in with, and MFA is on: as an ordinary account it could no longer log in "+
			"to the REST API, so it stays a service account. Switch MFA off first (veeam_vbr_mfa_settings), or log the provider in with another "+
			"service account, to make it an ordinary account.", name))
	return true
}

// ImportState takes the user's id or name.
func (r *vbrServiceAccountResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// plannedServiceAccounts are the users (by lower-case name and id) that the current plan makes
// service accounts.
type plannedServiceAccounts struct{ m sync.Map }

func (p *plannedServiceAccounts) add(keys ...string) {
	for _, k := range keys {
		if k != "" {
			p.m.Store(strings.ToLower(k), true)
		}
	}
}

func (p *plannedServiceAccounts) has(keys ...string) bool {
	for _, k := range keys {
		if _, ok := p.m.Load(strings.ToLower(k)); ok && k != "" {
			return true
		}
	}
	return false
}
