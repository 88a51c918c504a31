package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &vbrMFASettingsResource{}
	_ resource.ResourceWithImportState = &vbrMFASettingsResource{}
	_ resource.ResourceWithModifyPlan  = &vbrMFASettingsResource{}
)

// vbrMFASettingsID is the id of the one settings object.
const vbrMFASettingsID = "settings"

// mfaEnabledBefore is what Create remembers about the setting before Terraform managed it, for
// the warning at destroy. Kept in the resource's private state, not in the schema.
const mfaEnabledBefore settingBefore = "before"

// NewVBRMFASettingsResource is veeam_vbr_mfa_settings.
func NewVBRMFASettingsResource() resource.Resource {
	return &vbrMFASettingsResource{resourceOf[*client.VBRClient](client.VBR, "vbr_mfa_settings")}
}

type vbrMFASettingsResource struct {
	productResource[*client.VBRClient]
}

type vbrMFASettingsModel struct {
	ID         types.String `tfsdk:"id"`
	MFAEnabled types.Bool   `tfsdk:"mfa_enabled"`
}

func (r *vbrMFASettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The global multi-factor authentication switch of Veeam Backup & Replication " +
			"(`GET`/`PUT /api/v1/security/settings`, REST API " + client.VBRSecurityRevision + " and later, that is Backup & Replication 13.0.1 and later): when on, every user that is not a service account must " +
			"confirm console logons with a TOTP code. There is one such setting per server: declare this resource once.\n\n" +
			"Creating or updating it sets `mfa_enabled`; a change made outside Terraform shows up as drift at the next plan.\n\n" +
			"**Destroying it leaves the setting as it is** and only warns (naming the value it had before Terraform managed it): " +
			"a destroy, a module removal or a replacement must never silently switch MFA off for every user, nor lock users out " +
			"by switching it on. To turn MFA off, apply `mfa_enabled = false` first, then destroy.\n\n" +
			"**MFA does not apply to REST API logins**: with MFA on, only service accounts can log in to the REST API. So the plan " +
			"refuses to switch MFA on while the provider's own login account is not a service account (it would lock the provider out): " +
			"make it one first with `veeam_vbr_service_account`, and add that resource to this one's `depends_on` so the plan sees it.\n\n" +
			"Needs a provider `vbr` user with the Veeam Backup Administrator role.",
		Attributes: map[string]schema.Attribute{
			"id": setByProvider("Always `" + vbrMFASettingsID + "`."),
			"mfa_enabled": schema.BoolAttribute{
				Required:            true,
				MarkdownDescription: "Whether multi-factor authentication is required for users that are not service accounts.",
			},
		},
	}
}

// addVBRSettingsError explains a failed settings call.
func (r *vbrMFASettingsResource) addSettingsError(diags *diag.Diagnostics, summary string, err error) {
	if client.IsForbidden(err) {
		diags.AddAttributeError(path.Root("mfa_enabled"), summary, fmt.Sprintf("%s\n\n%s", vbrAdministratorNeeded, err))
		return
	}
	addVBRError(r.data, diags, summary, err)
}

