package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var _ datasource.DataSourceWithConfigure = &awsAuthorizationCodeDataSource{}

// NewAWSAuthorizationCodeDataSource is the data source veeam_aws_authorization_code.
func NewAWSAuthorizationCodeDataSource() datasource.DataSource {
	return &awsAuthorizationCodeDataSource{}
}

type awsAuthorizationCodeDataSource struct{ data *providerData }

type authorizationCodeModel struct {
	ID        types.String `tfsdk:"id"`
	Code      types.String `tfsdk:"code"`
	ExpiresAt types.String `tfsdk:"expires_at"`
}

func (d *awsAuthorizationCodeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_aws_authorization_code"
}

func (d *awsAuthorizationCodeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = authorizationCodeDataSourceSchema("Veeam Backup for AWS", "/api/v1/token/authorization_code", client.AWSAuthorizationCodeLifetime)
}

func authorizationCodeDataSourceSchema(title, endpoint string, lifetime time.Duration) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A single-use authorization code for the provider's " + title + " user (`POST " + endpoint + "`): another " +
			"client exchanges it for tokens with the `authorization_code` grant, without ever seeing the password. " +
			"The code is stored in state (sensitive) and expires quickly; prefer the ephemeral resource of the same name on Terraform 1.10+, " +
			"which keeps it out of state.",
		Attributes: map[string]schema.Attribute{
			"id":   schema.StringAttribute{Computed: true, MarkdownDescription: "When the code was issued (RFC 3339)."},
			"code": schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "The authorization code. Usable once."},
			"expires_at": schema.StringAttribute{Computed: true, MarkdownDescription: fmt.Sprintf("When the code stops working (RFC 3339), from the "+
				"documented lifetime of %g seconds: an appliance configured otherwise may differ.", lifetime.Seconds())},
		},
	}
}

func (d *awsAuthorizationCodeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *awsAuthorizationCodeDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "veeam_aws_authorization_code was read before the provider was configured")
		return
	}
	c, diags := get(d.data.aws, "aws", "veeam_aws_authorization_code")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	issued := c.Now()
	code, err := c.AuthorizationCode(ctx)
	if err != nil {
		addCallError(&resp.Diagnostics, "aws", "Getting an authorization code failed", err)
		return
	}
	m := authorizationCodeModel{
		ID:        types.StringValue(issued.UTC().Format(time.RFC3339Nano)),
		Code:      types.StringValue(code),
		ExpiresAt: types.StringValue(issued.Add(client.AWSAuthorizationCodeLifetime).UTC().Format(time.RFC3339)),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
