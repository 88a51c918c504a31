# The azure block reads its address and login from VEEAM_AZURE_HOST, VEEAM_AZURE_USERNAME,
# VEEAM_AZURE_PASSWORD (and VEEAM_AZURE_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  azure {}
}

# Enable TOTP MFA for the operator account of Backup for Microsoft Azure: the provider calls
# enableMfa, computes the current code from the returned secret and calls acceptMfa.
resource "veeam_azure_user_mfa" "operator" {
  user_name = "operator"

  # Change a value to re-create the secret in place.
  rotation_triggers = {
    rotated = "2026-11"
  }
}

# The QR code for the operator's authenticator app:
#   terraform output -raw operator_mfa_qr_code_png | base64 -d > operator-mfa-qr.png
output "operator_mfa_qr_code_png" {
  value     = provider::veeam::qr_code_png(veeam_azure_user_mfa.operator.otpauth_uri)
  sensitive = true
}
