package provider

import "github.com/tfveeam/terraform-provider-veeam/internal/client"

// gcpBlockModel is the provider's `gcp` block: Veeam Backup for Google Cloud.
type gcpBlockModel struct {
	connectionModel
	totpLoginModel
	codeLoginModel
}

// gcpBlockSpec is the schema of the gcp block.
var gcpBlockSpec = blockSpec{
	flavor:     client.GCPFlavor,
	versionDoc: "Value of the `x-api-version` header, for example `1.4-rev0` (the default).",
	userDoc:    "User name of a Veeam Backup for Google Cloud user, for the password login.",
	mfa: &mfaLogin{
		singleUse: []singleUseLogin{
			{"authorization_code", "Log in with an authorization code (`grant_type=authorization_code`)."},
			{"refresh_token", "Log in with a refresh token from an earlier login (`grant_type=refresh_token`). " +
				"A refresh returns a new refresh token, so the one given here works once; it expires 2 weeks (60 minutes when short-term) after it was issued."},
		},
		secretExample: "Backup for Google Cloud publishes no API to enroll MFA, so the secret is the one the user enrolled in the " +
			"appliance's web console.",
	},
	own: map[string]ownAttribute{
		"use_short_term_refresh": {flag: true, doc: "Ask for a short-term refresh token (`use_short_term_refresh=true`), which expires 60 minutes after it was " +
			"issued instead of 2 weeks. Default `false`."},
	},
	doc: "Veeam Backup for Google Cloud (`/api/v1/token`, default port 13140). Logs in with `username` and " +
		"`password` (then the `mfa` grant, whose first step the appliance answers with 202, with a code computed from " +
		"`totp_secret`, or `mfa_code`), `authorization_code` or `refresh_token`. Per-user MFA enrollment is not in the published " +
		"API, so the provider has no `veeam_gcp_user_mfa`.",
}
