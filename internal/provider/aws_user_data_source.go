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

// NewAWSUserDataSource is the data source veeam_aws_user.
func NewAWSUserDataSource() datasource.DataSource {
	return dataSourceReading[awsUserDataModel](dataSourceOf[*client.AWSClient](client.AWS, "aws_user"), awsUserSchema)
}

type awsUserDataModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	MFAEnabled  types.Bool   `tfsdk:"mfa_enabled"`
	IsDefault   types.Bool   `tfsdk:"is_default"`
}

func awsUserSchema() schema.Schema {
	return schema.Schema{
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

// read fills m with the user it names.
func (m *awsUserDataModel) read(ctx context.Context, r dataSourceRead[*client.AWSClient]) {
	u, err := r.client.GetUser(ctx, m.Name.ValueString())
	if client.IsNotFound(err) {
		r.diags.AddAttributeError(path.Root("name"), "No such user", fmt.Sprintf("Veeam Backup for AWS has no user %q.", m.Name.ValueString()))
		return
	}
	if err != nil {
		r.fail("Reading the user failed", err)
		return
	}
	m.ID = types.StringValue(u.Name)
	m.Name = types.StringValue(u.Name)
	m.Description = types.StringValue(u.Description)
	m.MFAEnabled = types.BoolValue(u.MFAEnabled)
	m.IsDefault = types.BoolValue(u.IsDefault)
}
