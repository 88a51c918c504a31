# Enforce TOTP MFA for every Veeam Backup for AWS user, and rotate every secret on a schedule.
# The aws block reads its address and login from VEEAM_AWS_HOST, VEEAM_AWS_USERNAME,
# VEEAM_AWS_PASSWORD (and VEEAM_AWS_CA_CERT_FILE for a self-signed certificate). Listing users
# needs a Portal Administrator.
provider "veeam" {
  aws {}
}

variable "exempt_users" {
  description = <<-EOT
    Users left alone: the provider's own login user (MFA for it makes the next command fail
    until the aws block has its totp_secret) and identity-provider users (they sign in through
    single sign-on and cannot have MFA).
  EOT
  type        = set(string)
  default     = ["administrator"]
}

variable "rotation" {
  description = "Any value; changing it gives every user a new MFA secret. In production: time_rotating (see the guide)."
  type        = string
}

data "veeam_aws_users" "all" {}

locals {
  # Every user, whatever their MFA state now: a filter on mfa_enabled would drop users from
  # for_each once Terraform has enabled their MFA, and the next plan would disable it again.
  mfa_users = toset([for u in data.veeam_aws_users.all.users : u.name if !contains(var.exempt_users, u.name)])
}

resource "veeam_aws_user_mfa" "user" {
  for_each  = local.mfa_users
  user_name = each.key

  rotation_triggers = {
    rotation = var.rotation
  }
}

# Each user's enrollment URI, for handing to their authenticator app through a secure channel:
# terraform output -json enrollment_uris
output "enrollment_uris" {
  value     = { for name, mfa in veeam_aws_user_mfa.user : name => mfa.otpauth_uri }
  sensitive = true
}
