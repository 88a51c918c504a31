package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The block attributes of the products whose password login has a TOTP step (Backup for AWS,
// Microsoft Azure, Google Cloud): username, password, totp_secret and mfa_code, and the
// single-use login values beside them. What differs is a value (loginAttributes).

// totpLoginModel is the password login with its TOTP step, embedded in the block models of
// azure and gcp.
type totpLoginModel struct {
	Username   types.String `tfsdk:"username"`
	Password   types.String `tfsdk:"password"`
	TOTPSecret types.String `tfsdk:"totp_secret"`
	MFACode    types.String `tfsdk:"mfa_code"`
}

// loginAttributes describes one product block's login attributes.
type loginAttributes struct {
	block string // "aws"
	// methods are the attributes that each log in on their own, password first, in the order
	// the validators compare them: a conflict is reported once, on the later attribute.
	methods []string
	// oneLogin is the sentence that lists them: "set exactly one way to log in: ...".
	oneLogin string
	userDoc  string // describes username
	// secretExample ends totp_secret's description: where such a secret comes from.
	secretExample string
}

// exclusiveLogin reports attr set in the block together with an earlier login method.
func (l loginAttributes) exclusiveLogin(attr string) validator.String {
	var earlier []string
	for _, a := range l.methods {
		if a == attr {
			break
		}
		earlier = append(earlier, a)
	}
	return exclusiveAttributes(earlier, fmt.Sprintf("Conflicting login methods in the %q block", l.block), "Remove one of them: "+l.oneLogin+".")
}

// singleUse ends the description of a single-use login value.
func (l loginAttributes) singleUse() string {
	return " Single use: the provider spends it on the first API call of a Terraform command (not at all when the command " +
		"needs no call), so each command needs a fresh value, for example from an ephemeral resource. `veeam_" + l.block + "_token` cannot " +
		"open a session of its own with it. Conflicts with the other ways to log in."
}

// add puts username, password, totp_secret and mfa_code in attrs.
func (l loginAttributes) add(attrs map[string]schema.Attribute) {
	others := l.methods[1:]
	quoted := make([]string, len(others))
	for i, o := range others {
		quoted[i] = "`" + o + "`"
	}
	attrs["username"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: l.userDoc + envNote(l.block, "username"),
	}
	attrs["password"] = schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: "Password of `username`. Conflicts with " + andList(quoted) + "." + envNote(l.block, "password"),
	}
	attrs["totp_secret"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "Base32 MFA secret of `username`, for a user with MFA enabled: the provider computes the current TOTP code " +
			"at login, so no human types one. " + l.secretExample + " Password login only; conflicts with `mfa_code`." + envNote(l.block, "totp_secret"),
		Validators: []validator.String{
			totpSecretIsBase32{},
			exclusiveAttributes(others, "MFA applies only to the password login",
				"`totp_secret` is the second step of a password login; the other login methods take no MFA code. Remove `totp_secret`, or log in with `username` and `password`."),
		},
	}
	attrs["mfa_code"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "A one-shot 6-digit TOTP code or an 8-digit recovery scratch code, used instead of `totp_secret`. A scratch code works once. " +
			"Password login only; conflicts with `totp_secret`." + envNote(l.block, "mfa_code"),
		Validators: []validator.String{
			exclusiveAttributes([]string{"totp_secret"}, "Conflicting MFA attributes",
				"`totp_secret` and `mfa_code` both give the MFA code of the password login: set `totp_secret` (the provider computes each code) or `mfa_code` (one code), not both."),
			exclusiveAttributes(others, "MFA applies only to the password login",
				"`mfa_code` is the second step of a password login; the other login methods take no MFA code. Remove `mfa_code`, or log in with `username` and `password`."),
		},
	}
}

// singleUseAttribute is a single-use login value attr, described by doc.
func (l loginAttributes) singleUseAttribute(attr, doc string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: doc + l.singleUse() + envNote(l.block, attr),
		Validators:          []validator.String{l.exclusiveLogin(attr)},
	}
}

// andList is "a, b and c".
func andList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
