package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// authorizationCodeDataSource is the one implementation behind veeam_aws_authorization_code and
// the other products' authorization code data sources (authorization_code.go): the same spec as
// the ephemeral resources of the same names, but the code lands in state.
type authorizationCodeDataSource struct {
	productDataSource[codeIssuer]
	spec *authorizationCodeSpec
}

var _ datasource.DataSourceWithConfigure = &authorizationCodeDataSource{}

// authorizationCodeDataModel is the code, and when it was issued as the data source's id.
type authorizationCodeDataModel struct {
	ID types.String `tfsdk:"id"`
	authorizationCodeModel
}

func (d *authorizationCodeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: d.spec.description(d.product, ". ", " The code is stored in state (sensitive) and expires quickly; "+
			"prefer the ephemeral resource of the same name on Terraform 1.10+, which keeps it out of state."),
		Attributes: map[string]schema.Attribute{
			"id":         schema.StringAttribute{Computed: true, MarkdownDescription: "When the code was issued (RFC 3339)."},
			"code":       schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: codeDescription},
			"expires_at": schema.StringAttribute{Computed: true, MarkdownDescription: d.spec.expiresDescription()},
		},
	}
}

func (d *authorizationCodeDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if code, issued, ok := d.spec.issue(ctx, &d.productAPI, &resp.Diagnostics); ok {
		m := authorizationCodeDataModel{ID: types.StringValue(issued.UTC().Format(time.RFC3339Nano)), authorizationCodeModel: code}
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}
