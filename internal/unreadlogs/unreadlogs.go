// Package unreadlogs turns a plugin's logging off when nobody can read it.
//
// Terraform keeps a provider's log lines only when TF_LOG or TF_LOG_PROVIDER is set; otherwise it
// reads every line the plugin writes to stderr, parses it and throws it away. Left at their
// default (TRACE), the plugin SDKs still format every line: terraform-plugin-framework writes
// several JSON lines per attribute per RPC (each validator, plan modifier and default it calls).
// make bench measured that formatting and parsing at about a third of what the provider's process
// cost during an apply, growing with the number of attributes of the resource.
package unreadlogs

import (
	"os"
	"strings"
)

// envLogSDK sets terraform-plugin-go's and terraform-plugin-framework's level (every subsystem).
const envLogSDK = "TF_LOG_SDK"

// ProviderLevelVariable is the variable that sets the provider's own tflog level, for the
// provider type name (veeam: TF_LOG_PROVIDER_VEEAM, which its http subsystem follows too).
func ProviderLevelVariable(providerType string) string {
	return "TF_LOG_PROVIDER_" + strings.ToUpper(strings.ReplaceAll(providerType, "-", "_"))
}

// Silence sets the SDK's and the provider's levels to OFF when no TF_LOG* or TF_ACC_LOG*
// variable has a value, and reports whether it did; any of them set (a user or a test asking
// for logs) leaves everything as it was. A plugin's main calls it before serving, so that
// terraform-plugin-go reads the levels when the server starts; tests that serve a provider
// in-process never call it.
func Silence(providerType string) bool {
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if value != "" && (strings.HasPrefix(name, "TF_LOG") || strings.HasPrefix(name, "TF_ACC_LOG")) {
			return false
		}
	}
	for _, k := range []string{envLogSDK, ProviderLevelVariable(providerType)} {
		if err := os.Setenv(k, "OFF"); err != nil {
			return false
		}
	}
	return true
}
