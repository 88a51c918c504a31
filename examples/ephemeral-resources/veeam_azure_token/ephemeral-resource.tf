# The azure block reads its address and login from VEEAM_AZURE_HOST, VEEAM_AZURE_USERNAME,
# VEEAM_AZURE_PASSWORD (and VEEAM_AZURE_TOTP_SECRET for a user with MFA).
provider "veeam" {
  azure {}
}

# A fresh Backup for Microsoft Azure access token for a script; it never reaches plan or
# state, and Terraform logs its session out at the end of the run (Terraform 1.10+).
ephemeral "veeam_azure_token" "api" {}

resource "terraform_data" "list_users" {
  provisioner "local-exec" {
    command = "curl --fail -sS --cacert \"$VEEAM_AZURE_CA_CERT_FILE\" -H \"$HEADER\" -o users.json \"$URL/api/v8.1/users\""
    environment = {
      HEADER = "${ephemeral.veeam_azure_token.api.header_name}: ${ephemeral.veeam_azure_token.api.header_value}"
      URL    = ephemeral.veeam_azure_token.api.base_url
    }
  }
}
