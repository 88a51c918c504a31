// Command noop-provider is the floor `make bench` measures the real provider against: a
// Terraform provider (registry.terraform.io/tfveeam/noop) with one resource, noop_item, that
// copies its plan into state and calls nothing. What Terraform itself costs per resource (plugin
// start-up, gRPC, state writes) is what this provider costs; the ratio veeam ÷ noop is what the
// real provider adds. It is built by scripts/bench-terraform.sh into the bench's filesystem
// mirror and never released (.goreleaser.yml builds only the provider and the emulator). Like the
// provider, it is built on terraform-plugin-framework and turns its logging off when no TF_LOG*
// variable is set (internal/unreadlogs), so the two differ only in what their resources do.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tfveeam/terraform-provider-veeam/internal/unreadlogs"
)

func main() {
	// Logs nobody reads are not formatted, as in the real provider's main: a floor that paid for
	// them would flatter every ratio measured against it.
	unreadlogs.Silence("noop")
	err := providerserver.Serve(context.Background(), func() provider.Provider { return noopProvider{} }, providerserver.ServeOpts{
		Address: "registry.terraform.io/tfveeam/" + providerName,
	})
	if err != nil {
		log.Fatal(err)
	}
}

// noopProvider has no settings and one resource.
type noopProvider struct{}

func (noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = providerName
}

func (noopProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (noopProvider) Resources(context.Context) []func() resource.Resource {
	return append([]func() resource.Resource{func() resource.Resource { return item{} }}, floorResources...)
}

// providerName is the provider's name (noop); floorResources are none. A build with the
// benchfloor tag (floor.go) renames it and adds the schema-matched floors.
var (
	providerName   = "noop"
	floorResources []func() resource.Resource
)

func (noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
