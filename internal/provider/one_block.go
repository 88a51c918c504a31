package provider

import "github.com/tfveeam/terraform-provider-veeam/internal/client"

// oneBlockSpec is the schema of the provider's `one` block: Veeam ONE. Its model is
// passwordBlockModel.
var oneBlockSpec = blockSpec{
	flavor:     client.ONEFlavor,
	versionDoc: "Not used: Veeam ONE's token endpoints carry no version.",
	userDoc:    "User name of a Veeam ONE user, as `DOMAIN\\USERNAME` or `USERNAME` (in HCL a backslash is written `\\\\`).",
	doc: "Veeam ONE REST API (`/api/token`, default port 1239). Logs in with the password grant; access tokens " +
		"last 15 minutes and are refreshed with the refresh_token grant; logout is `POST /api/revoke`.",
}
