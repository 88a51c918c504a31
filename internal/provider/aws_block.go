package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

// awsLoginMethods are the attributes that each log in on their own, in the order the
// validators compare them: a conflict is reported once, on the later attribute.
var awsLoginMethods = []string{"password", "authorization_code", "refresh_token", "saml_response"}

const awsOneLoginMethod = "set exactly one way to log in: `password` (with `username`), `authorization_code`, `refresh_token` or `saml_response`"

func awsBlockSchema() schema.SingleNestedBlock {
	attrs := connectionAttributes("aws", 11005, "Value of the `x-api-version` header, one of "+revisionList(client.AWS)+". "+
		"Unset (recommended): the provider negotiates the newest revision both it and the server know, and logs its choice.")
	singleUse := " Single use: the provider spends it on the first API call of a Terraform command (not at all when the command " +
		"needs no call), so each command needs a fresh value, for example from an ephemeral resource. `veeam_aws_token` cannot " +
		"open a session of its own with it. Conflicts with the other ways to log in."
	attrs["username"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "User name of a Veeam Backup for AWS user (a Portal Administrator to manage other users), for the password login." + envNote("aws", "username"),
	}
	attrs["password"] = schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: "Password of `username`. Conflicts with `authorization_code`, `refresh_token` and `saml_response`." + envNote("aws", "password"),
	}
	attrs["totp_secret"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "Base32 MFA secret of `username`, for a user with MFA enabled: the provider computes the current TOTP code " +
			"at login, so no human types one. For example the `secret_key` of a `veeam_aws_user_mfa` managed elsewhere. " +
			"Password login only; conflicts with `mfa_code`." + envNote("aws", "totp_secret"),
		Validators: []validator.String{
			totpSecretIsBase32{},
			awsExclusive(awsLoginMethods[1:], "MFA applies only to the password login",
				"`totp_secret` is the second step of a password login; the other login methods take no MFA code. Remove `totp_secret`, or log in with `username` and `password`."),
		},
	}
	attrs["mfa_code"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "A one-shot 6-digit TOTP code or an 8-digit recovery scratch code, used instead of `totp_secret`. A scratch code works once. " +
			"Password login only; conflicts with `totp_secret`." + envNote("aws", "mfa_code"),
		Validators: []validator.String{
			awsExclusive([]string{"totp_secret"}, "Conflicting MFA attributes",
				"`totp_secret` and `mfa_code` both give the MFA code of the password login: set `totp_secret` (the provider computes each code) or `mfa_code` (one code), not both."),
			awsExclusive(awsLoginMethods[1:], "MFA applies only to the password login",
				"`mfa_code` is the second step of a password login; the other login methods take no MFA code. Remove `mfa_code`, or log in with `username` and `password`."),
		},
	}
	attrs["authorization_code"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "Log in with an authorization code another session issued (`grant_type=authorization_code`), for example " +
			"`ephemeral.veeam_aws_authorization_code.NAME.code` from a provider configuration with a password. It expires 60 seconds after it was issued." +
			singleUse + envNote("aws", "authorization_code"),
		Validators: []validator.String{awsExclusiveLogin("authorization_code")},
	}
	attrs["refresh_token"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "Log in with a refresh token from an earlier login (`grant_type=refresh_token`), for a pipeline that logged in " +
			"before Terraform. A refresh returns a new refresh token, so the one given here works once; it expires 2 hours after it was issued." +
			singleUse + envNote("aws", "refresh_token"),
		Validators: []validator.String{awsExclusiveLogin("refresh_token")},
	}
	attrs["saml_response"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "Log in as an identity-provider (SSO) user with the `SAMLResponse` the identity provider returned after sign-on " +
			"(`POST /api/v1/identityProvider/token`); `data.veeam_aws_sso_url` gives the sign-on URL." +
			singleUse + envNote("aws", "saml_response"),
		Validators: []validator.String{awsExclusiveLogin("saml_response")},
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Veeam Backup for AWS (`/api/v1/token`). Logs in with exactly one of: `username` and `password` (then the " +
			"`mfa` grant when the user has MFA enabled), `authorization_code`, `refresh_token` or `saml_response`. With a password the " +
			"provider logs in when Terraform configures it; with a single-use value only when a resource first needs the API; with " +
			"no credentials at all only calls that need no login work (`data.veeam_aws_sso_url`).",
		Attributes: attrs,
	}
}
