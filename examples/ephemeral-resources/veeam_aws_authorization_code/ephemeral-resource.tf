# The default provider configuration logs in with a password. The address comes from
# VEEAM_AWS_HOST (and VEEAM_AWS_CA_CERT_FILE) for both configurations below; the password is
# set here, not through VEEAM_AWS_PASSWORD, because the handoff configuration would read that
# variable too, and a block logs in with exactly one method.
provider "veeam" {
  aws {
    username = var.aws_username
    password = var.aws_password
  }
}

# A fresh single-use code in every Terraform command, issued to the user of the default
# provider configuration, that never reaches plan or state (Terraform 1.10+).
ephemeral "veeam_aws_authorization_code" "handoff" {}

# A second provider configuration logs in with it, without ever seeing a password. It logs in
# only when one of its resources first needs the API, so an unused code just expires.
provider "veeam" {
  alias = "handoff"
  aws {
    authorization_code = ephemeral.veeam_aws_authorization_code.handoff.code
  }
}

data "veeam_aws_user" "me" {
  provider = veeam.handoff
  name     = var.aws_username
}

variable "aws_username" {
  type = string
}

variable "aws_password" {
  type      = string
  sensitive = true
}
