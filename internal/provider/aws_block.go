package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var _ lazyLoginBlock = &awsBlockModel{}

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
	attrs := connectionAttributes("aws", 11005, "Value of the `x-api-version` header, for example `1.7-rev0` (the default).")
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

func (m *awsBlockModel) resolve(r *resolver) (client.Config, error) {
	cfg, err := m.connectionModel.resolve(r)
	if err != nil {
		return cfg, err
	}
	username := r.str("username", m.Username)
	methods := []setting{
		r.str("password", m.Password),
		r.str("authorization_code", m.AuthorizationCode),
		r.str("refresh_token", m.RefreshToken),
		r.str("saml_response", m.SAMLResponse),
	}
	totp, mfa := r.str("totp_secret", m.TOTPSecret), r.str("mfa_code", m.MFACode)

	// A login method written in the block wins, like every attribute: the environment's
	// credentials for other methods (and its username, totp_secret and mfa_code when the block's
	// method is not the password) are then ignored, so VEEAM_AWS_* can serve as defaults for
	// one provider configuration while another logs in differently.
	inBlock := func(st setting) bool { return strings.HasSuffix(st.Source, `in the "aws" block`) }
	blockMethod := -1
	for i, st := range methods {
		if st.Value != "" && inBlock(st) {
			blockMethod = i
			break
		}
	}
	if blockMethod >= 0 {
		for i := range methods {
			if methods[i].Value != "" && !inBlock(methods[i]) {
				methods[i] = setting{}
			}
		}
		if blockMethod > 0 {
			for _, st := range []*setting{&username, &totp, &mfa} {
				if st.Value != "" && !inBlock(*st) {
					*st = setting{}
				}
			}
		}
	}

	// The schema's validators catch conflicts written in the block at plan time; conflicts
	// among environment variables can only be seen here.
	var set []int
	for i, s := range methods {
		if s.Value != "" {
			set = append(set, i)
		}
	}
	if len(set) > 1 {
		first, second := set[0], set[1]
		return cfg, &client.ConfigError{Attribute: awsLoginMethods[second], Message: fmt.Sprintf(
			"set by %s, conflicts with %s (set by %s): they are two ways to log in. Keep exactly one of password (with username), "+
				"authorization_code, refresh_token or saml_response, in the block or the environment",
			methods[second].Source, awsLoginMethods[first], methods[first].Source)}
	}
	if totp.Value != "" && mfa.Value != "" {
		return cfg, &client.ConfigError{Attribute: "mfa_code", Message: fmt.Sprintf(
			"set by %s, conflicts with totp_secret (set by %s): set totp_secret (the provider computes each code) or mfa_code (one code), not both", mfa.Source, totp.Source)}
	}
	if len(set) == 1 && set[0] > 0 {
		for _, s := range []struct {
			attr string
			setting
		}{{"totp_secret", totp}, {"mfa_code", mfa}} {
			if s.Value != "" {
				return cfg, &client.ConfigError{Attribute: s.attr, Message: fmt.Sprintf(
					"set by %s, applies only to the password login, but the block logs in with %s: remove %s", s.Source, awsLoginMethods[set[0]], s.attr)}
			}
		}
	}
	cfg.Credentials = client.Credentials{
		Username:          username.Value,
		Password:          methods[0].Value,
		AuthorizationCode: methods[1].Value,
		RefreshToken:      methods[2].Value,
		SAMLResponse:      methods[3].Value,
		TOTPSecret:        totp.Value,
		MFACode:           mfa.Value,
	}
	return cfg, nil
}

// loginLazily tells Configure not to log in up front when the block has no credentials at
// all (only unauthenticated calls such as veeam_aws_sso_url can work; anything else reports
// the missing credentials when it needs them) or only a single-use one, which an eager login
// would spend in every Terraform command, even one that calls nothing.
func (m *awsBlockModel) loginLazily(cfg client.Config) bool {
	c := cfg.Credentials
	if c.AuthorizationCode != "" || c.RefreshToken != "" || c.SAMLResponse != "" {
		return true
	}
	return c.Username == "" && c.Password == "" && c.TOTPSecret == "" && c.MFACode == ""
}

// awsExclusiveLogin reports a login method set in the block together with an earlier one.
func awsExclusiveLogin(attr string) validator.String {
	var earlier []string
	for _, a := range awsLoginMethods {
		if a == attr {
			break
		}
		earlier = append(earlier, a)
	}
	return awsExclusive(earlier, "Conflicting login methods in the \"aws\" block", "Remove one of them: "+awsOneLoginMethod+".")
}

// awsExclusive is a validator that fails when the attribute and any of others (siblings in
// the same block) are both set to known, non-empty values. Unknown values are checked again
// when the provider is configured.
func awsExclusive(others []string, summary, detail string) validator.String {
	return exclusiveValidator{others: others, summary: summary, detail: detail}
}

type exclusiveValidator struct {
	others          []string
	summary, detail string
}

func (v exclusiveValidator) Description(_ context.Context) string {
	return "conflicts with " + strings.Join(v.others, ", ")
}

func (v exclusiveValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v exclusiveValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !isSet(req.ConfigValue) {
		return
	}
	for _, o := range v.others {
		var other types.String
		if d := req.Config.GetAttribute(ctx, req.Path.ParentPath().AtName(o), &other); d.HasError() || !isSet(other) {
			continue
		}
		resp.Diagnostics.AddAttributeError(req.Path, v.summary,
			fmt.Sprintf("%s and %s are both set. %s", req.Path, req.Path.ParentPath().AtName(o), v.detail))
		return
	}
}

func isSet(v types.String) bool { return !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" }
