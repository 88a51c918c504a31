# The aws block reads its address and login from the environment: VEEAM_AWS_HOST,
# VEEAM_AWS_USERNAME, VEEAM_AWS_PASSWORD (and VEEAM_AWS_CA_CERT_FILE for a self-signed
# certificate).
provider "veeam" {
  aws {}
}

# A single-use code another tool exchanges for tokens (grant_type=authorization_code),
# without ever seeing the password. It expires after 60 seconds. A data source's code is
# stored in state: prefer the ephemeral resource veeam_aws_authorization_code (Terraform 1.10+).
data "veeam_aws_authorization_code" "for_ci" {}

output "code" {
  value     = data.veeam_aws_authorization_code.for_ci.code
  sensitive = true
}
