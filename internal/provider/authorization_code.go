package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// A product's authorization codes, veeam_<product>_authorization_code, come in two kinds that
// share everything but where the code is kept: the ephemeral resource (never in plan or state,
// authorization_code_ephemeral_resource.go) and the data source (in state,
// authorization_code_data_source.go). Both ask the provider's own session for a single-use code
// with authorizationCodeSpec.issue.

// authorizationCodeSpec is what a product's entry says about its authorization codes.
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

// authorizationCodeModel is what the data source and the ephemeral resource both show.
type authorizationCodeModel struct {
	Code      types.String `tfsdk:"code"`
	ExpiresAt types.String `tfsdk:"expires_at"`
}

// codeIssuer is a product client that issues authorization codes.
type codeIssuer interface {
	session
	AuthorizationCode(ctx context.Context) (string, error)
	Now() time.Time
}

// codeDescription describes the code attribute.
const codeDescription = "The authorization code. Usable once."

// newAuthorizationCodeDataSource is the authorization code data source of p.
func newAuthorizationCodeDataSource(p *product) func() datasource.DataSource {
	return func() datasource.DataSource {
		return &authorizationCodeDataSource{dataSourceOf[codeIssuer](p.id, string(p.id)+"_authorization_code"), p.authorizationCode}
	}
}

// newAuthorizationCodeEphemeralResource is the ephemeral authorization code of p.
func newAuthorizationCodeEphemeralResource(p *product) func() ephemeral.EphemeralResource {
	return func() ephemeral.EphemeralResource {
		return &authorizationCodeEphemeral{ephemeralOf[codeIssuer](p.id, string(p.id)+"_authorization_code"), p.authorizationCode}
	}
}

// description is a page of either kind: what the code is and where it comes from, where it is
// kept (after the summary), what it is for, how it lives (after that), and the warning about
// servers without authorization codes.
func (s *authorizationCodeSpec) description(id client.Product, kept, lives string) string {
	return fmt.Sprintf("A single-use authorization code for the user of the provider's `%s` block (`%s`)", id, s.endpoint) +
		kept + s.useSentence(id) + lives + s.availability()
}

// useSentence says what a code of product id is for.
func (s *authorizationCodeSpec) useSentence(id client.Product) string {
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

// expiresDescription describes the expires_at attribute.
func (s *authorizationCodeSpec) expiresDescription() string {
	if s.lifetimeAssumed {
		return fmt.Sprintf("When the code stops working (RFC 3339), assuming a lifetime of %g seconds: Veeam documents none.", s.lifetime.Seconds())
	}
	return fmt.Sprintf("When the code stops working (RFC 3339), from the documented lifetime of %g seconds: an appliance configured otherwise may differ.", s.lifetime.Seconds())
}

// issue asks the provider's session (through api) for a code, and says when it was issued; it
// adds to diags why there is none.
func (s *authorizationCodeSpec) issue(ctx context.Context, api *productAPI[codeIssuer], diags *diag.Diagnostics) (authorizationCodeModel, time.Time, bool) {
	c, ok := api.client(diags)
	if !ok {
		return authorizationCodeModel{}, time.Time{}, false
	}
	issued := c.Now()
	code, err := c.AuthorizationCode(ctx)
	var ue *client.UnavailableError
	if errors.As(err, &ue) && s.instead != "" {
		diags.AddError("Authorization codes are not available", fmt.Sprintf("veeam_%s: %s.\n\n%s", api.typeName, ue, s.instead))
		return authorizationCodeModel{}, time.Time{}, false
	}
	if err != nil {
		api.callError(diags, "Getting an authorization code failed", err)
		return authorizationCodeModel{}, time.Time{}, false
	}
	return authorizationCodeModel{
		Code:      types.StringValue(code),
		ExpiresAt: types.StringValue(issued.Add(s.lifetime).UTC().Format(time.RFC3339)),
	}, issued, true
}
