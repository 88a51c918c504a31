package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// tokenEphemeral is the one implementation behind every product's token (veeam_aws_token, ...,
// veeam_em_session), one per entry of products with a tokenSpec: Open logs in with the product block's
// credentials (a session of its own, so Close can end it without ending the provider's),
// Renew refreshes, Close logs out. The token never reaches state or plan.
type tokenEphemeral struct {
	product *product
	data    *providerData
}

// tokenSpec is what a product's entry says about its token.
type tokenSpec struct {
	typeName string // suffix after "veeam_"
	what     string // "access token", "session id"
	note     string // product-specific advice appended to the description
}

// newTokenEphemeralResource is the token ephemeral resource of p.
func newTokenEphemeralResource(p *product) func() ephemeral.EphemeralResource {
	return func() ephemeral.EphemeralResource { return &tokenEphemeral{product: p} }
}

var (
	_ ephemeral.EphemeralResourceWithConfigure = &tokenEphemeral{}
	_ ephemeral.EphemeralResourceWithRenew     = &tokenEphemeral{}
	_ ephemeral.EphemeralResourceWithClose     = &tokenEphemeral{}
)

type tokenModel struct {
	Token       types.String `tfsdk:"token"`
	HeaderName  types.String `tfsdk:"header_name"`
	HeaderValue types.String `tfsdk:"header_value"`
	ExpiresAt   types.String `tfsdk:"expires_at"`
	Username    types.String `tfsdk:"username"`
	BaseURL     types.String `tfsdk:"base_url"`
}

// tokenPrivate is what Close and Renew need; Terraform keeps it in memory only.
type tokenPrivate struct {
	AccessToken  string    `json:"a"`
	RefreshToken string    `json:"r,omitempty"`
	Expiry       time.Time `json:"e"`
	SessionHref  string    `json:"h,omitempty"`
	// Origin names the Open this token descends from, across Renews (see renewedTokens).
	Origin string `json:"o,omitempty"`
}

// renewedTokens hold, by Origin, the token the latest Renew obtained. Terraform hands Close the
// private data of Open, not of the latest Renew: after a Renew has refreshed (and so rotated the
// refresh token), Close must log out with the renewed token, which only this process knows.
// Open, Renew and Close of one ephemeral resource run in one provider process (one command).
var renewedTokens sync.Map // Origin → *client.Token

const privateKey = "token"

// ephemeralOpened and ephemeralClosed count successful logins and logouts of ephemeral
// tokens, so tests can prove every Open is closed.
var ephemeralOpened, ephemeralClosed atomic.Int64

func (e *tokenEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + e.product.token.typeName
}

func (e *tokenEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	title := e.product.id.Title()
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("A fresh %s %s, for another provider or a script, that never reaches plan or state. "+
			"Opening it logs in with the credentials of the provider's `%s` block (its own session); Terraform closes it at the end "+
			"of the run, which logs that session out. Needs Terraform 1.10 or newer.%s", title, e.product.token.what, e.product.id, e.product.token.note),
		Attributes: map[string]schema.Attribute{
			"token":        schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "The " + e.product.token.what + "."},
			"header_name":  schema.StringAttribute{Computed: true, MarkdownDescription: "The request header that carries it, e.g. `Authorization`."},
			"header_value": schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "The header's full value, e.g. `Bearer <token>`."},
			"expires_at":   schema.StringAttribute{Computed: true, MarkdownDescription: "When it stops working (RFC 3339); empty when the server does not say."},
			"username":     schema.StringAttribute{Computed: true, MarkdownDescription: "The user it belongs to, when the server says."},
			"base_url":     schema.StringAttribute{Computed: true, MarkdownDescription: "The API's base URL the token is for."},
		},
	}
}

