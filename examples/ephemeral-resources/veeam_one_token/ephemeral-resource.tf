# The one block reads its address and login from VEEAM_ONE_HOST, VEEAM_ONE_USERNAME,
# VEEAM_ONE_PASSWORD (and VEEAM_ONE_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  one {}
}

# A fresh Veeam ONE access token (15 minutes, renewed while Terraform runs) for another
# provider or a script; it never reaches plan or state, and Terraform logs it out
# (POST /api/revoke) at the end of the run (Terraform 1.10+).
ephemeral "veeam_one_token" "api" {}

# For example, hand it to a script of your own (here a stand-in that only checks the header):
# provisioners may use ephemeral values, and so may other providers' configurations (see the
# guide "Hand short-lived tokens to other tools"). Terraform hides a provisioner's output when
# it uses an ephemeral value, so the stand-in writes its result to one-token.txt.
resource "terraform_data" "script" {
  provisioner "local-exec" {
    command = "case \"$AUTHORIZATION\" in 'Bearer '?*) echo \"token for $URL ready\" >one-token.txt ;; *) exit 1 ;; esac"
    environment = {
      AUTHORIZATION = ephemeral.veeam_one_token.api.header_value
      URL           = ephemeral.veeam_one_token.api.base_url
    }
  }
}
