data "veeam_aws_user" "alice" {
  name = "alice"
}

output "alice_has_mfa" {
  value = data.veeam_aws_user.alice.mfa_enabled
}
