package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfstate "github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// testAccProtoV6ProviderFactories runs the provider in process for acceptance tests.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"veeam": providerserver.NewProtocol6WithError(New("test")()),
}

// testEmulator starts every emulated product in process over TLS.
func testEmulator(t *testing.T) *emulatortest.Servers {
	t.Helper()
	return emulatortest.Start(t, emulator.Options{})
}

// heredoc quotes a multi-line value for HCL.
func heredoc(s string) string {
	return "<<-EOT\n" + strings.TrimRight(s, "\n") + "\nEOT\n"
}

// awsProviderConfig is a provider block for the emulator's Backup for AWS, trusted through
// ca_cert_pem.
func awsProviderConfig(srv *emulatortest.Servers, user, password string) string {
	return fmt.Sprintf(`
provider "veeam" {
  aws {
    host        = %q
    username    = %q
    password    = %q
    ca_cert_pem = %s
  }
}
`, srv.URL[emulator.AWS], user, password, heredoc(srv.CACertPEM))
}

func addAWSUser(t *testing.T, srv *emulatortest.Servers, name, password, role string) {
	t.Helper()
	if err := srv.Emulator.AddUser(emulator.AWS, emulator.SeedUser{Name: name, Password: password, Role: role}); err != nil {
		t.Fatalf("AddUser %s: %v", name, err)
	}
}

// terraformState is the state the testing framework hands to check functions.
type terraformState = tfstate.State
