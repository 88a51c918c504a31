# The spc block reads its address and login from VEEAM_SPC_HOST, VEEAM_SPC_USERNAME,
# VEEAM_SPC_PASSWORD (and VEEAM_SPC_CA_CERT_FILE for a self-signed certificate). Use an
# account of its own: closing the token revokes every token of that user.
provider "veeam" {
  spc {}
}

# A fresh Service Provider Console access token (1 hour, renewed while Terraform runs) for
# another provider or a script; it never reaches plan or state, and Terraform revokes it
# (DELETE /api/v3/users/{userId}/tokens) at the end of the run (Terraform 1.10+).
ephemeral "veeam_spc_token" "api" {}

# For example, a script that calls the console's REST API with it: provisioners may use
# ephemeral values, and so may other providers' configurations (see the guide "Hand
# short-lived tokens to other tools"). Terraform hides a provisioner's output when it uses an
# ephemeral value, so the answer goes to spc-me.json. (--cacert is needed only for a
# self-signed certificate.)
resource "terraform_data" "whoami" {
  provisioner "local-exec" {
    command = "curl --fail -sS --cacert \"$VEEAM_SPC_CA_CERT_FILE\" -H \"Authorization: $AUTHORIZATION\" -H 'X-Client-Version: 3.6' -o spc-me.json \"$URL/api/v3/users/me\""
    environment = {
      AUTHORIZATION = ephemeral.veeam_spc_token.api.header_value
      URL           = ephemeral.veeam_spc_token.api.base_url
    }
  }
}
