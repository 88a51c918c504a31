package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// NewVBRUsersDataSource is the data source veeam_vbr_users.
func NewVBRUsersDataSource() datasource.DataSource {
	return dataSourceReading[vbrUsersModel](dataSourceOf[*client.VBRClient](client.VBR, "vbr_users"), vbrUsersSchema)
}

type vbrUsersModel struct {
	ID         types.String   `tfsdk:"id"`
	NameFilter types.String   `tfsdk:"name_filter"`
	Users      []vbrUserModel `tfsdk:"users"`
}

type vbrUserModel struct {
	ID               types.String   `tfsdk:"id"`
	Name             types.String   `tfsdk:"name"`
	Type             types.String   `tfsdk:"type"`
	IsServiceAccount types.Bool     `tfsdk:"is_service_account"`
	MFAEnabled       types.Bool     `tfsdk:"mfa_enabled"`
	Roles            []vbrRoleModel `tfsdk:"roles"`
	RoleNames        []string       `tfsdk:"role_names"`
}

type vbrRoleModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
}

func vbrUsersSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "The users and groups with access to Veeam Backup & Replication, with their roles and MFA state " +
			"(`GET /api/v1/security/users`, REST API " + client.VBRSecurityRevision + " and later, that is Backup & Replication 13.0.1 and later), " +
			"ordered by name. Every page is read. Needs a provider `vbr` user with the Backup Administrator role.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The `name_filter`, or `*` without one."},
			"name_filter": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only users whose name contains this text (case-insensitive).",
			},
			"users": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching users.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":   schema.StringAttribute{Computed: true, MarkdownDescription: "The user's id (a UUID), as `resetMFA` takes it."},
					"name": schema.StringAttribute{Computed: true, MarkdownDescription: "User or group name, e.g. `DOMAIN\\user`."},
					"type": schema.StringAttribute{Computed: true, MarkdownDescription: "Account type: `InternalUser`, `InternalGroup`, `ExternalUser` or `ExternalGroup`."},
					"is_service_account": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the account is a service account: used for automation, " +
						"exempt from MFA (see `veeam_vbr_service_account`)."},
					"mfa_enabled": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user has MFA enabled. Null on a server that speaks REST API " +
						"1.3-rev1 (Backup & Replication 13.0.1), whose answer has no such field; set from 1.3-rev2 (13.1) on."},
					"roles": schema.ListNestedAttribute{
						Computed:            true,
						MarkdownDescription: "The user's roles.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "The role's id (a UUID)."},
							"name":        schema.StringAttribute{Computed: true, MarkdownDescription: "The role's name, e.g. `Backup Administrator`."},
							"description": schema.StringAttribute{Computed: true, MarkdownDescription: "The role's description (null when the server gives none)."},
						}},
					},
					"role_names": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The names of `roles`, for a quick `contains()`."},
				}},
			},
		},
	}
}

// read fills m with the users that match its name filter.
func (m *vbrUsersModel) read(ctx context.Context, r dataSourceRead[*client.VBRClient]) {
	filter := m.NameFilter.ValueString()
	users, err := r.client.ListAllSecurityUsers(ctx, filter)
	if err != nil {
		addVBRError(r.api.data, r.diags, "Listing the users failed", err)
		return
	}
	m.ID = types.StringValue("*")
	if filter != "" {
		m.ID = types.StringValue(filter)
	}
	m.Users = make([]vbrUserModel, 0, len(users))
	for _, u := range users {
		m.Users = append(m.Users, vbrUserFrom(u))
	}
}

// vbrUserFrom is a user as the data source shows it.
func vbrUserFrom(u client.VBRSecurityUser) vbrUserModel {
	roles := make([]vbrRoleModel, 0, len(u.Roles))
	for _, r := range u.Roles {
		desc := types.StringNull()
		if r.Description != "" {
			desc = types.StringValue(r.Description)
		}
		roles = append(roles, vbrRoleModel{ID: types.StringValue(r.ID), Name: types.StringValue(r.Name), Description: desc})
	}
	return vbrUserModel{
		ID: types.StringValue(u.ID), Name: types.StringValue(u.Name), Type: types.StringValue(u.Type),
		IsServiceAccount: types.BoolValue(u.IsServiceAccount), MFAEnabled: types.BoolPointerValue(u.MFAEnabled),
		Roles: roles, RoleNames: u.RoleNames(),
	}
}
