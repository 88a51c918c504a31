# The m365 block reads its address and login from VEEAM_M365_HOST, VEEAM_M365_USERNAME,
# VEEAM_M365_PASSWORD (and VEEAM_M365_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  m365 {}
}

# A one-time authorization code of the provider's user (POST /v8/token/AuthCode). A data
# source's code is stored in state: prefer the ephemeral resource
# veeam_m365_authorization_code (Terraform 1.10+).
data "veeam_m365_authorization_code" "for_ci" {}

output "code" {
  value     = data.veeam_m365_authorization_code.for_ci.code
  sensitive = true
}
