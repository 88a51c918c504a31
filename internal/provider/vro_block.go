package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// vroBlockModel is the provider's `vro` block: Veeam Recovery Orchestrator.
type vroBlockModel struct {
	connectionModel
	Username     types.String `tfsdk:"username"`
	Password     types.String `tfsdk:"password"`
	TOTPSecret   types.String `tfsdk:"totp_secret"`
	MFACode      types.String `tfsdk:"mfa_code"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
}

func vroBlockSchema() schema.SingleNestedBlock {
	attrs := connectionAttributes("vro", client.VROFlavor.DefaultPort,
		"Version segment of resource paths, for example `v7.21` (the default, served by Orchestrator 7.2.1 to 13.1) or `v13`.")
	attrs["username"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "User name of an account with the Orchestrator Administrator, Plan Author or Plan Operator role, " +
			"as `DOMAIN\\USERNAME` or `USERNAME` (in HCL a backslash is written `\\\\`)." + envNote("vro", "username"),
	}
	attrs["password"] = schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: "Password of `username`." + envNote("vro", "password"),
	}
	attrs["totp_secret"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "Base32 MFA secret of `username`, for a user with MFA enabled (Orchestrator 7.2.1 and later): the provider logs in with " +
			"the password, then computes the current TOTP code for the `mfa` grant, so no human types one. Password login only; conflicts " +
			"with `mfa_code`, `client_id` and `client_secret`." + envNote("vro", "totp_secret"),
		Validators: []validator.String{
			exclusiveAttributes([]string{"client_id", "client_secret"}, "MFA applies only to the password login",
				"`totp_secret` is the second step of a password login; a client account takes no MFA code. Remove `totp_secret`, or log in with `username` and `password`."),
		},
	}
	attrs["mfa_code"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "A one-shot 6-digit TOTP code for the `mfa` grant, used instead of `totp_secret`. Password login only; conflicts " +
			"with `totp_secret`." + envNote("vro", "mfa_code"),
		Validators: []validator.String{
			exclusiveAttributes([]string{"totp_secret"}, "Conflicting MFA attributes",
				"`totp_secret` and `mfa_code` both give the MFA code of the password login: set `totp_secret` (the provider computes each code) or `mfa_code` (one code), not both."),
			exclusiveAttributes([]string{"client_id", "client_secret"}, "MFA applies only to the password login",
				"`mfa_code` is the second step of a password login; a client account takes no MFA code. Remove `mfa_code`, or log in with `username` and `password`."),
		},
	}
	attrs["client_id"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Client ID of a dedicated client account (`client_credentials` grant), instead of `username` and `password`. " +
			"Recommended: the Orchestrator may end a user's session when the same user logs in elsewhere; a client account's " +
			"sessions are not affected." + envNote("vro", "client_id"),
		Validators: []validator.String{vroNotWithUser()},
	}
	attrs["client_secret"] = schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: "Client secret of `client_id`." + envNote("vro", "client_secret"),
		Validators:          []validator.String{vroNotWithUser()},
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Veeam Recovery Orchestrator REST API (`/api/token`, default port 9898). Logs in with `username` and " +
			"`password` (password grant, then the `mfa` grant with `totp_secret` or `mfa_code` for a user with MFA) or with `client_id` " +
			"and `client_secret` (client_credentials grant): set one pair, in the block or the environment. Access tokens last 15 minutes " +
			"and are refreshed with the refresh_token grant.",
		Attributes: attrs,
	}
}
