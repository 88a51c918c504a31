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

# Hand the QR code to alice's authenticator app.
resource "terraform_data" "qr" {
  input = veeam_aws_user_mfa.alice.qr_code_png
  provisioner "local-exec" {
    command = "echo \"$QR\" | base64 -d > alice-mfa-qr.png"
    environment = {
      QR = self.input
    }
  }
}
