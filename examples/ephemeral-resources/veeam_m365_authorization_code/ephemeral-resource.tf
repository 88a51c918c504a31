# The m365 block reads its address and login from VEEAM_M365_HOST, VEEAM_M365_USERNAME,
# VEEAM_M365_PASSWORD (and VEEAM_M365_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  m365 {}
}

# A one-time authorization code of the provider's user (POST /v8/token/AuthCode), never
# written to plan or state, for a tool that completes its authentication with it. Needs
# Terraform 1.10 or newer.
ephemeral "veeam_m365_authorization_code" "handoff" {}

# For example, hand it to that tool (here a stand-in that only checks a code arrived).
resource "terraform_data" "handoff" {
  provisioner "local-exec" {
    command = "test -n \"$CODE\" && echo \"code valid until $EXPIRES\" >m365-code.txt"
    environment = {
      CODE    = ephemeral.veeam_m365_authorization_code.handoff.code
      EXPIRES = ephemeral.veeam_m365_authorization_code.handoff.expires_at
    }
  }
}
