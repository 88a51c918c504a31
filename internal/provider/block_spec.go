package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// blockSpec is a product block's schema as a value: the connection attributes every block has
// (connection.go), the password login (with its TOTP step and the single-use login values
// beside it when mfa is set, mfa_login_attributes.go), the product's own attributes and the
// block's description. The blocks whose login is not one of these (vbr, vro, vao, em) write
// their schema by hand.
type blockSpec struct {
	flavor     *client.Flavor // the product and its default port
	versionDoc string         // describes api_version
	userDoc    string         // describes username
	// mfa makes the password login one with a TOTP step beside single-use login values;
	// nil: username and password only.
	mfa *mfaLogin
	// own are the product's own attributes, by name.
	own map[string]ownAttribute
	doc string // describes the block
}

// ownAttribute is one of a product's own block attributes; its description ends with the
// environment variable it is also read from.
type ownAttribute struct {
	doc        string
	flag       bool // a bool; otherwise a string
	sensitive  bool
	validators []validator.String
}

// passwordLoginModel is username and password, embedded beside connectionModel.
type passwordLoginModel struct {
	Username types.String `tfsdk:"username"`
	Password types.String `tfsdk:"password"`
}

// passwordBlockModel is the model of a block with only the connection settings and the
// password login (one, spc).
type passwordBlockModel struct {
	connectionModel
	passwordLoginModel
}

// totpLoginModel is the password login with its TOTP step (aws, azure, gcp).
type totpLoginModel struct {
	passwordLoginModel
	TOTPSecret types.String `tfsdk:"totp_secret"`
	MFACode    types.String `tfsdk:"mfa_code"`
}

// codeLoginModel is the login with an authorization code or a refresh token, and the flag that
// asks for short-term refresh tokens (vbr, gcp).
type codeLoginModel struct {
	AuthorizationCode   types.String `tfsdk:"authorization_code"`
	RefreshToken        types.String `tfsdk:"refresh_token"`
	UseShortTermRefresh types.Bool   `tfsdk:"use_short_term_refresh"`
}

// name is the block's name: "azure".
func (s blockSpec) name() string { return string(s.flavor.Product) }

// schema is the block.
func (s blockSpec) schema() schema.SingleNestedBlock {
	attrs := connectionAttributes(s.name(), s.flavor.DefaultPort, s.versionDoc)
	attrs["username"] = schema.StringAttribute{Optional: true, MarkdownDescription: s.userDoc + envNote(s.name(), "username")}
	attrs["password"] = schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: "Password of `username`." + envNote(s.name(), "password")}
	if s.mfa != nil {
		s.mfa.add(s.name(), attrs)
	}
	for name, a := range s.own {
		doc := a.doc + envNote(s.name(), name)
		if a.flag {
			attrs[name] = schema.BoolAttribute{Optional: true, MarkdownDescription: doc}
		} else {
			attrs[name] = schema.StringAttribute{Optional: true, Sensitive: a.sensitive, MarkdownDescription: doc, Validators: a.validators}
		}
	}
	return schema.SingleNestedBlock{MarkdownDescription: s.doc, Attributes: attrs}
}
