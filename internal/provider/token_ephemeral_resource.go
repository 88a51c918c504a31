package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// tokenEphemeral is the one implementation behind veeam_aws_token, veeam_vbr_token,
// veeam_vro_token, veeam_vao_token and veeam_em_session: Open logs in with the product block's
// credentials (a session of its own, so Close can end it without ending the provider's),
// Renew refreshes, Close logs out. The token never reaches state or plan.
type tokenEphemeral struct {
	spec tokenSpec
	data *providerData
}

// tokenSpec is what differs per product.
type tokenSpec struct {
	product  string // provider block
	typeName string // suffix after "veeam_"
	what     string // "access token", "session id"
	note     string // product-specific advice appended to the description
	flavor   *client.Flavor
	config   func(d *providerData) (client.Config, []string, bool) // config, pending attributes, block present
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
}

const privateKey = "token"

// ephemeralOpened and ephemeralClosed count successful logins and logouts of ephemeral
// tokens, so tests can prove every Open is closed.
var ephemeralOpened, ephemeralClosed atomic.Int64

func (e *tokenEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + e.spec.typeName
}

func (e *tokenEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	title := client.Product(e.spec.product).Title()
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("A fresh %s %s, for another provider or a script, that never reaches plan or state. "+
			"Opening it logs in with the credentials of the provider's `%s` block (its own session); Terraform closes it at the end "+
			"of the run, which logs that session out. Needs Terraform 1.10 or newer.%s", title, e.spec.what, e.spec.product, e.spec.note),
		Attributes: map[string]schema.Attribute{
			"token":        schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "The " + e.spec.what + "."},
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

func (e *tokenEphemeral) session(diags interface{ AddError(string, string) }) *client.Session {
	name := "veeam_" + e.spec.typeName
	if e.data == nil {
		diags.AddError("Provider not configured", name+" was opened before the provider was configured")
		return nil
	}
	cfg, pending, present := e.spec.config(e.data)
	if !present {
		_, d := get[*client.Session](nil, e.spec.product, name)
		diags.AddError(d[0].Summary(), d[0].Detail())
		return nil
	}
	if len(pending) > 0 {
		_, d := get(&configured[*client.Session]{pending: pending}, e.spec.product, name)
		diags.AddError(d[0].Summary(), d[0].Detail())
		return nil
	}
	s, err := client.NewSession(e.spec.flavor, cfg)
	if err != nil {
		diags.AddError(fmt.Sprintf("Invalid %q block", e.spec.product), err.Error())
		return nil
	}
	return s
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

func privateOf(tok *client.Token) []byte {
	b, _ := json.Marshal(tokenPrivate{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry, SessionHref: tok.SessionHref})
	return b
}

func tokenFromPrivate(b []byte) (*client.Token, error) {
	var p tokenPrivate
	if err := json.Unmarshal(b, &p); err != nil || p.AccessToken == "" {
		return nil, fmt.Errorf("no token in private data")
	}
	return &client.Token{AccessToken: p.AccessToken, RefreshToken: p.RefreshToken, Expiry: p.Expiry, SessionHref: p.SessionHref}, nil
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
	s := e.session(&resp.Diagnostics)
	if s == nil {
		return
	}
	tok, err := s.Credential(ctx)
	if err != nil {
		// The same message as a provider login failure, without the provider block's
		// attribute path, which does not exist in this resource's schema.
		var d diag.Diagnostics
		addLoginError(&d, e.spec.product, err)
		for _, x := range d {
			resp.Diagnostics.AddError(x.Summary(), x.Detail())
		}
		return
	}
	ephemeralOpened.Add(1)
	m := e.fill(s, tok)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKey, privateOf(tok))...)
	resp.RenewAt = renewAt(tok)
}

func (e *tokenEphemeral) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	b, diags := req.Private.GetKey(ctx, privateKey)
	resp.Diagnostics.Append(diags...)
	tok, err := tokenFromPrivate(b)
	if err != nil {
		return
	}
	s := e.session(&resp.Diagnostics)
	if s == nil {
		return
	}
	s.Resume(tok)
	nt, err := s.Credential(ctx) // refreshes when due
	if err != nil {
		resp.Diagnostics.AddWarning("Renewing the token failed", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKey, privateOf(nt))...)
	resp.RenewAt = renewAt(nt)
}

