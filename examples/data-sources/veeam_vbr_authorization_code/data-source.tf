# A single-use code another tool exchanges for tokens (grant_type=authorization_code on
# /api/oauth2/token), without ever seeing the password. It expires after 60 seconds.
data "veeam_vbr_authorization_code" "for_ci" {}

output "code" {
  value     = data.veeam_vbr_authorization_code.for_ci.code
  sensitive = true
}
