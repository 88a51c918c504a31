# The m365 block reads its address and login from VEEAM_M365_HOST, VEEAM_M365_USERNAME,
# VEEAM_M365_PASSWORD (and VEEAM_M365_CA_CERT_FILE for a self-signed certificate). A restore
# operator or an application logs in with client_id and assertion instead.
provider "veeam" {
  m365 {}
}

# A fresh Backup for Microsoft 365 access token (60 minutes, renewed while Terraform runs) for
# another provider or a script; it never reaches plan or state, and Terraform logs its session
# out (POST /v8/token/logout) at the end of the run (Terraform 1.10+).
ephemeral "veeam_m365_token" "api" {}

# For example, hand it to a script of your own (here a stand-in that only checks the header):
# provisioners may use ephemeral values, and so may other providers' configurations (see the
# guide "Hand short-lived tokens to other tools"). Terraform hides a provisioner's output when
# it uses an ephemeral value, so the stand-in writes its result to m365-token.txt.
resource "terraform_data" "script" {
  provisioner "local-exec" {
    command = "case \"$AUTHORIZATION\" in 'Bearer '?*) echo \"token for $URL/v8 ready\" >m365-token.txt ;; *) exit 1 ;; esac"
    environment = {
      AUTHORIZATION = ephemeral.veeam_m365_token.api.header_value
      URL           = ephemeral.veeam_m365_token.api.base_url
    }
  }
}
