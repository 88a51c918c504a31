package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var _ datasource.DataSourceWithConfigure = &azureUsersDataSource{}

// NewAzureUsersDataSource is the data source veeam_azure_users.
func NewAzureUsersDataSource() datasource.DataSource {
	return &azureUsersDataSource{dataSourceOf[*client.AzureClient](client.AZURE, "azure_users")}
}

type azureUsersDataSource struct {
	productDataSource[*client.AzureClient]
}

type azureUsersDataModel struct {
	Name  types.String      `tfsdk:"name"`
	Users []azureUsersEntry `tfsdk:"users"`
}

type azureUsersEntry struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Role        types.String `tfsdk:"role"`
	MFAEnabled  types.Bool   `tfsdk:"mfa_enabled"`
	IsDefault   types.Bool   `tfsdk:"is_default"`
}

func (d *azureUsersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Veeam Backup for Microsoft Azure users (`GET /api/v8.1/users`). Listing users needs a PortalAdmin " +
			"in the provider's `azure` block.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only the user with this name (`NameFilter`).",
			},
			"users": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The users, by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "The user's id in the REST API."},
					"name":        schema.StringAttribute{Computed: true, MarkdownDescription: "User name."},
					"description": schema.StringAttribute{Computed: true, MarkdownDescription: "Description."},
					"role":        schema.StringAttribute{Computed: true, MarkdownDescription: "Role: `PortalAdmin`, `PortalOperator`, `RestoreOperator`, ..."},
					"mfa_enabled": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user has MFA enabled."},
					"is_default":  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether this is the appliance's built-in administrator."},
				}},
			},
		},
	}
}

func (d *azureUsersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m azureUsersDataModel
	c, ok := d.begin(ctx, req.Config, &m, &resp.Diagnostics)
	if !ok {
		return
	}
	users, err := c.ListUsers(ctx, m.Name.ValueString())
	if err != nil {
		d.callError(&resp.Diagnostics, "Listing users failed", err,
			whenForbidden("Listing users needs a PortalAdmin: log in as one in the provider's \"azure\" block."))
		return
	}
	m.Users = make([]azureUsersEntry, 0, len(users))
	for _, u := range users {
		m.Users = append(m.Users, azureUsersEntry{
			ID: types.StringValue(u.ID), Name: types.StringValue(u.Name), Description: types.StringValue(u.Description),
			Role: types.StringValue(u.Role), MFAEnabled: types.BoolValue(u.MFAEnabled), IsDefault: types.BoolValue(u.IsDefault),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
