package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// oneBlockModel is the provider's `one` block: Veeam ONE.
type oneBlockModel struct {
	connectionModel
	passwordLoginModel
}

func oneBlockSchema() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Veeam ONE REST API (`/api/token`, default port 1239). Logs in with the password grant; access tokens " +
			"last 15 minutes and are refreshed with the refresh_token grant; logout is `POST /api/revoke`.",
		Attributes: withPasswordLogin(connectionAttributes("one", client.ONEFlavor.DefaultPort, "Not used: Veeam ONE's token endpoints carry no version."),
			"one", "User name of a Veeam ONE user, as `DOMAIN\\USERNAME` or `USERNAME` (in HCL a backslash is written `\\\\`)."),
	}
}
