package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// awsBlockModel is the provider's `aws` block: Veeam Backup for AWS.
type awsBlockModel struct {
	connectionModel
	Username          types.String `tfsdk:"username"`
	Password          types.String `tfsdk:"password"`
	TOTPSecret        types.String `tfsdk:"totp_secret"`
	MFACode           types.String `tfsdk:"mfa_code"`
	AuthorizationCode types.String `tfsdk:"authorization_code"`
	RefreshToken      types.String `tfsdk:"refresh_token"`
	SAMLResponse      types.String `tfsdk:"saml_response"`
}

// awsBlockSpec is the schema of the aws block.
var awsBlockSpec = blockSpec{
	flavor: client.AWSFlavor,
	versionDoc: "Value of the `x-api-version` header, one of " + revisionList(client.AWS) + ". " +
		"Unset (recommended): the provider negotiates the newest revision both it and the server know, and logs its choice.",
	userDoc: "User name of a Veeam Backup for AWS user (a Portal Administrator to manage other users), for the password login.",
	mfa: &mfaLogin{
		singleUse: []singleUseLogin{
			{"authorization_code", "Log in with an authorization code another session issued (`grant_type=authorization_code`), for example " +
				"`ephemeral.veeam_aws_authorization_code.NAME.code` from a provider configuration with a password. It expires 60 seconds after it was issued."},
			{"refresh_token", "Log in with a refresh token from an earlier login (`grant_type=refresh_token`), for a pipeline that logged in " +
				"before Terraform. A refresh returns a new refresh token, so the one given here works once; it expires 2 hours after it was issued."},
			{"saml_response", "Log in as an identity-provider (SSO) user with the `SAMLResponse` the identity provider returned after sign-on " +
				"(`POST /api/v1/identityProvider/token`); `data.veeam_aws_sso_url` gives the sign-on URL."},
		},
		secretExample: "For example the `secret_key` of a `veeam_aws_user_mfa` managed elsewhere.",
	},
	doc: "Veeam Backup for AWS (`/api/v1/token`). Logs in with exactly one of: `username` and `password` (then the " +
		"`mfa` grant when the user has MFA enabled), `authorization_code`, `refresh_token` or `saml_response`. With a password the " +
		"provider logs in when Terraform configures it; with a single-use value only when a resource first needs the API; with " +
		"no credentials at all only calls that need no login work (`data.veeam_aws_sso_url`).",
}
