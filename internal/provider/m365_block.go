package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// m365BlockModel is the provider's `m365` block: Veeam Backup for Microsoft 365, whose
// assertion login is beside the password login.
type m365BlockModel struct {
	passwordBlockModel
	ClientID       types.String `tfsdk:"client_id"`
	Assertion      types.String `tfsdk:"assertion"`
	AssertionGrant types.String `tfsdk:"assertion_grant"`
}

// m365BlockSpec is the schema of the m365 block.
var m365BlockSpec = blockSpec{
	flavor:     client.M365Flavor,
	versionDoc: "Version segment of request paths, default `" + client.M365DefaultVersion + "` (Backup for Microsoft 365 8).",
	userDoc:    "User name of a Veeam Backup for Microsoft 365 administrator, for example `DOMAIN\\\\administrator` in HCL.",
	own: map[string]ownAttribute{
		"client_id": {doc: "Instead of `username` and `password`: for the `operator` grant, the restore operator's `userId.tenantId`; " +
			"for the `jwt-bearer` grant, the application ID. Goes with `assertion`."},
		"assertion": {sensitive: true, doc: "The assertion from the Microsoft identity platform that logs `client_id` in (it expires on Microsoft's schedule: " +
			"supply a fresh one for each run)."},
		"assertion_grant": {doc: "The grant `assertion` is for: `operator` (a restore operator of Restore Portal; the default) or `jwt-bearer` " +
			"(`urn:ietf:params:oauth:grant-type:jwt-bearer`, an application).", validators: []validator.String{stringvalidator.OneOf(client.M365AssertionGrants...)}},
	},
	doc: "Veeam Backup for Microsoft 365 REST API (`/v8/token`, default port 4443). Logs in with `username` and " +
		"`password` (password grant) or with `client_id` and `assertion` (operator or jwt-bearer grant): set one, in the block " +
		"or the environment. Access tokens last 60 minutes and are refreshed with the refresh_token grant; logout is " +
		"`POST /v8/token/logout`.",
}
