package provider

import "github.com/tfveeam/terraform-provider-veeam/internal/client"

// spcBlockSpec is the schema of the provider's `spc` block: Veeam Service Provider Console. Its
// model is passwordBlockModel.
var spcBlockSpec = blockSpec{
	flavor: client.SPCFlavor,
	versionDoc: "REST API version sent as `X-Client-Version` on every request, so that the server answers only enum values of that version; default `" +
		client.SPCDefaultVersion + "`.",
	userDoc: "User name of a Service Provider Console user with access to the REST API, for example `vspc\\\\administrator` in HCL.",
	doc: "Veeam Service Provider Console REST API v3 (`/api/v3/token`, default port 1280). Logs in with the password " +
		"grant; access tokens last 1 hour and are refreshed with the refresh_token grant. The API logs out by revoking every " +
		"token of the user (`DELETE /api/v3/users/{userId}/tokens`), so the provider logs in only when something needs it.",
}
