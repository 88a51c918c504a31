# The vbr block reads its address and login from VEEAM_VBR_HOST, VEEAM_VBR_USERNAME,
# VEEAM_VBR_PASSWORD (and VEEAM_VBR_CA_CERT_FILE for a self-signed certificate).
# Backup & Replication 12.3 and older only: version 13 removed authorization codes (REST API
# 1.3-rev0), and there this fails while Terraform plans. Use ephemeral.veeam_vbr_token instead.
provider "veeam" {
  vbr {}
}

# A single-use code another tool exchanges for tokens (grant_type=authorization_code on
# /api/oauth2/token), without ever seeing the password. It expires after 60 seconds. A data
# source's code is stored in state: prefer the ephemeral resource
# veeam_vbr_authorization_code (Terraform 1.10+).
data "veeam_vbr_authorization_code" "for_ci" {}

output "code" {
  value     = data.veeam_vbr_authorization_code.for_ci.code
  sensitive = true
}
