# The vbr block reads its address and login from VEEAM_VBR_HOST, VEEAM_VBR_USERNAME,
# VEEAM_VBR_PASSWORD (and VEEAM_VBR_CA_CERT_FILE for a self-signed certificate).
# Backup & Replication 12.3 and older only: version 13 removed authorization codes (REST API
# 1.3-rev0), and there this fails while Terraform plans. Use ephemeral.veeam_vbr_token instead.
provider "veeam" {
  vbr {}
}

# A single-use code for another tool (grant_type=authorization_code on /api/oauth2/token),
# never written to plan or state. Needs Terraform 1.10 or newer.
ephemeral "veeam_vbr_authorization_code" "handoff" {}

# For example, a script that exchanges it for its own session and never sees the password
# (provisioners may use ephemeral values). A second provider configuration can also log in
# with it: vbr { authorization_code = ephemeral.veeam_vbr_authorization_code.handoff.code }.
resource "terraform_data" "handoff" {
  provisioner "local-exec" {
    command = "test -n \"$CODE\" # e.g. ./exchange-code.sh"
    environment = {
      CODE = ephemeral.veeam_vbr_authorization_code.handoff.code
    }
  }
}
