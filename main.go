// Command terraform-provider-veeam is the Terraform provider for Veeam's REST
// authentication and multi-factor authentication surfaces.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/tfveeam/terraform-provider-veeam/internal/provider"
	"github.com/tfveeam/terraform-provider-veeam/internal/unreadlogs"
)

// version and commit are set by goreleaser (-ldflags "-X main.version=... -X main.commit=...").
var (
	version = "dev"
	commit  = "none"
)

func main() {
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	log.SetPrefix("terraform-provider-veeam " + version + " (" + commit + "): ")

	if os.Getenv("GOGC") == "" {
		// A plugin process lives for one graph walk with a small heap: collect less often
		// (make bench measured the collector at a sixth of the provider's CPU at the default 100).
		debug.SetGCPercent(400)
	}
	if !debugMode {
		// Nobody reads the logs unless TF_LOG* is set: do not format them.
		unreadlogs.Silence("veeam")
	}
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/tfveeam/veeam",
		Debug:   debugMode,
	})
	// Terraform has shut the plugin down: end the sessions this process logged in.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	provider.LogoutAll(ctx)
	cancel()
	if err != nil {
		log.Fatal(err)
	}
}
