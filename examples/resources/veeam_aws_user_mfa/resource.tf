# The aws block reads its address and login from VEEAM_AWS_HOST, VEEAM_AWS_USERNAME,
# VEEAM_AWS_PASSWORD (and VEEAM_AWS_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  aws {}
}

# Enable TOTP MFA for alice: the provider calls enableMfa, computes the current code from the
# returned secret and calls acceptMfa. Nobody types a code.
resource "veeam_aws_user_mfa" "alice" {
  user_name = "alice"

  # Change a value to re-create the secret in place (e.g. yearly, or after a lost device).
  rotation_triggers = {
    rotated = "2026-11"
  }
}

# The QR code for alice's authenticator app, rendered when asked for (it is not kept in state):
#   terraform output -raw alice_mfa_qr_code_png | base64 -d > alice-mfa-qr.png
output "alice_mfa_qr_code_png" {
  value     = provider::veeam::qr_code_png(veeam_aws_user_mfa.alice.otpauth_uri)
  sensitive = true
}

# Terraform 1.11+: keep bob's secret, otpauth URI and scratch codes out of state in plaintext,
# encrypted for an OpenPGP key instead, in one attribute. The key is write-only: it is not in state.
resource "veeam_aws_user_mfa" "bob" {
  user_name  = "bob"
  pgp_key_wo = var.bob_pgp_public_key
}

variable "bob_pgp_public_key" {
  description = "The OpenPGP public key bob's secrets are encrypted for, base64-encoded: gpg --export KEYID | base64 -w0"
  type        = string
}

# Decrypt with the private key: one JSON object of secret_key, otpauth_uri and scratch_codes.
#   terraform output -raw bob_encrypted_secrets | base64 -d | gpg --decrypt | jq -r .secret_key
output "bob_encrypted_secrets" {
  value = veeam_aws_user_mfa.bob.encrypted_secrets
}
