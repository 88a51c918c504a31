package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// awsBlockModel is the provider's `aws` block: Veeam Backup for AWS.
type awsBlockModel struct {
	connectionModel
	Username   types.String `tfsdk:"username"`
	Password   types.String `tfsdk:"password"`
	TOTPSecret types.String `tfsdk:"totp_secret"`
	MFACode    types.String `tfsdk:"mfa_code"`
}

func awsBlockSchema() schema.SingleNestedBlock {
	attrs := connectionAttributes("aws", 11005, "Value of the `x-api-version` header, for example `1.7-rev0` (the default).")
	attrs["username"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "User name of a Veeam Backup for AWS user (a Portal Administrator to manage other users)." + envNote("aws", "username"),
	}
	attrs["password"] = schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: "Password of `username`." + envNote("aws", "password"),
	}
	attrs["totp_secret"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "Base32 MFA secret of `username`, for a user with MFA enabled: the provider computes the current TOTP code " +
			"at login, so no human types one. For example the `secret_key` of a `veeam_aws_user_mfa` managed elsewhere." + envNote("aws", "totp_secret"),
	}
	attrs["mfa_code"] = schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: "A one-shot 6-digit TOTP code or an 8-digit recovery scratch code, used instead of `totp_secret`. A scratch code works once." + envNote("aws", "mfa_code"),
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Veeam Backup for AWS (`/api/v1/token`). Logs in with the password grant, then the mfa grant when the user has MFA enabled.",
		Attributes:          attrs,
	}
}

func (m *awsBlockModel) resolve(r *resolver) (client.Config, error) {
	cfg, err := m.connectionModel.resolve(r)
	if err != nil {
		return cfg, err
	}
	cfg.Credentials = client.Credentials{
		Username:   r.str("username", m.Username).Value,
		Password:   r.str("password", m.Password).Value,
		TOTPSecret: r.str("totp_secret", m.TOTPSecret).Value,
		MFACode:    r.str("mfa_code", m.MFACode).Value,
	}
	return cfg, nil
}
