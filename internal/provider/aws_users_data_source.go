package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// NewAWSUsersDataSource is the data source veeam_aws_users.
func NewAWSUsersDataSource() datasource.DataSource {
	return dataSourceReading[awsUsersDataModel](dataSourceOf[*client.AWSClient](client.AWS, "aws_users"), awsUsersSchema)
}

type awsUsersDataModel struct {
	SearchPattern types.String    `tfsdk:"search_pattern"`
	Sort          types.String    `tfsdk:"sort"`
	Users         []awsUsersEntry `tfsdk:"users"`
}

type awsUsersEntry struct {
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	MFAEnabled  types.Bool   `tfsdk:"mfa_enabled"`
	IsDefault   types.Bool   `tfsdk:"is_default"`
}

func awsUsersSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Veeam Backup for AWS users (`GET /api/v1/users`), filtered and sorted by the appliance; the provider " +
			"pages through all of them. Listing users needs a Portal Administrator in the provider's `aws` block.",
		Attributes: map[string]schema.Attribute{
			"search_pattern": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only users whose name contains this text (`SearchPattern`; the appliance decides case sensitivity: the emulator ignores case).",
			},
			"sort": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Order of `users` (`Sort`): one of `" + strings.Join(client.AWSUserSortOrders, "`, `") + "`. Default: the appliance's order (by name).",
				Validators:          []validator.String{stringvalidator.OneOf(client.AWSUserSortOrders...)},
			},
			"users": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching users, in the requested order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":        schema.StringAttribute{Computed: true, MarkdownDescription: "User name."},
					"description": schema.StringAttribute{Computed: true, MarkdownDescription: "Description."},
					"mfa_enabled": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user has MFA enabled."},
					"is_default":  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether this is the appliance's built-in administrator."},
				}},
			},
		},
	}
}

// read fills m with the users that match its search pattern, in its order.
func (m *awsUsersDataModel) read(ctx context.Context, r dataSourceRead[*client.AWSClient]) {
	users, err := r.client.ListAllUsers(ctx, client.AWSUserQuery{SearchPattern: m.SearchPattern.ValueString(), Sort: m.Sort.ValueString()})
	if err != nil {
		r.fail("Listing users failed", err,
			whenForbidden("Listing users needs a Portal Administrator: log in as one in the provider's \"aws\" block."))
		return
	}
	m.Users = make([]awsUsersEntry, 0, len(users))
	for _, u := range users {
		m.Users = append(m.Users, awsUsersEntry{
			Name:        types.StringValue(u.Name),
			Description: types.StringValue(u.Description),
			MFAEnabled:  types.BoolValue(u.MFAEnabled),
			IsDefault:   types.BoolValue(u.IsDefault),
		})
	}
}
