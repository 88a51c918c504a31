# The vbr block reads its address and login from VEEAM_VBR_HOST, VEEAM_VBR_USERNAME,
# VEEAM_VBR_PASSWORD (and VEEAM_VBR_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  vbr {}
}

# A single-use code for another tool (grant_type=authorization_code on /api/oauth2/token),
# never written to plan or state. Needs Terraform 1.10 or newer.
ephemeral "veeam_vbr_authorization_code" "handoff" {}

# For example, a second provider configuration that logs in with it and never sees the
# password. A credential written in the vbr block wins over VEEAM_VBR_PASSWORD; the address
# still comes from the environment.
provider "veeam" {
  alias = "handoff"
  vbr {
    authorization_code = ephemeral.veeam_vbr_authorization_code.handoff.code
  }
}

data "veeam_vbr_users" "service" {
  provider    = veeam.handoff
  name_filter = "svc"
}
