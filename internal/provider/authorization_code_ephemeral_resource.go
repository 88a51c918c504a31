package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// authorizationCodeEphemeral is the one implementation behind veeam_aws_authorization_code and
// the other products' ephemeral authorization codes: Open asks the provider's own session for a
// single-use code. There is nothing to renew or close: an unused code simply expires.
type authorizationCodeEphemeral struct {
	spec authorizationCodeSpec
	data *providerData
}

// authorizationCodeSpec is what differs per product.
type authorizationCodeSpec struct {
	product  string        // provider block; the type is veeam_<product>_authorization_code
	endpoint string        // for the documentation, e.g. "POST /api/v1/token/authorization_code"
	lifetime time.Duration // the documented lifetime of a code
	// issuer returns the provider's session for the product, or why there is none (get's
	// diagnostics).
	issuer func(d *providerData) (codeIssuer, diag.Diagnostics)
}

// codeIssuer is a product client that issues authorization codes.
type codeIssuer interface {
	AuthorizationCode(ctx context.Context) (string, error)
	Now() time.Time
}

var _ ephemeral.EphemeralResourceWithConfigure = &authorizationCodeEphemeral{}

type authorizationCodeEphemeralModel struct {
	Code      types.String `tfsdk:"code"`
	ExpiresAt types.String `tfsdk:"expires_at"`
}

func (e *authorizationCodeEphemeral) typeName() string {
	return "veeam_" + e.spec.product + "_authorization_code"
}

func (e *authorizationCodeEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + e.spec.product + "_authorization_code"
}

func (e *authorizationCodeEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	title := client.Product(e.spec.product).Title()
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("A single-use authorization code for the user of the provider's `%s` block (`%s`), "+
			"that never reaches plan or state. Another client exchanges it for tokens with the `authorization_code` grant "+
			"without seeing the password; for example a second, aliased `veeam` provider (`%s { authorization_code = ... }`). "+
			"Terraform opens it anew in every command, so each plan and apply gets a fresh code. It uses the provider's %s session; "+
			"there is nothing to close (an unused code expires). Needs Terraform 1.10 or newer.",
			e.spec.product, e.spec.endpoint, e.spec.product, title),
		Attributes: map[string]schema.Attribute{
			"code": schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "The authorization code. Usable once."},
			"expires_at": schema.StringAttribute{Computed: true, MarkdownDescription: fmt.Sprintf("When the code stops working (RFC 3339), from the "+
				"documented lifetime of %g seconds: an appliance configured otherwise may differ.", e.spec.lifetime.Seconds())},
		},
	}
}

func (e *authorizationCodeEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *authorizationCodeEphemeral) Open(ctx context.Context, _ ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if e.data == nil {
		resp.Diagnostics.AddError("Provider not configured", e.typeName()+" was opened before the provider was configured")
		return
	}
	c, diags := e.spec.issuer(e.data)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	issued := c.Now()
	code, err := c.AuthorizationCode(ctx)
	if err != nil {
		addCallError(&resp.Diagnostics, e.spec.product, "Getting an authorization code failed", err)
		return
	}
	m := authorizationCodeEphemeralModel{
		Code:      types.StringValue(code),
		ExpiresAt: types.StringValue(issued.Add(e.spec.lifetime).UTC().Format(time.RFC3339)),
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// NewAWSAuthorizationCodeEphemeralResource is the ephemeral resource veeam_aws_authorization_code.
func NewAWSAuthorizationCodeEphemeralResource() ephemeral.EphemeralResource {
	return &authorizationCodeEphemeral{spec: awsAuthorizationCodeSpec}
}

// NewVBRAuthorizationCodeEphemeralResource is the ephemeral resource veeam_vbr_authorization_code.
func NewVBRAuthorizationCodeEphemeralResource() ephemeral.EphemeralResource {
	return &authorizationCodeEphemeral{spec: vbrAuthorizationCodeSpec}
}

// The products that issue authorization codes (ephemeral resources and data sources alike).
var (
	awsAuthorizationCodeSpec = authorizationCodeSpec{
		product: "aws", endpoint: "POST /api/v1/token/authorization_code", lifetime: client.AWSAuthorizationCodeLifetime,
		issuer: func(d *providerData) (codeIssuer, diag.Diagnostics) {
			return get(d.aws, "aws", "veeam_aws_authorization_code")
		},
	}
	vbrAuthorizationCodeSpec = authorizationCodeSpec{
		product: "vbr", endpoint: "POST /api/oauth2/authorization_code", lifetime: client.VBRAuthorizationCodeLifetime,
		issuer: func(d *providerData) (codeIssuer, diag.Diagnostics) {
			return get(d.vbr, "vbr", "veeam_vbr_authorization_code")
		},
	}
)
