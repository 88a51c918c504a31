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

var _ datasource.DataSourceWithConfigure = &awsUsersDataSource{}

// NewAWSUsersDataSource is the data source veeam_aws_users.
func NewAWSUsersDataSource() datasource.DataSource {
	return &awsUsersDataSource{dataSourceOf[*client.AWSClient](client.AWS, "aws_users")}
}

type awsUsersDataSource struct {
	productDataSource[*client.AWSClient]
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

func (d *awsUsersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
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

func (d *awsUsersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m awsUsersDataModel
	c, ok := d.begin(ctx, req.Config, &m, &resp.Diagnostics)
	if !ok {
		return
	}
	users, err := c.ListAllUsers(ctx, client.AWSUserQuery{SearchPattern: m.SearchPattern.ValueString(), Sort: m.Sort.ValueString()})
	if err != nil {
		d.callError(&resp.Diagnostics, "Listing users failed", err,
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
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
