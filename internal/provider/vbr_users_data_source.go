package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var _ datasource.DataSourceWithConfigure = &vbrUsersDataSource{}

// NewVBRUsersDataSource is the data source veeam_vbr_users.
func NewVBRUsersDataSource() datasource.DataSource {
	return &vbrUsersDataSource{dataSourceOf[*client.VBRClient](client.VBR, "vbr_users")}
}

type vbrUsersDataSource struct {
	productDataSource[*client.VBRClient]
}

type vbrUsersModel struct {
	ID         types.String   `tfsdk:"id"`
	NameFilter types.String   `tfsdk:"name_filter"`
	Users      []vbrUserModel `tfsdk:"users"`
}

type vbrUserModel struct {
	ID               types.String `tfsdk:"id"`
	Name             types.String `tfsdk:"name"`
	Type             types.String `tfsdk:"type"`
	IsServiceAccount types.Bool   `tfsdk:"is_service_account"`
	MFAEnabled       types.Bool   `tfsdk:"mfa_enabled"`
	Roles            []string     `tfsdk:"roles"`
}

func (d *vbrUsersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The users and groups with access to Veeam Backup & Replication, with their MFA state " +
			"(`GET /api/v1/security/users`, REST API 1.3), ordered by name. Every page is read.",
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
					"id":                 schema.StringAttribute{Computed: true, MarkdownDescription: "The user's id (a UUID), as `resetMFA` takes it."},
					"name":               schema.StringAttribute{Computed: true, MarkdownDescription: "User or group name, e.g. `DOMAIN\\user`."},
					"type":               schema.StringAttribute{Computed: true, MarkdownDescription: "Account type as the server reports it, e.g. `User`."},
					"is_service_account": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the account is a service account (used for automation, exempt from MFA)."},
					"mfa_enabled":        schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user has MFA enabled."},
					"roles":              schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Roles, e.g. `Veeam Backup Administrator`."},
				}},
			},
		},
	}
}

func (d *vbrUsersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m vbrUsersModel
	c, ok := d.begin(ctx, req.Config, &m, &resp.Diagnostics)
	if !ok {
		return
	}
	filter := m.NameFilter.ValueString()
	users, err := c.ListAllSecurityUsers(ctx, filter)
	if err != nil {
		d.callError(&resp.Diagnostics, "Listing the users failed", err, needsVBR13("/api/v1/security/users"))
		return
	}
	m.ID = types.StringValue("*")
	if filter != "" {
		m.ID = types.StringValue(filter)
	}
	m.Users = make([]vbrUserModel, 0, len(users))
	for _, u := range users {
		roles := u.Roles
		if roles == nil {
			roles = []string{}
		}
		m.Users = append(m.Users, vbrUserModel{
			ID: types.StringValue(u.ID), Name: types.StringValue(u.Name), Type: types.StringValue(u.Type),
			IsServiceAccount: types.BoolValue(u.IsServiceAccount), MFAEnabled: types.BoolValue(u.MFAEnabled), Roles: roles,
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
