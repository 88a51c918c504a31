# A Portal Administrator in the aws block manages other users. The block reads its address and
# login from VEEAM_AWS_HOST, VEEAM_AWS_USERNAME, VEEAM_AWS_PASSWORD (and
# VEEAM_AWS_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  aws {}
}

# Terraform 1.11+: the password is write-only, never stored in plan or state. Terraform cannot
# see a change to a write-only value, so bump password_wo_version to send a new password.
resource "veeam_aws_user" "alice" {
  name                = "alice"
  description         = "Backup operator"
  password_wo         = var.alice_password
  password_wo_version = 1
}

# Older Terraform: password is stored in state (as a sensitive value); changing it sends it.
resource "veeam_aws_user" "bob" {
  name     = "bob"
  password = var.bob_password
}

# MFA for the new user, with no human typing a code.
resource "veeam_aws_user_mfa" "alice" {
  user_name = veeam_aws_user.alice.name
}

variable "alice_password" {
  type      = string
  sensitive = true
  ephemeral = true # Terraform 1.10+: the variable may feed only write-only or ephemeral values
}

variable "bob_password" {
  type      = string
  sensitive = true
}
