package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// NewEMAPIDataSource is the data source veeam_em_api.
func NewEMAPIDataSource() datasource.DataSource {
	return dataSourceReading[emAPIModel](dataSourceOf[*client.EMClient](client.EM, "em_api"), emAPISchema)
}

type emAPIModel struct {
	SupportedVersions []types.String `tfsdk:"supported_versions"`
	Latest            types.String   `tfsdk:"latest"`
}

func emAPISchema() schema.Schema {
	return schema.Schema{
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

// read fills m with the versions the server offers.
func (m *emAPIModel) read(ctx context.Context, r dataSourceRead[*client.EMClient]) {
	info, err := r.client.APIInfo(ctx)
	if err != nil {
		r.diags.AddError("Reading the Enterprise Manager API versions failed", err.Error())
		return
	}
	m.Latest = types.StringValue(info.Latest)
	m.SupportedVersions = []types.String{}
	for _, v := range info.SupportedVersions {
		m.SupportedVersions = append(m.SupportedVersions, types.StringValue(v))
	}
}