func (r *vbrMFASettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan vbrMFASettingsModel
	c, ok := r.begin(ctx, req.Plan, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	before, err := c.GetSecuritySettings(ctx) // for the warning at destroy
	if err != nil {
		r.addSettingsError(&resp.Diagnostics, "Changing the MFA setting failed", err)
		return
	}
	if plan.MFAEnabled.ValueBool() && r.locksOutProvider(ctx, c, nil, &resp.Diagnostics) {
		return
	}
	if !r.set(ctx, c, &plan, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(mfaEnabledBefore.remember(ctx, resp.Private, before.MFAEnabled)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// set applies the planned switch and puts the value in force into plan.
func (r *vbrMFASettingsResource) set(ctx context.Context, c *client.VBRClient, plan *vbrMFASettingsModel, diags *diag.Diagnostics) bool {
	got, err := c.SetMFAEnabled(ctx, plan.MFAEnabled.ValueBool())
	if err != nil {
		r.addSettingsError(diags, "Changing the MFA setting failed", err)
		return false
	}
	plan.ID = types.StringValue(vbrMFASettingsID)
	plan.MFAEnabled = types.BoolValue(got.MFAEnabled)
	return true
}

func (r *vbrMFASettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state vbrMFASettingsModel
	c, ok := r.begin(ctx, req.State, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	s, err := c.GetSecuritySettings(ctx)
	if err != nil {
		r.addSettingsError(&resp.Diagnostics, "Reading the security settings failed", err)
		return
	}
	state.ID = types.StringValue(vbrMFASettingsID)
	state.MFAEnabled = types.BoolValue(s.MFAEnabled)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *vbrMFASettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan vbrMFASettingsModel
	c, ok := r.begin(ctx, req.Plan, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	if plan.MFAEnabled.ValueBool() && r.locksOutProvider(ctx, c, nil, &resp.Diagnostics) {
		return
	}
	if r.set(ctx, c, &plan, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// ModifyPlan refuses, at plan time, to switch MFA on while the provider's own login account is
// not a service account and no veeam_vbr_service_account this plan depends on makes it one.
// When the provider cannot log in yet (values known only after apply) the check waits for apply.
func (r *vbrMFASettingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan, state vbrMFASettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() || !plan.MFAEnabled.ValueBool() || state.MFAEnabled.ValueBool() {
		return // not switching MFA on
	}
	var scratch diag.Diagnostics
	c, ok := r.client(&scratch)
	if !ok {
		return
	}
	r.locksOutProvider(ctx, c, &r.data.vbrServiceAccounts, &resp.Diagnostics)
}

// locksOutProvider reports (with an error naming the fix) whether switching MFA on would lock
// out the account the provider logs in with: it is listed and not a service account, and
// planned (when not nil) does not make it one. An account the users list does not show (one
// with access through a group) only gets a warning.
func (r *vbrMFASettingsResource) locksOutProvider(ctx context.Context, c *client.VBRClient, planned *plannedServiceAccounts, diags *diag.Diagnostics) bool {
	name, u, err := c.LoginUser(ctx)
	switch {
	case client.IsForbidden(err):
		return false // not an administrator: changing the setting fails too, and says why
	case err != nil:
		r.addSettingsError(diags, "Checking the provider's own account failed", err)
		return true
	case u == nil:
		diags.AddWarning("The provider's own account was not checked",
			fmt.Sprintf("The users list shows no account %q (the \"vbr\" block's login), for example because it has access through a group. "+
				"MFA does not apply to REST API logins: unless it is a service account, switching MFA on locks the provider out.", name))
		return false
	case u.IsServiceAccount || (planned != nil && planned.has(u.Name, u.ID)):
		return false
	}
	diags.AddAttributeError(path.Root("mfa_enabled"), "Switching MFA on would lock the provider out",
		fmt.Sprintf("%q, the account the provider's \"vbr\" block logs in with, is not a service account. MFA does not apply to REST API "+
			"logins: once MFA is on, only service accounts can log in to the REST API, so every later plan and apply would fail.\n\n"+
			"Make it a service account first:\n\n"+
			"  resource \"veeam_vbr_service_account\" \"terraform\" {\n    user_name = %q\n  }\n\n"+
			"and add depends_on = [veeam_vbr_service_account.terraform] to this resource; or log the provider in with a service account.", u.Name, u.Name))
	return true
}

// Delete leaves the setting as it is (see the resource description) and warns.
func (r *vbrMFASettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state vbrMFASettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	detail := fmt.Sprintf("Terraform no longer manages the multi-factor authentication setting of Veeam Backup & Replication; it stays %s on the server.", enabledOrDisabled(state.MFAEnabled.ValueBool()))
	if before, ok := mfaEnabledBefore.recall(ctx, req.Private); ok && before != state.MFAEnabled.ValueBool() {
		detail += fmt.Sprintf(" Before Terraform managed it, it was %s: to restore that, apply mfa_enabled = %t before destroying, or change it in the console.", enabledOrDisabled(before), before)
	}
	resp.Diagnostics.AddWarning("MFA setting left unchanged", detail)
}

// ImportState accepts any id (the server has one settings object) and reads the value.
func (r *vbrMFASettingsResource) ImportState(ctx context.Context, _ resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), vbrMFASettingsID)...)
}

func enabledOrDisabled(on bool) string {
	if on {
		return "enabled"
	}
	return "disabled"
}