func (e *tokenEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// session is a session of its own with the credentials of the product's block.
func (e *tokenEphemeral) session(diags *diag.Diagnostics) (*client.Session, *configured) {
	c, ok := e.data.ready(e.product.id, "veeam_"+e.product.token.typeName, diags)
	if !ok {
		return nil, nil
	}
	s, err := client.NewSession(e.product.flavor, c.config)
	if err != nil {
		diags.AddError(fmt.Sprintf("Invalid %q block", e.product.id), c.resolver.explain(err).Error())
		return nil, nil
	}
	return s, c
}

func (e *tokenEphemeral) fill(s *client.Session, tok *client.Token) tokenModel {
	name, value := s.Header(tok)
	m := tokenModel{
		Token:       types.StringValue(tok.AccessToken),
		HeaderName:  types.StringValue(name),
		HeaderValue: types.StringValue(value),
		ExpiresAt:   types.StringValue(""),
		Username:    types.StringValue(tok.Username),
		BaseURL:     types.StringValue(s.BaseURL()),
	}
	if !tok.Expiry.IsZero() {
		m.ExpiresAt = types.StringValue(tok.Expiry.UTC().Format(time.RFC3339))
	}
	return m
}

func privateOf(tok *client.Token, origin string) []byte {
	b, _ := json.Marshal(tokenPrivate{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry, SessionHref: tok.SessionHref, Origin: origin})
	return b
}

// tokenFromPrivate returns the token in private data and the Open it descends from.
func tokenFromPrivate(b []byte) (*client.Token, string, error) {
	var p tokenPrivate
	if err := json.Unmarshal(b, &p); err != nil || p.AccessToken == "" {
		return nil, "", fmt.Errorf("no token in private data")
	}
	return &client.Token{AccessToken: p.AccessToken, RefreshToken: p.RefreshToken, Expiry: p.Expiry, SessionHref: p.SessionHref}, p.Origin, nil
}

// originOf names the Open that obtained tok.
func originOf(tok *client.Token) string {
	h := sha256.Sum256([]byte(tok.AccessToken))
	return hex.EncodeToString(h[:8])
}

// renewAt is when Terraform should call Renew: shortly before expiry.
func renewAt(tok *client.Token) time.Time {
	if tok.Expiry.IsZero() || tok.RefreshToken == "" {
		return time.Time{}
	}
	life := time.Until(tok.Expiry)
	return tok.Expiry.Add(-min(time.Minute, life/5))
}

func (e *tokenEphemeral) Open(ctx context.Context, _ ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	s, c := e.session(&resp.Diagnostics)
	if s == nil {
		return
	}
	tok, err := s.Credential(ctx)
	if err != nil {
		// The same message as a provider login failure, without the provider block's
		// attribute path, which does not exist in this resource's schema.
		var d diag.Diagnostics
		addLoginError(&d, e.product.id, c.resolver.explain(err))
		for _, x := range d {
			resp.Diagnostics.AddError(x.Summary(), x.Detail())
		}
		return
	}
	ephemeralOpened.Add(1)
	m := e.fill(s, tok)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKey, privateOf(tok, originOf(tok)))...)
	resp.RenewAt = renewAt(tok)
}

// resume is a session of its own holding the token of the private data (for Close: the latest
// Renew's, see renewedTokens), and the Open it descends from; nil when there is none.
func (e *tokenEphemeral) resume(ctx context.Context, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}, closing bool, diags *diag.Diagnostics) (*client.Session, string) {
	b, d := private.GetKey(ctx, privateKey)
	diags.Append(d...)
	tok, origin, err := tokenFromPrivate(b)
	if err != nil {
		return nil, ""
	}
	if closing && origin != "" {
		if renewed, ok := renewedTokens.LoadAndDelete(origin); ok {
			tok = renewed.(*client.Token)
		}
	}
	s, _ := e.session(diags)
	if s != nil {
		s.Resume(tok)
	}
	return s, origin
}

func (e *tokenEphemeral) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	s, origin := e.resume(ctx, req.Private, false, &resp.Diagnostics)
	if s == nil {
		return
	}
	// Terraform calls Renew at RenewAt, shortly before expiry: refresh now. (Credential would
	// not: a resumed token's refresh margin is measured from the Renew, not from its issue.)
	nt, err := s.Refresh(ctx)
	if err != nil {
		resp.Diagnostics.AddWarning("Renewing the token failed", err.Error())
		return
	}
	if origin != "" {
		renewedTokens.Store(origin, nt)
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKey, privateOf(nt, origin))...)
	resp.RenewAt = renewAt(nt)
}

func (e *tokenEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	s, _ := e.resume(ctx, req.Private, true, &resp.Diagnostics)
	if s == nil {
		return
	}
	if err := s.Logout(ctx); err != nil {
		// The token expires on its own; a failed logout must not fail the run.
		resp.Diagnostics.AddWarning(fmt.Sprintf("Logging out the %s failed", "veeam_"+e.product.token.typeName), err.Error())
		return
	}
	ephemeralClosed.Add(1)
}
