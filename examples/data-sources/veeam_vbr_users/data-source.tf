# Every user and group with access to Veeam Backup & Replication.
data "veeam_vbr_users" "all" {}

# Only users whose name contains "svc" (case-insensitive).
data "veeam_vbr_users" "service" {
  name_filter = "svc"
}

# Interactive users that have not enrolled in MFA yet.
output "users_without_mfa" {
  value = [for u in data.veeam_vbr_users.all.users : u.name if !u.mfa_enabled && !u.is_service_account]
}
