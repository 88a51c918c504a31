package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// productAPI is what every resource and data source of one product shares: its type name,
// the provider's data, and the way to the product's client (C, e.g. *client.AWSClient).
type productAPI[C session] struct {
	product  client.Product
	typeName string // after "veeam_"
	data     *providerData
}

// modelSource is a plan, state or configuration.
type modelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// begin reads the model from src and returns the product's client; false when either failed
// (diags says why).
func (a *productAPI[C]) begin(ctx context.Context, src modelSource, model any, diags *diag.Diagnostics) (C, bool) {
	var zero C
	diags.Append(src.Get(ctx, model)...)
	if diags.HasError() {
		return zero, false
	}
	return a.client(diags)
}

// client returns the product's client, or false and why there is none.
func (a *productAPI[C]) client(diags *diag.Diagnostics) (C, bool) {
	c, conf := clientOf[C](a.data, a.product, "veeam_"+a.typeName, diags)
	return c, conf != nil
}

// callError reports a failed API call; the first of advice that fits err is said before it.
func (a *productAPI[C]) callError(diags *diag.Diagnostics, summary string, err error, advice ...errorAdvice) {
	for _, x := range advice {
		if x.fits(err) {
			diags.AddError(summary, x.text+"\n\n"+err.Error())
			return
		}
	}
	a.data.addCallError(diags, a.product, summary, err)
}

// productResource is embedded by a product's managed resources: it gives Metadata and
// Configure; the resource adds Schema and the CRUD methods.
type productResource[C session] struct{ productAPI[C] }

func (r *productResource[C]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.typeName
}

func (r *productResource[C]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// productDataSource is embedded by a product's data sources: it gives Metadata and
// Configure; the data source adds Schema and Read.
type productDataSource[C session] struct{ productAPI[C] }

func (d *productDataSource[C]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.typeName
}

func (d *productDataSource[C]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// productReader is a whole data source of a product declared as values (dataSourceReading): its
// schema, and its model M, which reads itself with the product's client C (modelReader). Read
// reads the configuration into M, gets the client (the provider's session, or the model's own
// connection: connectsWithoutLogin), lets M read, and saves M as the state unless reading added
// an error.
type productReader[M any, C session, P modelReader[M, C]] struct {
	productDataSource[C]
	schema func() schema.Schema
}

// modelReader is a data source model (a *M) that fills itself with what the API says.
type modelReader[M any, C session] interface {
	*M
	read(ctx context.Context, r dataSourceRead[C])
}

// dataSourceRead is what a model's read gets: the product's client, and where to report.
type dataSourceRead[C session] struct {
	client C
	api    *productAPI[C]
	diags  *diag.Diagnostics
}

// fail reports a failed API call (productAPI.callError).
func (r dataSourceRead[C]) fail(summary string, err error, advice ...errorAdvice) {
	r.api.callError(r.diags, summary, err, advice...)
}

// dataSourceReading is the data source d with schema s, whose model M reads itself.
func dataSourceReading[M any, C session, P modelReader[M, C]](d productDataSource[C], s func() schema.Schema) datasource.DataSourceWithConfigure {
	return &productReader[M, C, P]{productDataSource: d, schema: s}
}

// connectsWithoutLogin is a model whose read needs no login: connect gets its client instead of
// the provider's session.
type connectsWithoutLogin[C session] interface {
	connect(d *providerData, diags *diag.Diagnostics) (C, bool)
}

func (d *productReader[M, C, P]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = d.schema()
}

func (d *productReader[M, C, P]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m M
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var c C
	var ok bool
	if nl, is := any(P(&m)).(connectsWithoutLogin[C]); is {
		c, ok = nl.connect(d.data, &resp.Diagnostics)
	} else {
		c, ok = d.client(&resp.Diagnostics)
	}
	if !ok {
		return
	}
	P(&m).read(ctx, dataSourceRead[C]{client: c, api: &d.productAPI, diags: &resp.Diagnostics})
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}

// productEphemeral is embedded by a product's ephemeral resources: it gives Metadata and
// Configure; the ephemeral resource adds Schema and Open.
type productEphemeral[C session] struct{ productAPI[C] }

func (e *productEphemeral[C]) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + e.typeName
}

func (e *productEphemeral[C]) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// resourceOf is the productResource of the type veeam_<typeName> of product.
func resourceOf[C session](product client.Product, typeName string) productResource[C] {
	return productResource[C]{productAPI[C]{product: product, typeName: typeName}}
}

// dataSourceOf is the productDataSource of the type veeam_<typeName> of product.
func dataSourceOf[C session](product client.Product, typeName string) productDataSource[C] {
	return productDataSource[C]{productAPI[C]{product: product, typeName: typeName}}
}

// ephemeralOf is the productEphemeral of the type veeam_<typeName> of product.
func ephemeralOf[C session](product client.Product, typeName string) productEphemeral[C] {
	return productEphemeral[C]{productAPI[C]{product: product, typeName: typeName}}
}
