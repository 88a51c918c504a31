# The aws block reads its address and login from VEEAM_AWS_HOST, VEEAM_AWS_USERNAME,
# VEEAM_AWS_PASSWORD (and VEEAM_AWS_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  aws {}
}

# A fresh Backup for AWS access token for another provider or a script; it never reaches plan
# or state, and Terraform logs its session out at the end of the run (Terraform 1.10+).
ephemeral "veeam_aws_token" "api" {}

# For example, a script that calls the rest of the Backup for AWS API with it: provisioners
# may use ephemeral values, and so may other providers' configurations (see the guide "Hand
# short-lived tokens to other tools"). Terraform hides a provisioner's output when it uses an
# ephemeral value, so the answer goes to users.json. (--cacert is needed only for a
# self-signed certificate.)
resource "terraform_data" "list_users" {
  provisioner "local-exec" {
    command = "curl --fail -sS --cacert \"$VEEAM_AWS_CA_CERT_FILE\" -H \"$HEADER\" -H 'x-api-version: 1.7-rev0' -o users.json \"$URL/api/v1/users\""
    environment = {
      HEADER = "${ephemeral.veeam_aws_token.api.header_name}: ${ephemeral.veeam_aws_token.api.header_value}"
      URL    = ephemeral.veeam_aws_token.api.base_url
    }
  }
}
