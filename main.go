// Command terraform-provider-veeam is the Terraform provider for Veeam's REST
// authentication and multi-factor authentication surfaces.
package main

import (
	"context"
	"flag"
	"log"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/tfveeam/terraform-provider-veeam/internal/provider"
)

// version is set by goreleaser (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/tfveeam/veeam",
		Debug:   debug,
	})
	// Terraform has shut the plugin down: end the sessions this process logged in.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	provider.LogoutAll(ctx)
	cancel()
	if err != nil {
		log.Fatal(err)
	}
}
