package provider

import (
	"context"
	"errors"
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
	product *product
	data    *providerData
}

// authorizationCodeSpec is what a product's entry says about its authorization codes; the
// type is veeam_<product>_authorization_code.
type authorizationCodeSpec struct {
	endpoint string        // for the documentation, e.g. "POST /api/v1/token/authorization_code"
	lifetime time.Duration // the documented lifetime of a code
	// use replaces the default sentence on what the code is for (another client's
	// authorization_code grant), for a product whose code serves something else.
	use string
	// lifetimeAssumed: Veeam documents no lifetime; lifetime is the emulator's choice.
	lifetimeAssumed bool
	// instead is what to use on a server whose API has no authorization codes (the client's
	// *client.UnavailableError), e.g. Backup & Replication 13; also the documentation's warning.
	instead string
}

// useSentence says what a code of product id is for.
func (s *authorizationCodeSpec) useSentence(id string) string {
	if s.use != "" {
		return s.use
	}
	return fmt.Sprintf("Another client exchanges it for tokens with the `authorization_code` grant without seeing the password; "+
		"for example a second, aliased `veeam` provider (`%s { authorization_code = ... }`).", id)
}

// availability is the documentation's warning about servers without authorization codes.
func (s *authorizationCodeSpec) availability() string {
	if s.instead == "" {
		return ""
	}
	return "\n\n~> **Fails while Terraform plans on a server without authorization codes.** " + s.instead
}

// codeDescription describes the code attribute.
const codeDescription = "The authorization code. Usable once."

// authorizationCodeModel is what the data source and the ephemeral resource both show.
type authorizationCodeModel struct {
	Code      types.String `tfsdk:"code"`
	ExpiresAt types.String `tfsdk:"expires_at"`
}

// summary opens both pages: what the code is for and where it comes from.
func (s *authorizationCodeSpec) summary(p *product) string {
	return fmt.Sprintf("A single-use authorization code for the user of the provider's `%s` block (`%s`)", p.id, s.endpoint)
}

// expiresDescription describes the expires_at attribute.
func (s *authorizationCodeSpec) expiresDescription() string {
	if s.lifetimeAssumed {
		return fmt.Sprintf("When the code stops working (RFC 3339), assuming a lifetime of %g seconds: Veeam documents none.", s.lifetime.Seconds())
	}
	return fmt.Sprintf("When the code stops working (RFC 3339), from the documented lifetime of %g seconds: an appliance configured otherwise may differ.", s.lifetime.Seconds())
}

// newAuthorizationCodeEphemeralResource is the ephemeral authorization code of p.
func newAuthorizationCodeEphemeralResource(p *product) func() ephemeral.EphemeralResource {
	return func() ephemeral.EphemeralResource { return &authorizationCodeEphemeral{product: p} }
}

// issueAuthorizationCode asks the provider's session of p for a code, and says when it was
// issued; it adds to diags why there is none.
func issueAuthorizationCode(ctx context.Context, d *providerData, p *product, diags *diag.Diagnostics) (authorizationCodeModel, time.Time, bool) {
	what := "veeam_" + string(p.id) + "_authorization_code"
	c, conf := clientOf[codeIssuer](d, p.id, what, diags)
	if conf == nil {
		return authorizationCodeModel{}, time.Time{}, false
	}
	issued := c.Now()
	code, err := c.AuthorizationCode(ctx)
	var ue *client.UnavailableError
	if errors.As(err, &ue) && p.authorizationCode.instead != "" {
		diags.AddError("Authorization codes are not available", fmt.Sprintf("%s: %s.\n\n%s", what, ue, p.authorizationCode.instead))
		return authorizationCodeModel{}, time.Time{}, false
	}
	if err != nil {
		d.addCallError(diags, p.id, "Getting an authorization code failed", err)
		return authorizationCodeModel{}, time.Time{}, false
	}
	return authorizationCodeModel{
		Code:      types.StringValue(code),
		ExpiresAt: types.StringValue(issued.Add(p.authorizationCode.lifetime).UTC().Format(time.RFC3339)),
	}, issued, true
}

// codeIssuer is a product client that issues authorization codes.
type codeIssuer interface {
	session
	AuthorizationCode(ctx context.Context) (string, error)
	Now() time.Time
}

var _ ephemeral.EphemeralResourceWithConfigure = &authorizationCodeEphemeral{}

func (e *authorizationCodeEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + string(e.product.id) + "_authorization_code"
}

func (e *authorizationCodeEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: e.product.authorizationCode.summary(e.product) + ", that never reaches plan or state. " +
			e.product.authorizationCode.useSentence(string(e.product.id)) + fmt.Sprintf(" "+
			"Terraform opens it anew in every command, so each plan and apply gets a fresh code. It uses the provider's %s session; "+
			"there is nothing to close (an unused code expires). Needs Terraform 1.10 or newer.", e.product.id.Title()) +
			e.product.authorizationCode.availability(),
		Attributes: map[string]schema.Attribute{
			"code":       schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: codeDescription},
			"expires_at": schema.StringAttribute{Computed: true, MarkdownDescription: e.product.authorizationCode.expiresDescription()},
		},
	}
}

func (e *authorizationCodeEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *authorizationCodeEphemeral) Open(ctx context.Context, _ ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if m, _, ok := issueAuthorizationCode(ctx, e.data, e.product, &resp.Diagnostics); ok {
		resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
	}
}
