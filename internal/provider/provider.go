// Package provider maps Terraform schemas onto internal/client calls. It holds no HTTP code.
package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

var (
	_ provider.Provider                       = &veeamProvider{}
	_ provider.ProviderWithEphemeralResources = &veeamProvider{}
)

type veeamProvider struct {
	version string
	// now and sleep become every client's Config.Now and Config.Sleep. Only tests set them (to
	// the emulator's clock); nil: the real clock.
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}

// New returns the provider factory for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &veeamProvider{version: version} }
}

func (p *veeamProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "veeam"
	resp.Version = p.version
}

func (p *veeamProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{MarkdownDescription: providerDescription(), Blocks: map[string]schema.Block{}}
	for _, p := range products {
		resp.Schema.Blocks[string(p.id)] = p.schema()
	}
}

// providerDescription says which products there are and how each is configured: the one
// statement of the rules in settings.go, which the registry's index page shows too.
func providerDescription() string {
	var blocks []string
	for _, p := range products {
		blocks = append(blocks, fmt.Sprintf("`%s` (%s)", p.id, p.id.Title()))
	}
	return "Authentication and multi-factor authentication for Veeam's REST APIs.\n\n" +
		"Each product has its own optional block: " + strings.Join(blocks, ", ") + ". " +
		"Every attribute of a block can also be set with an environment variable `VEEAM_<PRODUCT>_<ATTRIBUTE>`, for example " +
		"`VEEAM_AWS_PASSWORD`; a value written in the block wins. A product whose block is absent is configured from the " +
		"environment alone when `VEEAM_<PRODUCT>_HOST` is set (`VEEAM_AWS_HOST` for `aws`), exactly as an empty block would be; " +
		"with neither the block nor that variable, the product is not configured, and its resources say so.\n\n" +
		"The provider logs in once per configured product each time Terraform configures it (once per plan or apply walk), " +
		"and every resource of that product shares the session."
}

// session is the part of a product client the provider needs generically.
type session interface {
	Credential(ctx context.Context) (*client.Token, error)
	Logout(ctx context.Context) error
}

// configured is a product whose block was present, or whose VEEAM_<PRODUCT>_HOST was set
// when it was absent.
type configured struct {
	client   session       // nil while pending
	config   client.Config // for ephemeral logins with the same credentials
	resolver *resolver     // the settings' sources, for diagnostics
	pending  []string      // attributes unknown at plan time: login deferred
}

// configureFromEnvironment configures p, whose block is absent but whose VEEAM_<PRODUCT>_HOST
// is set, exactly as an empty block: every setting comes from the environment.
func configureFromEnvironment(ctx context.Context, pv *veeamProvider, p *product, diags *diag.Diagnostics) *configured {
	var own diag.Diagnostics
	c := configureProduct(ctx, pv, p, p.model(), &own)
	diags.Append(fromEnvironment(p, own)...)
	return c
}

// configureProduct resolves a product block and logs in once. Unknown values defer the login
// (Terraform configures again at apply with known values).
func configureProduct(ctx context.Context, pv *veeamProvider, p *product, model any, diags *diag.Diagnostics) *configured {
	r := &resolver{product: p.id}
	cfg, err := r.resolve(model)
	if err != nil {
		addConfigError(diags, p.id, err)
		return nil
	}
	cfg.UserAgent = "terraform-provider-veeam/" + pv.version
	cfg.Now, cfg.Sleep = pv.now, pv.sleep
	addConnectionWarnings(ctx, p.id, cfg, diags)
	if len(r.unknown) > 0 {
		tflog.Info(ctx, "provider configuration not known yet; login deferred", map[string]any{"product": string(p.id), "unknown": r.unknown})
		return &configured{pending: r.unknown, config: cfg, resolver: r}
	}
	c, err := p.open(cfg)
	if err != nil {
		addConfigError(diags, p.id, r.explain(err))
		return nil
	}
	if p.lazy != nil && p.lazy(cfg.Credentials) {
		tflog.Debug(ctx, "login deferred to the first call that needs it", map[string]any{"product": string(p.id)})
		openSessions.add(c) // logging out a session that never logged in does nothing
		return &configured{client: c, config: cfg, resolver: r}
	}
	if _, err := c.Credential(ctx); err != nil {
		addLoginError(diags, p.id, r.explain(err))
		return nil
	}
	openSessions.add(c)
	return &configured{client: c, config: cfg, resolver: r}
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

// ready returns the product's configuration when its client is ready for what (a type
// name), or adds why not: provider not configured, block missing, values not known yet.
func (d *providerData) ready(product client.Product, what string, diags *diag.Diagnostics) (*configured, bool) {
	if d == nil {
		diags.Append(notConfigured(what))
		return nil, false
	}
	c := d.products[product]
	switch {
	case c == nil:
		diags.Append(missingBlock(product, what))
		return nil, false
	case len(c.pending) > 0:
		diags.Append(notKnownYet(product, what, c.pending))
		return nil, false
	}
	return c, true
}

// clientOf returns the product's client as the type C its constructor returns (for example
// *client.AWSClient for client.AWS), or adds to diags why there is none.
func clientOf[C session](d *providerData, product client.Product, what string, diags *diag.Diagnostics) (C, *configured) {
	var zero C
	c, ok := d.ready(product, what, diags)
	if !ok {
		return zero, nil
	}
	typed, ok := c.client.(C)
	if !ok {
		diags.AddError("Unexpected client", fmt.Sprintf("%s: the %q client is a %T: this is a bug in the provider", what, product, c.client))
		return zero, nil
	}
	return typed, c
}

// providerData is what Configure hands every resource, data source and ephemeral resource.
type providerData struct {
	version  string
	products map[client.Product]*configured // the blocks that were present
	// vbrServiceAccounts are the users this run's plan makes service accounts
	// (veeam_vbr_service_account), for veeam_vbr_mfa_settings' lockout check at plan time.
	vbrServiceAccounts plannedServiceAccounts
}

func (p *veeamProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	data := &providerData{version: p.version, products: map[client.Product]*configured{}}
	for _, prod := range products {
		var block types.Object
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(string(prod.id)), &block)...)
		if resp.Diagnostics.HasError() {
			return
		}
		var c *configured
		switch {
		case !block.IsNull():
			model := prod.model()
			resp.Diagnostics.Append(block.As(ctx, model, basetypes.ObjectAsOptions{})...)
			if resp.Diagnostics.HasError() {
				return
			}
			c = configureProduct(ctx, p, prod, model, &resp.Diagnostics)
		case prod.fromEnvironment():
			c = configureFromEnvironment(ctx, p, prod, &resp.Diagnostics)
		}
		if c != nil {
			data.products[prod.id] = c
		}
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
	var list []func() resource.Resource
	for _, prod := range products {
		list = append(list, prod.resources...)
	}
	return list
}

func (p *veeamProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	var list []func() datasource.DataSource
	for _, prod := range products {
		list = append(list, prod.dataSources...)
		if prod.authorizationCode != nil {
			list = append(list, newAuthorizationCodeDataSource(prod))
		}
	}
	return list
}

func (p *veeamProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	var list []func() ephemeral.EphemeralResource
	for _, prod := range products {
		if prod.token != nil {
			list = append(list, newTokenEphemeralResource(prod))
		}
		if prod.authorizationCode != nil {
			list = append(list, newAuthorizationCodeEphemeralResource(prod))
		}
	}
	return list
}
