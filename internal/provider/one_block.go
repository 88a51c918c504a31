package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// oneBlockModel is the provider's `one` block: Veeam ONE.
type oneBlockModel struct {
	connectionModel
	Username types.String `tfsdk:"username"`
	Password types.String `tfsdk:"password"`
}

func oneBlockSchema() schema.SingleNestedBlock {
	attrs := connectionAttributes("one", client.ONEFlavor.DefaultPort, "Not used: Veeam ONE's token endpoints carry no version.")
	attrs["username"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "User name of a Veeam ONE user, as `DOMAIN\\USERNAME` or `USERNAME` (in HCL a backslash is written `\\\\`)." +
			envNote("one", "username"),
	}
	attrs["password"] = schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: "Password of `username`." + envNote("one", "password"),
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Veeam ONE REST API (`/api/token`, default port 1239). Logs in with the password grant; access tokens " +
			"last 15 minutes and are refreshed with the refresh_token grant; logout is `POST /api/revoke`.",
		Attributes: attrs,
	}
}
