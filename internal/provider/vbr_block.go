package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// vbrBlockModel is the provider's `vbr` block: Veeam Backup & Replication.
type vbrBlockModel struct {
	connectionModel
	Username types.String `tfsdk:"username"`
	Password types.String `tfsdk:"password"`
	codeLoginModel
}

// vbrCredentialAttributes are the ways to log in; exactly one is used.
var vbrCredentialAttributes = []string{"password", "authorization_code", "refresh_token"}

func vbrBlockSchema() schema.SingleNestedBlock {
	attrs := connectionAttributes("vbr", 9419, "Value of the `x-api-version` header, one of "+revisionList(client.VBR)+". "+
		"Unset (recommended): the provider negotiates the newest revision both it and the server know, and logs its choice. "+
		"Set it only to pin a revision; the security resources need `"+client.VBRSecurityRevision+"` or later.")
	attrs["username"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "User name for the password grant, e.g. `administrator` or `DOMAIN\\user` (a Veeam Backup Administrator to manage security settings)." + envNote("vbr", "username"),
	}
	attrs["password"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "Password of `username`. Exactly one of `password`, `authorization_code` and `refresh_token` must be set " +
			"(in the block or the environment); `password` needs `username`." + envNote("vbr", "password"),
		Validators: []validator.String{
			// No AlsoRequires(username): username may come from VEEAM_VBR_USERNAME; resolve checks it.
			vbrConflicts("password"),
		},
	}
	attrs["authorization_code"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "A single-use authorization code (for example from `veeam_vbr_authorization_code` in another configuration) " +
			"to log in with instead of a password. It expires 60 seconds after it was issued, and the session it opens cannot log in " +
			"again once its refresh token is gone. Backup & Replication 12.3 and older: version 13 removed authorization codes." + envNote("vbr", "authorization_code"),
		Validators: []validator.String{vbrConflicts("authorization_code")},
	}
	attrs["refresh_token"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "A refresh token to start the session from instead of a password. Refresh tokens are single use: " +
			"this one stops working as soon as the provider logs in with it." + envNote("vbr", "refresh_token"),
		Validators: []validator.String{vbrConflicts("refresh_token")},
	}
	attrs["use_short_term_refresh"] = schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Ask for a short-term refresh token, which lives only 15 minutes longer than the access token " +
			"(instead of 14 days): a leaked one is useless sooner; a long `terraform apply` logs in again instead of refreshing. Default `false`." +
			envNote("vbr", "use_short_term_refresh"),
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Veeam Backup & Replication REST API (`/api/oauth2/token`, default port 9419). Logs in with the " +
			"password, authorization_code or refresh_token grant; refresh tokens are single use and rotated on every refresh.",
		Attributes: attrs,
	}
}
