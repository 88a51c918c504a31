package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// vaoBlockModel is the provider's `vao` block: Veeam Availability Orchestrator.
type vaoBlockModel struct {
	connectionModel
	Username     types.String `tfsdk:"username"`
	Password     types.String `tfsdk:"password"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
}

func vaoBlockSchema() schema.SingleNestedBlock {
	attrs := connectionAttributes("vao", client.VAOFlavor.DefaultPort, "Not used: the Availability Orchestrator's token endpoints carry no version.")
	attrs["username"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "User name of an account with the VAO Administrator or Plan Author role, in the `DOMAIN\\USERNAME` " +
			"format the Availability Orchestrator requires, for example `\"VEEAM\\\\administrator\"` in HCL." + envNote("vao", "username"),
		Validators: []validator.String{
			stringvalidator.RegexMatches(client.VAOUsernamePattern,
				`must be in the DOMAIN\USERNAME format the Availability Orchestrator requires: the domain, a backslash and the user name, for example "VEEAM\\administrator" in HCL (a backslash is written \\)`),
		},
	}
	attrs["password"] = schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: "Password of `username`." + envNote("vao", "password"),
	}
	attrs["client_id"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Client ID of a client account (`client_credentials` grant, Availability Orchestrator 3.0; created with " +
			"`POST api/v3/Clients`), instead of `username` and `password`." + envNote("vao", "client_id"),
		Validators: []validator.String{vroNotWithUser()},
	}
	attrs["client_secret"] = schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: "Client secret of `client_id`." + envNote("vao", "client_secret"),
		Validators:          []validator.String{vroNotWithUser()},
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Veeam Availability Orchestrator REST API, the Recovery Orchestrator's older name (`/token`; " +
			"the documents name no default port, 9899 is assumed). Logs in with `username` and `password` (password grant) or with " +
			"`client_id` and `client_secret` of a client account (client_credentials grant); access tokens last " +
			"15 minutes and are refreshed with the refresh_token grant; logout is `DELETE /api/token`.",
		Attributes: attrs,
	}
}
