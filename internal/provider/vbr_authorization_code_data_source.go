package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var _ datasource.DataSourceWithConfigure = &vbrAuthorizationCodeDataSource{}

// NewVBRAuthorizationCodeDataSource is the data source veeam_vbr_authorization_code.
func NewVBRAuthorizationCodeDataSource() datasource.DataSource {
	return &vbrAuthorizationCodeDataSource{}
}

type vbrAuthorizationCodeDataSource struct{ data *providerData }

func (d *vbrAuthorizationCodeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_vbr_authorization_code"
}

func (d *vbrAuthorizationCodeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = authorizationCodeDataSourceSchema("Veeam Backup & Replication", "/api/oauth2/authorization_code", client.VBRAuthorizationCodeLifetime)
}

func (d *vbrAuthorizationCodeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *vbrAuthorizationCodeDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "veeam_vbr_authorization_code was read before the provider was configured")
		return
	}
	c, diags := get(d.data.vbr, "vbr", "veeam_vbr_authorization_code")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	issued := c.Now()
	code, err := c.AuthorizationCode(ctx)
	if err != nil {
		addCallError(&resp.Diagnostics, "vbr", "Getting an authorization code failed", err)
		return
	}
	m := authorizationCodeModel{
		ID:        types.StringValue(issued.UTC().Format(time.RFC3339Nano)),
		Code:      types.StringValue(code),
		ExpiresAt: types.StringValue(issued.Add(client.VBRAuthorizationCodeLifetime).UTC().Format(time.RFC3339)),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
