package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// The schema validators the product blocks share. They see only what is written in the block,
// at plan time; values from the environment are checked when the provider is configured
// (login_methods.go).

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

// vroNotWithUser is the plan-time half of "a user or a client account": both pairs written in
// the block conflict. That exactly one pair is complete is checked at login, since either may
// come from the environment.
func vroNotWithUser() validator.String {
	return stringvalidator.ConflictsWith(
		path.MatchRelative().AtParent().AtName("username"),
		path.MatchRelative().AtParent().AtName("password"),
	)
}

// exclusiveAttributes is a validator that fails when the attribute and any of others (siblings in
// the same block) are both set to known, non-empty values. Unknown values are checked again
// when the provider is configured.
func exclusiveAttributes(others []string, summary, detail string) validator.String {
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

// totpSecretIsBase32 refuses, at plan time, a totp_secret written in the block that is not a
// base32 secret, whether or not the user has MFA (the environment's value is checked when the
// provider is configured).
type totpSecretIsBase32 struct{}

func (totpSecretIsBase32) Description(_ context.Context) string {
	return "a base32 TOTP secret"
}

func (v totpSecretIsBase32) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (totpSecretIsBase32) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !isSet(req.ConfigValue) {
		return
	}
	var ce *client.ConfigError
	if err := client.CheckTOTPSecret(req.ConfigValue.ValueString()); errors.As(err, &ce) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid totp_secret", fmt.Sprintf("%s %s: %s.", req.Path, ce.Detail, ce.Hint))
	}
}
