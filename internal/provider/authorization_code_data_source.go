package provider

import (
	"context"
	"fmt"
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

type authorizationCodeModel struct {
	ID        types.String `tfsdk:"id"`
	Code      types.String `tfsdk:"code"`
	ExpiresAt types.String `tfsdk:"expires_at"`
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
		MarkdownDescription: fmt.Sprintf("A single-use authorization code for the user of the provider's `%s` block (`%s`). %s "+
			"The code is stored in state (sensitive) and expires quickly; prefer the ephemeral resource of the same name on Terraform 1.10+, "+
			"which keeps it out of state.", string(d.product.id), d.product.authorizationCode.endpoint, d.product.authorizationCode.useSentence(string(d.product.id))),
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
	code, issued, ok := issueAuthorizationCode(ctx, d.data, d.product, &resp.Diagnostics)
	if !ok {
		return
	}
	m := authorizationCodeModel{
		ID:        types.StringValue(issued.UTC().Format(time.RFC3339Nano)),
		Code:      types.StringValue(code),
		ExpiresAt: d.product.authorizationCode.expiry(issued),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
