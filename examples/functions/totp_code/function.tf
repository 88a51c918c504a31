# The aws block reads its address and login from VEEAM_AWS_HOST, VEEAM_AWS_USERNAME,
# VEEAM_AWS_PASSWORD (and VEEAM_AWS_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  aws {}
}

resource "veeam_aws_user_mfa" "alice" {
  user_name = "alice"
}

# A function does not read the clock: pass the time in, e.g.
#   terraform apply -var "unix_time=$(date +%s)"
variable "unix_time" {
  type        = number
  description = "Seconds since 1970-01-01T00:00:00Z."
}

# alice's current TOTP code, for a tool that logs in as her. It is valid for 30 seconds.
output "alice_totp_code" {
  value     = provider::veeam::totp_code(veeam_aws_user_mfa.alice.secret_key, var.unix_time)
  sensitive = true
}

# The RFC 6238 test vector: the secret "12345678901234567890" at 59 s gives 287082.
output "rfc6238_test_vector" {
  value = provider::veeam::totp_code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59)
}
