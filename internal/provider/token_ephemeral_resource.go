package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
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

// tokenSpec is what a product's entry says about its token. The header it travels in comes
// from the product's client.Flavor.
type tokenSpec struct {
	typeName string // suffix after "veeam_"
	what     string // "access token", "session id"
	note     string // product-specific facts appended to the description
	// sessionsInterfere: the product's documentation warns that simultaneous sessions under
	// the same credentials may end each other (the orchestrators, Veeam ONE, Service Provider
	// Console).
	sessionsInterfere bool
}

// description is the token's page: what it is, how to send it, and the product's own notes.
func (s *tokenSpec) description(p *product) string {
	f := p.flavor
	var b strings.Builder
	fmt.Fprintf(&b, "A fresh %s %s, for another provider or a script, that never reaches plan or state. "+
		"Opening it logs in with the credentials of the provider's `%s` block (its own session); Terraform closes it at the end "+
		"of the run, which logs that session out", p.id.Title(), s.what, p.id)
	if f.Refresh != nil {
		b.WriteString(" (refreshing an expired token first, so the session is closed rather than left open). Terraform renews the session " +
			"before the token expires, but does not pass renewed values on: whatever consumes the token keeps the value from the moment " +
			"it was opened, so use it within its lifetime (`expires_at`). ")
	} else {
		b.WriteString(". ")
	}
	b.WriteString("Needs Terraform 1.10 or newer.\n\n")
	if f.CredentialPrefix == "" {
		fmt.Fprintf(&b, "%s does not use bearer tokens: the %s travels in the `%s` header, with no `Bearer` prefix. ", p.id.Title(), s.what, f.CredentialHeader)
	}
	fmt.Fprintf(&b, "Send `header_name` and `header_value` as they are, for example "+
		"`{ (ephemeral.veeam_%s.NAME.header_name) = ephemeral.veeam_%s.NAME.header_value }`.", s.typeName, s.typeName)
	if s.note != "" {
		b.WriteString(" " + s.note)
	}
	if s.sessionsInterfere {
		fmt.Fprintf(&b, "\n\n~> **Sessions of the same user may interfere.** The documentation of %s warns that "+
			"simultaneous sessions under the same credentials can end each other, and this token is a second session beside the "+
			"provider's own. ", p.id.Title())
		if p.logsInWith("client_id") {
			fmt.Fprintf(&b, "Prefer a dedicated client account for the `%s` block (`client_id` and `client_secret`), as the documentation advises.", p.id)
		} else {
			fmt.Fprintf(&b, "Give the `%s` block a user of its own (for example `VEEAM\\svc-terraform`) that no person or other tool logs in as, "+
				"so only Terraform's own sessions can meet.", p.id)
		}
	}
	return b.String()
}

// headerDescriptions describe header_name and header_value: the product's header and prefix.
func (s *tokenSpec) headerDescriptions(p *product) (name, value string) {
	f := p.flavor
	name = fmt.Sprintf("The request header that carries it: `%s`.", f.CredentialHeader)
	value = fmt.Sprintf("The header's full value: `%s<token>`.", f.CredentialPrefix)
	if f.CredentialPrefix == "" {
		value = fmt.Sprintf("The header's full value: the bare %s, the same as `token` (no `Bearer` prefix).", s.what)
	}
	return name, value
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
	Issued       time.Time `json:"i"`
	SessionHref  string    `json:"h,omitempty"`
	// Origin names the Open this token descends from, across Renews (see renewedTokens).
	Origin string `json:"o,omitempty"`
}

// renewedTokens hold, by Origin, the token the latest Renew obtained. Terraform hands Close the
// private data of Open, not of the latest Renew: once a Renew has refreshed (rotating the
// refresh token) and Open's access token has expired, only the renewed token can log the
// session out, and only this process knows it (Open, Renew and Close of one ephemeral resource
// run in one provider process, one Terraform command).
var renewedTokens sync.Map // Origin → *client.Token

const privateKey = "token"

// ephemeralOpened and ephemeralClosed count successful logins and logouts of ephemeral
// tokens, so tests can prove every Open is closed.
var ephemeralOpened, ephemeralClosed atomic.Int64

func (e *tokenEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + e.product.token.typeName
}

