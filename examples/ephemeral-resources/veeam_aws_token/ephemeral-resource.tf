# A fresh Backup for AWS access token for another provider or a script; it never reaches plan
# or state, and Terraform logs its session out at the end of the run (Terraform 1.10+).
ephemeral "veeam_aws_token" "api" {}

# For example, a generic REST provider that calls the rest of the Backup for AWS API with it
# (provider configurations may use ephemeral values).
provider "restapi" {
  uri = ephemeral.veeam_aws_token.api.base_url
  headers = {
    (ephemeral.veeam_aws_token.api.header_name) = ephemeral.veeam_aws_token.api.header_value
    "x-api-version"                             = "1.7-rev0"
  }
}
