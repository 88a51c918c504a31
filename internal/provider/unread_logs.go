package provider

import (
	"os"
	"strings"
)

// Environment variables that set the plugin SDKs' and this provider's log levels
// (terraform-plugin-log reads them when the plugin server starts).
const (
	envLogSDK      = "TF_LOG_SDK"            // terraform-plugin-go and -framework, every subsystem
	envLogProvider = "TF_LOG_PROVIDER_VEEAM" // this provider's own tflog lines (and its http subsystem)
)

// SilenceUnreadLogs turns the plugin's logging off when nobody can read it, and reports whether
// it did. Terraform keeps a provider's log lines only when TF_LOG or TF_LOG_PROVIDER is set;
// otherwise it parses every line the plugin writes to stderr and throws it away. Left at their
// default (TRACE), terraform-plugin-framework writes several JSON lines per attribute per RPC
// (every validator, plan modifier and default it calls): measured by make bench, that formatting
// and parsing was most of what this provider cost beyond a no-op provider. With no TF_LOG*
// variable set (or all empty), the SDK's and the provider's levels are set to OFF; any TF_LOG* or
// TF_ACC_LOG* variable (a user or a test asking for logs) leaves everything as it was. main calls
// it before serving; tests serve the provider in-process and never call it.
func SilenceUnreadLogs() bool {
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if value != "" && (strings.HasPrefix(name, "TF_LOG") || strings.HasPrefix(name, "TF_ACC_LOG")) {
			return false
		}
	}
	for _, k := range []string{envLogSDK, envLogProvider} {
		if err := os.Setenv(k, "OFF"); err != nil {
			return false
		}
	}
	return true
}
