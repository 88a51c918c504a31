package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
)

// settingBefore is a setting whose value before Terraform managed it a resource remembers at
// Create, to warn or leave it as it was at destroy (veeam_vbr_mfa_settings,
// veeam_vbr_service_account). It is kept in the private state under the key "before" as
// {"<settingBefore>": value} (private_state.go).
type settingBefore string

const settingBeforeKey = "before"

// remember keeps v.
func (s settingBefore) remember(ctx context.Context, p privateWriter, v bool) diag.Diagnostics {
	return rememberPrivate(ctx, p, settingBeforeKey, map[string]bool{string(s): v})
}

// recall returns what remember kept; false when nothing was (an imported resource).
func (s settingBefore) recall(ctx context.Context, p privateReader) (v, ok bool) {
	m, ok := recallPrivate[map[string]bool](ctx, p, settingBeforeKey)
	return m[string(s)], ok
}

// setByProvider is a computed string attribute described by doc, which plans keep from the
// state once it is set.
func setByProvider(doc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: doc, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}
