# The default provider configuration logs in with VEEAM_AWS_USERNAME and VEEAM_AWS_PASSWORD.
# The address comes from VEEAM_AWS_HOST (and VEEAM_AWS_CA_CERT_FILE) for both configurations.
provider "veeam" {
  aws {}
}

# A fresh single-use code in every Terraform command, issued to the user of the default
# provider configuration, that never reaches plan or state (Terraform 1.10+).
ephemeral "veeam_aws_authorization_code" "handoff" {}

# A second provider configuration logs in with it, without ever seeing a password: a login
# method written in the block wins over VEEAM_AWS_PASSWORD. It logs in only when one of its
# resources first needs the API, so an unused code just expires.
provider "veeam" {
  alias = "handoff"
  aws {
    authorization_code = ephemeral.veeam_aws_authorization_code.handoff.code
  }
}

data "veeam_aws_user" "me" {
  provider = veeam.handoff
  name     = "administrator"
}
