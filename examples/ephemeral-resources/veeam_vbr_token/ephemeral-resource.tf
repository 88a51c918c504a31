# The vbr block reads its address and login from VEEAM_VBR_HOST, VEEAM_VBR_USERNAME,
# VEEAM_VBR_PASSWORD (and VEEAM_VBR_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  vbr {}
}

# A fresh Backup & Replication access token for another provider or a script; it never reaches
# plan or state, and Terraform logs its session out at the end of the run (Terraform 1.10+).
ephemeral "veeam_vbr_token" "api" {}

# For example, a script that calls the rest of the Backup & Replication API with it:
# provisioners may use ephemeral values, and so may other providers' configurations (see the
# guide "Hand short-lived tokens to other tools"). Terraform hides a provisioner's output when
# it uses an ephemeral value, so the answer goes to vbr-users.json. (--cacert is needed only
# for a self-signed certificate.)
resource "terraform_data" "list_users" {
  provisioner "local-exec" {
    command = "curl --fail -sS --cacert \"$VEEAM_VBR_CA_CERT_FILE\" -H \"$HEADER\" -H 'x-api-version: 1.3-rev1' -o vbr-users.json \"$URL/api/v1/security/users\""
    environment = {
      HEADER = "${ephemeral.veeam_vbr_token.api.header_name}: ${ephemeral.veeam_vbr_token.api.header_value}" # Authorization: Bearer ...
      URL    = ephemeral.veeam_vbr_token.api.base_url
    }
  }
}
