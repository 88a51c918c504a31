// Package provider maps Terraform schemas onto internal/client calls. It holds no HTTP code.
package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var (
	_ provider.Provider                       = &veeamProvider{}
	_ provider.ProviderWithEphemeralResources = &veeamProvider{}
)

type veeamProvider struct {
	version string
}

// New returns the provider factory for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &veeamProvider{version: version} }
}

// providerModel is the provider block: one optional nested block per product.
type providerModel struct {
	AWS *awsBlockModel `tfsdk:"aws"`
	VBR *vbrBlockModel `tfsdk:"vbr"`
	VRO *vroBlockModel `tfsdk:"vro"`
	VAO *vaoBlockModel `tfsdk:"vao"`
	EM  *emBlockModel  `tfsdk:"em"`
}

func (p *veeamProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "veeam"
	resp.Version = p.version
}

func (p *veeamProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Authentication and multi-factor authentication for Veeam's REST APIs. " +
			"Each product block is optional; the provider logs in once per configured block each time Terraform configures it " +
			"(once per plan or apply walk), and every resource of that product shares the session. Every attribute can also be set with an environment " +
			"variable `VEEAM_<PRODUCT>_<ATTRIBUTE>`, for example `VEEAM_AWS_PASSWORD`.",
		Blocks: map[string]schema.Block{
			"aws": awsBlockSchema(),
			"vbr": vbrBlockSchema(),
			"vro": vroBlockSchema(),
			"vao": vaoBlockSchema(),
			"em":  emBlockSchema(),
		},
	}
}

// productBlock is a product's provider block.
type productBlock interface {
	// resolve turns the block (and the environment) into a client configuration.
	resolve(r *resolver) (client.Config, error)
}

// session is the part of a product client the provider needs generically.
type session interface {
	Credential(ctx context.Context) (*client.Token, error)
	Logout(ctx context.Context) error
}

// configured is a product whose block was present.
type configured[C session] struct {
	client  C
	config  client.Config // for ephemeral logins with the same credentials
	pending []string      // attributes unknown at plan time: login deferred
}

// configureProduct resolves a product block and logs in once. Unknown values defer the login
// (Terraform configures again at apply with known values).
func configureProduct[C session](ctx context.Context, version, product string, block productBlock, open func(client.Config) (C, error), diags *diag.Diagnostics) *configured[C] {
	r := &resolver{product: product}
	cfg, err := block.resolve(r)
	if err != nil {
		addConfigError(diags, product, err)
		return nil
	}
	cfg.UserAgent = "terraform-provider-veeam/" + version
	if cfg.TLS.Insecure {
		tflog.Warn(ctx, "TLS certificate verification is disabled (insecure = true): anyone on the network path can read the credentials; trust the appliance's CA with ca_cert_pem or ca_cert_file instead", map[string]any{"product": product})
		diags.AddAttributeWarning(path.Root(product).AtName("insecure"), "TLS verification is off",
			fmt.Sprintf("The %q block has insecure = true: the provider does not check who it sends the credentials to. Use it for test appliances only; set ca_cert_pem or ca_cert_file to trust the appliance's certificate instead.", product))
	}
	if len(r.unknown) > 0 {
		tflog.Info(ctx, "provider configuration not known yet; login deferred", map[string]any{"product": product, "unknown": r.unknown})
		return &configured[C]{pending: r.unknown, config: cfg}
	}
	c, err := open(cfg)
	if err != nil {
		addConfigError(diags, product, err)
		return nil
	}
	if lb, ok := block.(lazyLoginBlock); ok && lb.loginLazily(cfg) {
		tflog.Debug(ctx, "login deferred to the first call that needs it", map[string]any{"product": product})
		openSessions.add(c) // logging out a session that never logged in does nothing
		return &configured[C]{client: c, config: cfg}
	}
	if _, err := c.Credential(ctx); err != nil {
		addLoginError(diags, product, err)
		return nil
	}
	openSessions.add(c)
	return &configured[C]{client: c, config: cfg}
}

// lazyLoginBlock is a product block that can ask Configure not to log in up front: with no
// credentials (only unauthenticated calls can work) or a single-use one (an eager login would
// spend it even in a command that calls nothing).
type lazyLoginBlock interface {
	loginLazily(cfg client.Config) bool
}

// openSessions are the sessions Configure logged in, so the process can log them out when
// Terraform is done with it (see LogoutAll).
var openSessions sessionSet

type sessionSet struct {
	mu   sync.Mutex
	list []session
}

func (s *sessionSet) add(x session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = append(s.list, x)
}

// LogoutAll logs out every session the provider's Configure opened. main calls it after
// Terraform has shut the plugin down, so tokens do not outlive the command that needed them.
// It returns the number of sessions logged out; failures are ignored (the tokens expire).
func LogoutAll(ctx context.Context) int {
	openSessions.mu.Lock()
	list := openSessions.list
	openSessions.list = nil
	openSessions.mu.Unlock()
	n := 0
	for _, s := range list {
		if s.Logout(ctx) == nil {
			n++
		}
	}
	return n
}

// get returns the product's client, or a diagnostic saying which block to add or why it is
// not ready.
func get[C session](c *configured[C], product, what string) (C, diag.Diagnostics) {
	var zero C
	var diags diag.Diagnostics
	switch {
	case c == nil:
		diags.AddError(fmt.Sprintf("Missing %q block in the provider configuration", product),
			fmt.Sprintf("%s talks to %s: add\n\n  provider \"veeam\" {\n    %s {\n      host = \"https://...\"\n      ...\n    }\n  }\n\nor set the VEEAM_%s_* environment variables and an empty %s {} block.",
				what, client.Product(product).Title(), product, strings.ToUpper(product), product))
		return zero, diags
	case len(c.pending) > 0:
		diags.AddError(fmt.Sprintf("The %q block is not known yet", product),
			fmt.Sprintf("%s needs a login, but these attributes of the %q block are only known after apply: %s. Apply the resources they depend on first (terraform apply -target=...).",
				what, product, strings.Join(c.pending, ", ")))
		return zero, diags
	}
	return c.client, nil
}

