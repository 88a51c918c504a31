# The aws block reads its address and login from VEEAM_AWS_HOST, VEEAM_AWS_USERNAME,
# VEEAM_AWS_PASSWORD (and VEEAM_AWS_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  aws {}
}

data "veeam_aws_user" "alice" {
  name = "alice"
}

output "alice_has_mfa" {
  value = data.veeam_aws_user.alice.mfa_enabled
}
