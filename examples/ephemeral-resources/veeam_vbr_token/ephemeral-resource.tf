# The vbr block reads its address and login from VEEAM_VBR_HOST, VEEAM_VBR_USERNAME,
# VEEAM_VBR_PASSWORD (and VEEAM_VBR_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  vbr {}
}

# A fresh Backup & Replication access token for another provider or a script; it never reaches
# plan or state, and Terraform logs its session out at the end of the run (Terraform 1.10+).
ephemeral "veeam_vbr_token" "api" {}

# For example, a script that calls the rest of the Backup & Replication API with it:
# provisioners may use ephemeral values, and so may other providers' configurations. (--cacert
# is needed only for a self-signed certificate.)
resource "terraform_data" "list_users" {
  provisioner "local-exec" {
    command = "curl --fail -sS --cacert \"$VEEAM_VBR_CA_CERT_FILE\" -H \"Authorization: $AUTHORIZATION\" -H 'x-api-version: 1.3-rev1' \"$URL/api/v1/security/users\""
    environment = {
      AUTHORIZATION = ephemeral.veeam_vbr_token.api.header_value
      URL           = ephemeral.veeam_vbr_token.api.base_url
    }
  }
}
