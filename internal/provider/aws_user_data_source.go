package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var _ datasource.DataSourceWithConfigure = &awsUserDataSource{}

// NewAWSUserDataSource is the data source veeam_aws_user.
func NewAWSUserDataSource() datasource.DataSource {
	return &awsUserDataSource{dataSourceOf[*client.AWSClient](client.AWS, "aws_user")}
}

type awsUserDataSource struct {
	productDataSource[*client.AWSClient]
}

type awsUserDataModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	MFAEnabled  types.Bool   `tfsdk:"mfa_enabled"`
	IsDefault   types.Bool   `tfsdk:"is_default"`
}

func (d *awsUserDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One Veeam Backup for AWS user, as the appliance reports it (`GET /api/v1/users/{userId}`).",
		Attributes: map[string]schema.Attribute{
			"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "The user name."},
			"name":        schema.StringAttribute{Required: true, MarkdownDescription: "User name."},
			"description": schema.StringAttribute{Computed: true, MarkdownDescription: "Description."},
			"mfa_enabled": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user has accepted an MFA secret."},
			"is_default":  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether this is the appliance's built-in administrator."},
		},
	}
}

func (d *awsUserDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m awsUserDataModel
	c, ok := d.begin(ctx, req.Config, &m, &resp.Diagnostics)
	if !ok {
		return
	}
	u, err := c.GetUser(ctx, m.Name.ValueString())
	if client.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "No such user", fmt.Sprintf("Veeam Backup for AWS has no user %q.", m.Name.ValueString()))
		return
	}
	if err != nil {
		d.callError(&resp.Diagnostics, "Reading the user failed", err)
		return
	}
	m.ID = types.StringValue(u.Name)
	m.Name = types.StringValue(u.Name)
	m.Description = types.StringValue(u.Description)
	m.MFAEnabled = types.BoolValue(u.MFAEnabled)
	m.IsDefault = types.BoolValue(u.IsDefault)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
