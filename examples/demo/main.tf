# The demo: enable TOTP multi-factor authentication for the Veeam Backup for AWS user "alice",
# with no human typing a code. `make demo` runs it against the emulator; the provider block reads
# VEEAM_AWS_HOST, VEEAM_AWS_USERNAME, VEEAM_AWS_PASSWORD and VEEAM_AWS_CA_CERT_FILE.
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

variable "user_name" {
  type    = string
  default = "alice"
}

resource "veeam_aws_user_mfa" "this" {
  user_name = var.user_name
}

# Read back from the appliance: proves MFA is on there, not only in Terraform's state.
data "veeam_aws_user" "this" {
  name = veeam_aws_user_mfa.this.user_name
}

output "user_name" {
  value = data.veeam_aws_user.this.name
}

output "mfa_enabled" {
  value = data.veeam_aws_user.this.mfa_enabled
}

output "secret_key" {
  value     = veeam_aws_user_mfa.this.secret_key
  sensitive = true
}

# The QR code is rendered by a provider function when asked for; it is not kept in state.
output "qr_code_png" {
  value     = provider::veeam::qr_code_png(veeam_aws_user_mfa.this.otpauth_uri)
  sensitive = true
}

output "where_is_the_secret" {
  value = "terraform output -raw secret_key (base32, for an authenticator app); QR code: .demo/alice-mfa-qr.png"
}
