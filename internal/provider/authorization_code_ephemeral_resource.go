package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
)

// authorizationCodeEphemeral is the one implementation behind veeam_aws_authorization_code and
// the other products' ephemeral authorization codes (authorization_code.go): Open asks the
// provider's own session for a single-use code. There is nothing to renew or close: an unused
// code simply expires.
type authorizationCodeEphemeral struct {
	productEphemeral[codeIssuer]
	spec *authorizationCodeSpec
}

var _ ephemeral.EphemeralResourceWithConfigure = &authorizationCodeEphemeral{}

func (e *authorizationCodeEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: e.spec.description(e.product, ", that never reaches plan or state. ", fmt.Sprintf(" "+
			"Terraform opens it anew in every command, so each plan and apply gets a fresh code. It uses the provider's %s session; "+
			"there is nothing to close (an unused code expires). Needs Terraform 1.10 or newer.", e.product.Title())),
		Attributes: map[string]schema.Attribute{
			"code":       schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: codeDescription},
			"expires_at": schema.StringAttribute{Computed: true, MarkdownDescription: e.spec.expiresDescription()},
		},
	}
}

func (e *authorizationCodeEphemeral) Open(ctx context.Context, _ ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if m, _, ok := e.spec.issue(ctx, &e.productAPI, &resp.Diagnostics); ok {
		resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
	}
}
