//go:build tools

// Package tools pins the versions of Go-based development tools used by
// this repository. It is never built into the provider; install the tools
// with scripts/install-tools.sh (or `make tools`).
package tools

import (
	// Documentation generation.
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
