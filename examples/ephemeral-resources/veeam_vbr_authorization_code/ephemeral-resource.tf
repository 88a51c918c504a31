# A single-use code for another tool (grant_type=authorization_code on /api/oauth2/token),
# never written to plan or state. Needs Terraform 1.10 or newer.
ephemeral "veeam_vbr_authorization_code" "for_ci" {}

# For example, hand it to another provider's configuration:
# provider "somevendor" {
#   veeam_authorization_code = ephemeral.veeam_vbr_authorization_code.for_ci.code
# }
