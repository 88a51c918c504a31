package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var _ datasource.DataSourceWithConfigure = &emAPIDataSource{}

// NewEMAPIDataSource is the data source veeam_em_api.
func NewEMAPIDataSource() datasource.DataSource {
	return &emAPIDataSource{dataSourceOf[*client.EMClient](client.EM, "em_api")}
}

type emAPIDataSource struct {
	productDataSource[*client.EMClient]
}

type emAPIModel struct {
	SupportedVersions []types.String `tfsdk:"supported_versions"`
	Latest            types.String   `tfsdk:"latest"`
}

func (d *emAPIDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The REST API versions a Veeam Backup Enterprise Manager server offers (`GET /api/`). Reading it needs no " +
			"logon, so it works with an `em` block that has only `host` (and TLS settings): use it to check a server, or to choose " +
			"`api_version`, before any credentials exist.",
		Attributes: map[string]schema.Attribute{
			"supported_versions": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The versions the server lists, in its order, e.g. `[\"v1_5\", \"v1_6\", \"v1_7\"]`.",
			},
			"latest": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The newest of them by version number, e.g. `v1_7`: what `api_version = \"latest\"` gets.",
			},
		},
	}
}

func (d *emAPIDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	c, ok := d.client(&resp.Diagnostics)
	if !ok {
		return
	}
	info, err := c.APIInfo(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Reading the Enterprise Manager API versions failed", err.Error())
		return
	}
	m := emAPIModel{Latest: types.StringValue(info.Latest), SupportedVersions: []types.String{}}
	for _, v := range info.SupportedVersions {
		m.SupportedVersions = append(m.SupportedVersions, types.StringValue(v))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