func (e *tokenEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	b, diags := req.Private.GetKey(ctx, privateKey)
	resp.Diagnostics.Append(diags...)
	tok, err := tokenFromPrivate(b)
	if err != nil {
		return
	}
	s := e.session(&resp.Diagnostics)
	if s == nil {
		return
	}
	s.Resume(tok)
	if err := s.Logout(ctx); err != nil {
		// The token expires on its own; a failed logout must not fail the run.
		resp.Diagnostics.AddWarning(fmt.Sprintf("Logging out the %s failed", "veeam_"+e.spec.typeName), err.Error())
		return
	}
	ephemeralClosed.Add(1)
}

// NewAWSTokenEphemeralResource is veeam_aws_token.
func NewAWSTokenEphemeralResource() ephemeral.EphemeralResource {
	return &tokenEphemeral{spec: tokenSpec{
		product: "aws", typeName: "aws_token", what: "access token", flavor: client.AWSFlavor,
		config: func(d *providerData) (client.Config, []string, bool) {
			if d.aws == nil {
				return client.Config{}, nil, false
			}
			return d.aws.config, d.aws.pending, true
		},
	}}
}

// NewVROTokenEphemeralResource is veeam_vro_token.
func NewVROTokenEphemeralResource() ephemeral.EphemeralResource {
	return &tokenEphemeral{spec: tokenSpec{
		product: "vro", typeName: "vro_token", what: "access token", flavor: client.VROFlavor, note: orchestratorInterference,
		config: func(d *providerData) (client.Config, []string, bool) {
			if d.vro == nil {
				return client.Config{}, nil, false
			}
			return d.vro.config, d.vro.pending, true
		},
	}}
}

// NewVAOTokenEphemeralResource is veeam_vao_token.
func NewVAOTokenEphemeralResource() ephemeral.EphemeralResource {
	return &tokenEphemeral{spec: tokenSpec{
		product: "vao", typeName: "vao_token", what: "access token", flavor: client.VAOFlavor, note: orchestratorInterference,
		config: func(d *providerData) (client.Config, []string, bool) {
			if d.vao == nil {
				return client.Config{}, nil, false
			}
			return d.vao.config, d.vao.pending, true
		},
	}}
}

// NewVBRTokenEphemeralResource is veeam_vbr_token.
func NewVBRTokenEphemeralResource() ephemeral.EphemeralResource {
	return &tokenEphemeral{spec: tokenSpec{
		product: "vbr", typeName: "vbr_token", what: "access token", flavor: client.VBRFlavor,
		config: func(d *providerData) (client.Config, []string, bool) {
			if d.vbr == nil {
				return client.Config{}, nil, false
			}
			return d.vbr.config, d.vbr.pending, true
		},
	}}
}

// NewEMSessionEphemeralResource is veeam_em_session: an Enterprise Manager logon session id
// (header X-RestSvcSessionId). It cannot be renewed (Enterprise Manager has no refresh): it
// lasts 15 minutes after its last use, and Close deletes the logon session.
func NewEMSessionEphemeralResource() ephemeral.EphemeralResource {
	return &tokenEphemeral{spec: tokenSpec{
		product: "em", typeName: "em_session", what: "logon session id", flavor: client.EMFlavor,
		config: func(d *providerData) (client.Config, []string, bool) {
			if d.em == nil {
				return client.Config{}, nil, false
			}
			return d.em.config, d.em.pending, true
		},
	}}
}

// orchestratorInterference is the orchestrators' documented warning, for their token docs.
const orchestratorInterference = "\n\n~> **Sessions of the same user may interfere.** The orchestrator's documentation warns that " +
	"simultaneous sessions under the same credentials can end each other, and this token is a second session beside the " +
	"provider's own. Prefer a dedicated client account for the block whose sessions other logins cannot end " +
	"(for Recovery Orchestrator: `client_id` and `client_secret`)."
