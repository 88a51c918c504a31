# The em block reads its address from VEEAM_EM_HOST (and VEEAM_EM_CA_CERT_FILE for a
# self-signed certificate) and the password from VEEAM_EM_PASSWORD.
provider "veeam" {
  em {
    username = "CORP\\svc-terraform" # a backslash is written \\ in HCL
    # tenant = true                  # for a Cloud Connect tenant account (LoginSpec logon)
    # api_version = "v1_7"           # default: the newest version the server and the provider share
  }
}

# A fresh Enterprise Manager logon session for another provider or a script. The session id
# never reaches plan or state, and Terraform deletes the logon session
# (DELETE /api/logonSessions/{id}) at the end of the run (Terraform 1.10+). Enterprise Manager
# ends a session after 15 minutes without requests; it cannot be renewed.
ephemeral "veeam_em_session" "api" {}

# For example, a script that calls the rest of the Enterprise Manager API with it:
# provisioners may use ephemeral values, and so may other providers' configurations (see the
# guide "Hand short-lived tokens to other tools"). The session id travels in the
# X-RestSvcSessionId header (header_name), not in Authorization. Terraform hides a
# provisioner's output when it uses an ephemeral value, so the answer goes to
# backup-servers.json. (--cacert is needed only for a self-signed certificate.)
resource "terraform_data" "backup_servers" {
  provisioner "local-exec" {
    command = "curl --fail -sS --cacert \"$VEEAM_EM_CA_CERT_FILE\" -H \"$HEADER\" -H 'Accept: application/json' -o backup-servers.json \"$URL/api/backupServers\""
    environment = {
      HEADER = "${ephemeral.veeam_em_session.api.header_name}: ${ephemeral.veeam_em_session.api.header_value}" # X-RestSvcSessionId
      URL    = ephemeral.veeam_em_session.api.base_url
    }
  }
}
