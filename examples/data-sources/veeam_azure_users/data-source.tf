# The azure block reads its address and login from VEEAM_AZURE_HOST, VEEAM_AZURE_USERNAME,
# VEEAM_AZURE_PASSWORD (and VEEAM_AZURE_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  azure {}
}

# Every Backup for Microsoft Azure user.
data "veeam_azure_users" "all" {}

output "users_without_mfa" {
  value = [for u in data.veeam_azure_users.all.users : u.name if !u.mfa_enabled]
}
