# The aws block reads its address and login from VEEAM_AWS_HOST, VEEAM_AWS_USERNAME,
# VEEAM_AWS_PASSWORD (and VEEAM_AWS_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  aws {}
}

# Every user whose name contains "ops", users with MFA first. The provider pages through all
# of them.
data "veeam_aws_users" "ops" {
  search_pattern = "ops"
  sort           = "mfaEnabledDesc"
}

output "ops_without_mfa" {
  value = [for u in data.veeam_aws_users.ops.users : u.name if !u.mfa_enabled]
}
