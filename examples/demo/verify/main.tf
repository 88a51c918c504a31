# Logs in as the MFA user with VEEAM_AWS_TOTP_SECRET: the provider computes the code itself.
terraform {
  required_providers {
    veeam = {
      source = "tfveeam/veeam"
    }
  }
}

provider "veeam" {
  aws {}
}

# Reading it needs a logged-in session: a failed MFA login fails the apply.
data "veeam_aws_user" "me" {
  name = "alice"
}

output "logged_in_as_mfa_user" {
  value = "${data.veeam_aws_user.me.name} (mfa_enabled = ${data.veeam_aws_user.me.mfa_enabled})"
}
