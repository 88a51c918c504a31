package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// A provider block whose values are only known after apply (here: from terraform_data) must
// plan without error and log in at apply, when Terraform configures it again.
func TestAccProvider_valuesUnknownAtPlanDeferTheLogin(t *testing.T) {
	srv := testEmulator(t)
	addAWSUser(t, srv, "alice", "Alice-Pass1", "Portal Operator")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "endpoint" {
  input = %q
}

provider "veeam" {
  aws {
    host        = terraform_data.endpoint.output
    username    = "administrator"
    password    = "Password1"
    ca_cert_pem = %s
  }
}

resource "veeam_aws_user_mfa" "test" {
  user_name = "alice"
}
`, srv.URL[emulator.AWS], heredoc(srv.CACertPEM)),
			Check: secretMatchesEmulator(srv, "alice", nil),
		}},
	})
}
