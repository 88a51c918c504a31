# The provider logs in as a dedicated client account: the Orchestrator may end a user's
# session when the same user logs in from another application; a client account is immune.
# The vro block reads client_id and client_secret from VEEAM_VRO_CLIENT_ID and
# VEEAM_VRO_CLIENT_SECRET, the address from VEEAM_VRO_HOST (and VEEAM_VRO_CA_CERT_FILE).
provider "veeam" {
  vro {}
}

# A fresh Recovery Orchestrator access token (15 minutes, renewed while Terraform runs) for
# another provider or a script; it never reaches plan or state, and Terraform logs its
# session out at the end of the run (Terraform 1.10+).
ephemeral "veeam_vro_token" "api" {}

# For example, a script that calls the Orchestrator's API with it: provisioners may use
# ephemeral values, and so may other providers' configurations (see the guide "Hand
# short-lived tokens to other tools"). Terraform hides a provisioner's output when it uses an
# ephemeral value, so the answer goes to vro-clients.json. (--cacert is needed only for a
# self-signed certificate.)
resource "terraform_data" "list_clients" {
  provisioner "local-exec" {
    command = "curl --fail -sS --cacert \"$VEEAM_VRO_CA_CERT_FILE\" -H \"Authorization: $AUTHORIZATION\" -o vro-clients.json \"$URL/api/v7.21/Clients\""
    environment = {
      AUTHORIZATION = ephemeral.veeam_vro_token.api.header_value
      URL           = ephemeral.veeam_vro_token.api.base_url
    }
  }
}
