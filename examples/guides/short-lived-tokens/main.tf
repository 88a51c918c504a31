# Hand short-lived Veeam credentials to other tools without writing them to plan or state.
# The blocks read their addresses and logins from VEEAM_AWS_* and VEEAM_VBR_* (HOST, USERNAME,
# PASSWORD, and CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  aws {}
  vbr {}
}

# 1. A Backup & Replication access token, opened in every Terraform command and logged out at
#    its end (Terraform 1.10+, OpenTofu 1.11+). Give it to another provider's configuration:
#    header_name is "Authorization", header_value is "Bearer <token>", base_url the API's
#    address. (The guide shows the same for the Mastercard/restapi provider.)
ephemeral "veeam_vbr_token" "this" {}

locals {
  vbr_api = {
    uri     = ephemeral.veeam_vbr_token.this.base_url
    headers = { (ephemeral.veeam_vbr_token.this.header_name) = ephemeral.veeam_vbr_token.this.header_value }
  }
}

# 2. A password that never reaches plan or state: an ephemeral input (in production, for
#    example, an ephemeral resource of your secrets manager) into the write-only password_wo
#    (Terraform 1.11+, OpenTofu 1.11+). Raise password_wo_version to send a new password.
variable "reporting_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "veeam_aws_user" "reporting" {
  name                = "reporting"
  description         = "Reporting scripts"
  password_wo         = var.reporting_password
  password_wo_version = 1
}