func (e *tokenEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	spec := e.product.token
	headerName, headerValue := spec.headerDescriptions(e.product)
	resp.Schema = schema.Schema{
		MarkdownDescription: spec.description(e.product),
		Attributes: map[string]schema.Attribute{
			"token":        schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "The " + spec.what + "."},
			"header_name":  schema.StringAttribute{Computed: true, MarkdownDescription: headerName},
			"header_value": schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: headerValue},
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
	b, _ := json.Marshal(tokenPrivate{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry, Issued: tok.Issued,
		SessionHref: tok.SessionHref, Origin: origin})
	return b
}

// tokenFromPrivate returns the token in private data and the Open it descends from.
func tokenFromPrivate(b []byte) (*client.Token, string, error) {
	var p tokenPrivate
	if err := json.Unmarshal(b, &p); err != nil || p.AccessToken == "" {
		return nil, "", fmt.Errorf("no token in private data")
	}
	return &client.Token{AccessToken: p.AccessToken, RefreshToken: p.RefreshToken, Expiry: p.Expiry, Issued: p.Issued, SessionHref: p.SessionHref}, p.Origin, nil
}

// originOf names the Open that obtained tok.
func originOf(tok *client.Token) string {
	h := sha256.Sum256([]byte(tok.AccessToken))
	return hex.EncodeToString(h[:8])
}

// renewAt is when Terraform should call Renew: when the session would refresh the token (its
// expiry less the refresh margin). Zero, so never, for a token without a refresh token: renewing
// it would open a second session and leave the first one open.
func renewAt(s *client.Session, tok *client.Token) time.Time {
	if tok.RefreshToken == "" {
		return time.Time{}
	}
	return s.RefreshAt(tok)
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
	resp.RenewAt = renewAt(s, tok)
}

// resume is a session of its own holding the token of private data b (for Close: the latest
// Renew's, see renewedTokens), and the Open it descends from; nil when there is none.
func (e *tokenEphemeral) resume(b []byte, closing bool, diags *diag.Diagnostics) (*client.Session, string) {
	tok, origin, err := tokenFromPrivate(b)
	if err != nil {
		return nil, ""
	}
	if closing && origin != "" {
		if renewed, ok := renewedTokens.LoadAndDelete(origin); ok {
			if t, ok := renewed.(*client.Token); ok {
				tok = t
			}
		}
	}
	s, _ := e.session(diags)
	if s != nil {
		s.Resume(tok)
	}
	return s, origin
}

func (e *tokenEphemeral) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	b, d := req.Private.GetKey(ctx, privateKey)
	resp.Diagnostics.Append(d...)
	if next, at := e.renew(ctx, b, &resp.Diagnostics); next != nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKey, next)...)
		resp.RenewAt = at
	}
}

// renew refreshes the token in private data b now (Terraform calls Renew at RenewAt, before
// expiry, whatever the remaining life) and returns the private data and renew time of the new
// one; nil when there is nothing to renew or renewing failed (a warning says why).
func (e *tokenEphemeral) renew(ctx context.Context, b []byte, diags *diag.Diagnostics) ([]byte, time.Time) {
	s, origin := e.resume(b, false, diags)
	if s == nil {
		return nil, time.Time{}
	}
	nt, err := s.Renew(ctx)
	if err != nil {
		diags.AddWarning("Renewing the token failed", err.Error())
		return nil, time.Time{}
	}
	if origin != "" {
		renewedTokens.Store(origin, nt)
	}
	return privateOf(nt, origin), renewAt(s, nt)
}

func (e *tokenEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	b, d := req.Private.GetKey(ctx, privateKey)
	resp.Diagnostics.Append(d...)
	e.close(ctx, b, &resp.Diagnostics)
}

// close logs out the session of the token in private data b. Logout refreshes an expired token
// first, so the session is closed rather than left to expire.
func (e *tokenEphemeral) close(ctx context.Context, b []byte, diags *diag.Diagnostics) {
	s, _ := e.resume(b, true, diags)
	if s == nil {
		return
	}
	if err := s.Logout(ctx); err != nil {
		// The token expires on its own; a failed logout must not fail the run.
		addLogoutWarning(diags, "veeam_"+e.product.token.typeName, err)
		return
	}
	ephemeralClosed.Add(1)
}
