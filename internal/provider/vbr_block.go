package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var (
	_ productBlock   = &vbrBlockModel{}
	_ lazyLoginBlock = &vbrBlockModel{}
)

// vbrBlockModel is the provider's `vbr` block: Veeam Backup & Replication.
type vbrBlockModel struct {
	connectionModel
	Username            types.String `tfsdk:"username"`
	Password            types.String `tfsdk:"password"`
	AuthorizationCode   types.String `tfsdk:"authorization_code"`
	RefreshToken        types.String `tfsdk:"refresh_token"`
	UseShortTermRefresh types.Bool   `tfsdk:"use_short_term_refresh"`
}

// vbrCredentialAttributes are the ways to log in; exactly one is used.
var vbrCredentialAttributes = []string{"password", "authorization_code", "refresh_token"}

// vbrConflicts is the schema validator that allows at most one credential attribute in the
// block. "At least one" cannot be a schema validator: the value may come from the environment.
func vbrConflicts(self string) validator.String {
	var others []path.Expression
	for _, a := range vbrCredentialAttributes {
		if a != self {
			others = append(others, path.MatchRelative().AtParent().AtName(a))
		}
	}
	return stringvalidator.ConflictsWith(others...)
}

func vbrBlockSchema() schema.SingleNestedBlock {
	attrs := connectionAttributes("vbr", 9419, "Value of the `x-api-version` header: one of `1.0-rev1` … `1.3-rev1`; default `"+client.VBRDefaultVersion+"`.")
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
			"again once its refresh token is gone." + envNote("vbr", "authorization_code"),
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

// loginLazily defers the login of a single-use credential (authorization_code, refresh_token)
// to the first call that needs it, so a command that calls nothing does not spend it.
func (m *vbrBlockModel) loginLazily(cfg client.Config) bool {
	c := cfg.Credentials
	return c.AuthorizationCode != "" || (c.RefreshToken != "" && c.Password == "")
}

func (m *vbrBlockModel) resolve(r *resolver) (client.Config, error) {
	cfg, err := m.connectionModel.resolve(r)
	if err != nil {
		return cfg, err
	}
	before := len(r.unknown)
	user := r.str("username", m.Username)
	creds := map[string]setting{
		"password":           r.str("password", m.Password),
		"authorization_code": r.str("authorization_code", m.AuthorizationCode),
		"refresh_token":      r.str("refresh_token", m.RefreshToken),
	}
	short, err := r.boolean("use_short_term_refresh", m.UseShortTermRefresh)
	if err != nil {
		return cfg, &client.ConfigError{Attribute: "use_short_term_refresh", Message: err.Error()}
	}
	cfg.Credentials = client.Credentials{
		Username:            user.Value,
		Password:            creds["password"].Value,
		AuthorizationCode:   creds["authorization_code"].Value,
		RefreshToken:        creds["refresh_token"].Value,
		UseShortTermRefresh: short,
	}
	if len(r.unknown) > before {
		return cfg, nil // checked again at apply, when every value is known
	}
	// A credential set in the block wins over credentials from the environment: a
	// VEEAM_VBR_PASSWORD exported for other configurations does not clash with an
	// authorization_code written here.
	inBlock := map[string]bool{
		"password":           !m.Password.IsNull() && m.Password.ValueString() != "",
		"authorization_code": !m.AuthorizationCode.IsNull() && m.AuthorizationCode.ValueString() != "",
		"refresh_token":      !m.RefreshToken.IsNull() && m.RefreshToken.ValueString() != "",
	}
	anyInBlock := inBlock["password"] || inBlock["authorization_code"] || inBlock["refresh_token"]
	var set []string
	for _, a := range vbrCredentialAttributes {
		if anyInBlock && !inBlock[a] {
			creds[a] = setting{}
		}
		if creds[a].Value != "" {
			set = append(set, a)
		}
	}
	cfg.Credentials.Password = creds["password"].Value
	cfg.Credentials.AuthorizationCode = creds["authorization_code"].Value
	cfg.Credentials.RefreshToken = creds["refresh_token"].Value
	switch {
	case len(set) == 0:
		return cfg, &client.ConfigError{Attribute: "password", Message: fmt.Sprintf(
			"no credentials: set username and password (or authorization_code, or refresh_token) in the \"vbr\" block, or %s and %s",
			envName("vbr", "username"), envName("vbr", "password"))}
	case len(set) > 1:
		var from []string
		for _, a := range set {
			from = append(from, creds[a].Source)
		}
		return cfg, &client.ConfigError{Attribute: set[1], Message: fmt.Sprintf(
			"conflicts with %s: set exactly one of password, authorization_code and refresh_token (found %s)",
			set[0], strings.Join(from, ", "))}
	case set[0] == "password" && user.Value == "":
		return cfg, &client.ConfigError{Attribute: "username", Message: fmt.Sprintf(
			"not set: password (%s) needs username: set username in the \"vbr\" block or %s", creds["password"].Source, envName("vbr", "username"))}
	}
	return cfg, nil
}
