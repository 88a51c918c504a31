package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// NewAWSUserMFAResource is veeam_aws_user_mfa: the shared per-user MFA resource
// (user_mfa_resource.go) on Backup for AWS, whose MFA endpoints address users by name.
func NewAWSUserMFAResource() resource.Resource {
	return newUserMFAResource[*client.AWSClient](client.AWS, "aws_user_mfa", userMFAProduct{
		userDoc:    "Name of the Veeam Backup for AWS user (not an identity-provider user: those cannot use MFA).",
		createUser: "create it first (veeam_aws_user) or fix user_name",
		adminRole:  "Portal Administrator",
	})
}