// need returns the product client a resource, data source or ephemeral resource needs, or adds
// to diags why there is none (provider not configured, block missing, values not known yet).
func need[C session](d *providerData, product, what string, pick func(*providerData) *configured[C], diags *diag.Diagnostics) (C, bool) {
	var zero C
	if d == nil {
		diags.AddError("Provider not configured", what+" was used before the provider was configured: this is a bug in the provider")
		return zero, false
	}
	c, ds := get(pick(d), product, what)
	diags.Append(ds...)
	return c, !ds.HasError()
}

func needAWS(d *providerData, what string, diags *diag.Diagnostics) (*client.AWSClient, bool) {
	return need(d, "aws", what, func(d *providerData) *configured[*client.AWSClient] { return d.aws }, diags)
}

func needVBR(d *providerData, what string, diags *diag.Diagnostics) (*client.VBRClient, bool) {
	return need(d, "vbr", what, func(d *providerData) *configured[*client.VBRClient] { return d.vbr }, diags)
}

func asConfigError(err error, target **client.ConfigError) bool { return errors.As(err, target) }

func addConfigError(diags *diag.Diagnostics, product string, err error) {
	var ce *client.ConfigError
	p := path.Root(product)
	if asConfigError(err, &ce) && ce.Attribute != "" {
		p = p.AtName(ce.Attribute)
	}
	diags.AddAttributeError(p, fmt.Sprintf("Invalid %q block", product), err.Error())
}

func addLoginError(diags *diag.Diagnostics, product string, err error) {
	var ce *client.ConfigError
	if asConfigError(err, &ce) {
		addConfigError(diags, product, err)
		return
	}
	p := path.Root(product)
	detail := err.Error()
	if client.IsAuthenticationFailed(err) {
		p = p.AtName("password")
		hint := "" // the MFA attributes exist in the aws block only
		if product == "aws" {
			hint = " (and, for a user with MFA, totp_secret or mfa_code)"
		}
		if product == "em" {
			hint = " (and tenant: true for a tenant account, unset for any other)"
		}
		detail = fmt.Sprintf("The server rejected the credentials of the %q block: check username and password%s.\n\n%s", product, hint, err)
	}
	diags.AddAttributeError(p, fmt.Sprintf("%s login failed (%q block)", client.Product(product).Title(), product), detail)
}

// addCallError reports a failed API call of a resource, data source or ephemeral resource.
// A *client.ConfigError there comes from a deferred login (see lazyLoginBlock): it is about the
// provider block, not the resource.
func addCallError(diags *diag.Diagnostics, product, summary string, err error) {
	var ce *client.ConfigError
	if asConfigError(err, &ce) {
		diags.AddError(summary, fmt.Sprintf("The provider's %q block cannot log in: %s", product, err))
		return
	}
	diags.AddError(summary, err.Error())
}

// providerData is what Configure hands every resource, data source and ephemeral resource.
type providerData struct {
	version string
	aws     *configured[*client.AWSClient]
	vbr     *configured[*client.VBRClient]
	vro     *configured[*client.VROClient]
	vao     *configured[*client.VAOClient]
	em      *configured[*client.EMClient]
}

func (p *veeamProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{version: p.version}
	if cfg.AWS != nil {
		data.aws = configureProduct(ctx, p.version, "aws", cfg.AWS, client.NewAWS, &resp.Diagnostics)
	}
	if cfg.VBR != nil {
		data.vbr = configureProduct(ctx, p.version, "vbr", cfg.VBR, client.NewVBR, &resp.Diagnostics)
	}
	if cfg.VRO != nil {
		data.vro = configureProduct(ctx, p.version, "vro", cfg.VRO, client.NewVRO, &resp.Diagnostics)
	}
	if cfg.VAO != nil {
		data.vao = configureProduct(ctx, p.version, "vao", cfg.VAO, client.NewVAO, &resp.Diagnostics)
	}
	if cfg.EM != nil {
		data.em = configureProduct(ctx, p.version, "em", cfg.EM, client.NewEM, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
}

// providerDataFrom unpacks ProviderData in a resource's Configure; nil before the provider is
// configured (Terraform calls Configure on resources early, with nil).
func providerDataFrom(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	d, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T: this is a bug in the provider", v))
		return nil
	}
	return d
}

func (p *veeamProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewAWSUserMFAResource,
		NewVBRMFASettingsResource,
		NewAWSUserResource,
	}
}

func (p *veeamProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAWSAuthorizationCodeDataSource,
		NewAWSUserDataSource,
		NewVBRAuthorizationCodeDataSource,
		NewVBRUsersDataSource,
		NewAWSUsersDataSource,
		NewAWSSSOURLDataSource,
		NewEMAPIDataSource,
	}
}

func (p *veeamProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewAWSTokenEphemeralResource,
		NewVBRTokenEphemeralResource,
		NewVROTokenEphemeralResource,
		NewVAOTokenEphemeralResource,
		NewEMSessionEphemeralResource,
		NewAWSAuthorizationCodeEphemeralResource,
		NewVBRAuthorizationCodeEphemeralResource,
	}
}
