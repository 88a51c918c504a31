package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// NewAzureUsersDataSource is the data source veeam_azure_users.
func NewAzureUsersDataSource() datasource.DataSource {
	return dataSourceReading[azureUsersDataModel](dataSourceOf[*client.AzureClient](client.AZURE, "azure_users"), azureUsersSchema)
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

func azureUsersSchema() schema.Schema {
	return schema.Schema{
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

// read fills m with the users, those matching its name when set.
func (m *azureUsersDataModel) read(ctx context.Context, r dataSourceRead[*client.AzureClient]) {
	users, err := r.client.ListUsers(ctx, m.Name.ValueString())
	if err != nil {
		r.fail("Listing users failed", err,
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
}
