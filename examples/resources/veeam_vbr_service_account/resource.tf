# The vbr block reads its address and login from VEEAM_VBR_HOST, VEEAM_VBR_USERNAME,
# VEEAM_VBR_PASSWORD (and VEEAM_VBR_CA_CERT_FILE for a self-signed certificate). Backup &
# Replication 13.0.1 or newer; the provider's user needs the Backup Administrator role.
provider "veeam" {
  vbr {}
}

# MFA does not apply to REST API logins: once MFA is on, only service accounts can use the
# API. Exempt the accounts automation logs in with first, the provider's own included.
resource "veeam_vbr_service_account" "backup_scripts" {
  user_name = "svc-scripts"
}

# Then switch MFA on for everyone else. depends_on lets the plan see that the exemption comes
# first (the plan refuses to lock the provider's own account out).
resource "veeam_vbr_mfa_settings" "this" {
  mfa_enabled = true

  depends_on = [veeam_vbr_service_account.backup_scripts]
}

# Destroying veeam_vbr_service_account makes the user an ordinary account again (MFA applies
# to it again), unless it was a service account before Terraform managed it, or it is the
# provider's own login account while MFA is on: then it stays one, with a warning.
