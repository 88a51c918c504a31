# The vbr block reads its address and login from VEEAM_VBR_HOST, VEEAM_VBR_USERNAME,
# VEEAM_VBR_PASSWORD (and VEEAM_VBR_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  vbr {}
}

# Require multi-factor authentication for every Veeam Backup & Replication user that is not a
# service account. The provider's vbr user needs the Veeam Backup Administrator role, and must
# be a service account itself (the plan refuses otherwise: see veeam_vbr_service_account).
resource "veeam_vbr_mfa_settings" "this" {
  mfa_enabled = true
}

# Destroying the resource leaves the setting as it is (with a warning): to switch MFA off,
# apply mfa_enabled = false first.
