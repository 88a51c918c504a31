package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// azureBlockModel is the provider's `azure` block: Veeam Backup for Microsoft Azure.
type azureBlockModel struct {
	connectionModel
	totpLoginModel
	RefreshToken           types.String `tfsdk:"refresh_token"`
	ShortLivedRefreshToken types.Bool   `tfsdk:"short_lived_refresh_token"`
}

// azureBlockSpec is the schema of the azure block.
var azureBlockSpec = blockSpec{
	flavor:     client.AzureFlavor,
	versionDoc: "Version segment of the resource paths (`/api/<version>/...`), for example `v8.1` (the default).",
	userDoc:    "User name of a Veeam Backup for Microsoft Azure user (a PortalAdmin to manage other users), for the password login.",
	mfa: &mfaLogin{
		singleUse: []singleUseLogin{{"refresh_token", "Log in with a refresh token from an earlier login (`grant_type=Refresh_token`). " +
			"A refresh returns a new refresh token, so the one given here works once; it expires 14 days (15 minutes when short-lived) after it was issued."}},
		secretExample: "For example the `secret_key` of a `veeam_azure_user_mfa` managed elsewhere.",
	},
	own: map[string]ownAttribute{
		"short_lived_refresh_token": {flag: true, doc: "Ask for a short-lived refresh token (`short_lived_refresh_token=true`), which expires 15 minutes after it was " +
			"issued instead of 14 days: a leaked one is useless sooner. Default `false`."},
	},
	doc: "Veeam Backup for Microsoft Azure (`/api/oauth2/token`, default port 443). Logs in with `username` and " +
		"`password` (then the `Mfa` grant with a code computed from `totp_secret`, or `mfa_code`, when the user has MFA enabled) or " +
		"`refresh_token`. The 8.1 API's SAML and SSO-token grants need an identity provider's sign-on in a browser and are not offered.",
}
