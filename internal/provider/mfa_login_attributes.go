package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The block attributes of the products whose password login has a TOTP step (Backup for AWS,
// Microsoft Azure, Google Cloud): totp_secret and mfa_code, and the single-use login values
// beside the password. What differs is a value (mfaLogin, in the product's blockSpec).

// mfaLogin is a password login with a TOTP step (totp_secret or mfa_code), beside login
// methods that each take a single-use value.
type mfaLogin struct {
	// singleUse are the other login methods, in the order the validators compare them after
	// password: a conflict is reported once, on the later attribute.
	singleUse []singleUseLogin
	// secretExample ends totp_secret's description: where such a secret comes from.
	secretExample string
}

// singleUseLogin is a login method with a single-use value: its attribute and what it is.
type singleUseLogin struct{ attr, doc string }

// methods are the attributes that each log in on their own, password first.
func (l *mfaLogin) methods() []string {
	out := []string{"password"}
	for _, m := range l.singleUse {
		out = append(out, m.attr)
	}
	return out
}

// exclusiveLogin reports attr set in the block together with an earlier login method.
func (l *mfaLogin) exclusiveLogin(block, attr string) validator.String {
	methods := l.methods()
	quoted := make([]string, len(methods))
	for i, m := range methods {
		quoted[i] = "`" + m + "`"
	}
	quoted[0] += " (with `username`)"
	return exclusiveAttributes(methods[:slices.Index(methods, attr)], fmt.Sprintf("Conflicting login methods in the %q block", block),
		"Remove one of them: set exactly one way to log in: "+joinList(quoted, "or")+".")
}

// add puts the password login with its TOTP step, and the single-use login values, in the
// attributes of block.
func (l *mfaLogin) add(block string, attrs map[string]schema.Attribute) {
	others := l.methods()[1:]
	quoted := make([]string, len(others))
	for i, o := range others {
		quoted[i] = "`" + o + "`"
	}
	attrs["password"] = schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: "Password of `username`. Conflicts with " + joinList(quoted, "and") + "." + envNote(block, "password"),
	}
	attrs["totp_secret"] = schema.StringAttribute{
		Optional:  true,
		Sensitive: true,
		MarkdownDescription: "Base32 MFA secret of `username`, for a user with MFA enabled: the provider computes the current TOTP code " +
			"at login, so no human types one. " + l.secretExample + " Password login only; conflicts with `mfa_code`." + envNote(block, "totp_secret"),
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
			"Password login only; conflicts with `totp_secret`." + envNote(block, "mfa_code"),
		Validators: []validator.String{
			exclusiveAttributes([]string{"totp_secret"}, "Conflicting MFA attributes",
				"`totp_secret` and `mfa_code` both give the MFA code of the password login: set `totp_secret` (the provider computes each code) or `mfa_code` (one code), not both."),
			exclusiveAttributes(others, "MFA applies only to the password login",
				"`mfa_code` is the second step of a password login; the other login methods take no MFA code. Remove `mfa_code`, or log in with `username` and `password`."),
		},
	}
	for _, m := range l.singleUse {
		attrs[m.attr] = schema.StringAttribute{
			Optional:  true,
			Sensitive: true,
			MarkdownDescription: m.doc + " Single use: the provider spends it on the first API call of a Terraform command (not at all when the command " +
				"needs no call), so each command needs a fresh value, for example from an ephemeral resource. `veeam_" + block + "_token` cannot " +
				"open a session of its own with it. Conflicts with the other ways to log in." + envNote(block, m.attr),
			Validators: []validator.String{l.exclusiveLogin(block, m.attr)},
		}
	}
}

// joinList is "a, b and c" (with word "and"), or "a, b or c".
func joinList(items []string, word string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + word + " " + items[len(items)-1]
}
