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
			"`password` (password grant) or with `client_id` and `client_secret` (client_credentials grant): set one pair, in the " +
			"block or the environment. Access tokens last 15 minutes and are refreshed with the refresh_token grant.",
		Attributes: attrs,
	}
}
