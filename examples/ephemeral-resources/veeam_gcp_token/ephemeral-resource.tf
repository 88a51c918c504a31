# The gcp block reads its address and login from VEEAM_GCP_HOST, VEEAM_GCP_USERNAME,
# VEEAM_GCP_PASSWORD, and VEEAM_GCP_TOTP_SECRET for a user with MFA (the provider computes
# the code of the mfa step).
provider "veeam" {
  gcp {}
}

# A fresh Backup for Google Cloud access token for a script or another provider; it never
# reaches plan or state, and Terraform logs its session out at the end of the run (1.10+).
ephemeral "veeam_gcp_token" "api" {}

# For example, a script that calls the Backup for Google Cloud API with it (send
# x-api-version: 1.4-rev0 with every request).
resource "terraform_data" "call_api" {
  provisioner "local-exec" {
    command = "echo \"token for $URL valid until $EXPIRES\""
    environment = {
      URL     = ephemeral.veeam_gcp_token.api.base_url
      EXPIRES = ephemeral.veeam_gcp_token.api.expires_at
    }
  }
}
