# The aws block reads its address and login from VEEAM_AWS_HOST, VEEAM_AWS_USERNAME,
# VEEAM_AWS_PASSWORD (and VEEAM_AWS_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  aws {}
}

resource "veeam_aws_user_mfa" "alice" {
  user_name = "alice"
}

# The QR code alice scans with her authenticator app. It holds her TOTP secret, so the output
# is sensitive. Save it as a file with:
#   terraform output -raw alice_mfa_qr_code_png | base64 -d > alice-mfa-qr.png
output "alice_mfa_qr_code_png" {
  value     = provider::veeam::qr_code_png(veeam_aws_user_mfa.alice.otpauth_uri)
  sensitive = true
}
