package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// authorizationCodeDataSource is the one implementation behind veeam_aws_authorization_code and
// veeam_vbr_authorization_code (data sources): the same spec as the ephemeral resources of the
// same names, but the code lands in state.
type authorizationCodeDataSource struct {
	product *product
	data    *providerData
}

var _ datasource.DataSourceWithConfigure = &authorizationCodeDataSource{}

// authorizationCodeDataModel is the code, and when it was issued as the data source's id.
type authorizationCodeDataModel struct {
	ID types.String `tfsdk:"id"`
	authorizationCodeModel
}

// newAuthorizationCodeDataSource is the authorization code data source of p.
func newAuthorizationCodeDataSource(p *product) func() datasource.DataSource {
	return func() datasource.DataSource { return &authorizationCodeDataSource{product: p} }
}

func (d *authorizationCodeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + string(d.product.id) + "_authorization_code"
}

func (d *authorizationCodeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: d.product.authorizationCode.summary(d.product) + ". " + d.product.authorizationCode.useSentence(string(d.product.id)) + " " +
			"The code is stored in state (sensitive) and expires quickly; prefer the ephemeral resource of the same name on Terraform 1.10+, " +
			"which keeps it out of state." + d.product.authorizationCode.availability(),
		Attributes: map[string]schema.Attribute{
			"id":         schema.StringAttribute{Computed: true, MarkdownDescription: "When the code was issued (RFC 3339)."},
			"code":       schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: codeDescription},
			"expires_at": schema.StringAttribute{Computed: true, MarkdownDescription: d.product.authorizationCode.expiresDescription()},
		},
	}
}

func (d *authorizationCodeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *authorizationCodeDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if code, issued, ok := issueAuthorizationCode(ctx, d.data, d.product, &resp.Diagnostics); ok {
		m := authorizationCodeDataModel{ID: types.StringValue(issued.UTC().Format(time.RFC3339Nano)), authorizationCodeModel: code}
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}
