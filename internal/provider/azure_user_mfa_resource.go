package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// NewAzureUserMFAResource is veeam_azure_user_mfa: the shared per-user MFA resource
// (user_mfa_resource.go) on Backup for Microsoft Azure, whose MFA endpoints address users by id
// (the client finds it from the name).
func NewAzureUserMFAResource() resource.Resource {
	return newUserMFAResource[*client.AzureClient](client.AZURE, "azure_user_mfa", userMFAProduct{
		userDoc:    "Name of the Veeam Backup for Microsoft Azure user.",
		createUser: "create it in the appliance first, or fix user_name",
		adminRole:  "PortalAdmin",
	})
}
