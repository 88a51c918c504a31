# The vbr block reads its address and login from VEEAM_VBR_HOST, VEEAM_VBR_USERNAME,
# VEEAM_VBR_PASSWORD (and VEEAM_VBR_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  vbr {}
}

# Every user and group with access to Veeam Backup & Replication.
data "veeam_vbr_users" "all" {}

# Only users whose name contains "svc" (case-insensitive).
data "veeam_vbr_users" "service" {
  name_filter = "svc"
}

# Interactive users that have not enrolled in MFA yet (mfa_enabled is null on Backup &
# Replication 13.0.1, whose API does not say; set from 13.1 on).
output "users_without_mfa" {
  value = [for u in data.veeam_vbr_users.all.users : u.name if u.mfa_enabled == false && !u.is_service_account]
}

# Roles are objects {id, name, description}; role_names lists just the names.
output "administrators" {
  value = [for u in data.veeam_vbr_users.all.users : u.name if contains(u.role_names, "Backup Administrator")]
}

output "service_users" {
  value = data.veeam_vbr_users.service.users[*].name
}
