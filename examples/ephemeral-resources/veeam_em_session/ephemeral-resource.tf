provider "veeam" {
  em {
    host     = "https://em.example.com:9398"
    username = "CORP\\svc-terraform" # a backslash is written \\ in HCL
    password = var.em_password       # or VEEAM_EM_PASSWORD
    # tenant = true                  # for a Cloud Connect tenant account (LoginSpec logon)
    # api_version = "v1_7"           # default: the newest version the server and the provider share
  }
}

# A fresh Enterprise Manager logon session for another provider or a script. The session id
# never reaches plan or state, and Terraform deletes the logon session
# (DELETE /api/logonSessions/{id}) at the end of the run (Terraform 1.10+). Enterprise Manager
# ends a session after 15 minutes without requests; it cannot be renewed.
ephemeral "veeam_em_session" "api" {}

# For example, a generic REST provider that calls the rest of the Enterprise Manager API with
# it (provider configurations may use ephemeral values).
provider "restapi" {
  uri = ephemeral.veeam_em_session.api.base_url
  headers = {
    (ephemeral.veeam_em_session.api.header_name) = ephemeral.veeam_em_session.api.header_value # X-RestSvcSessionId
    Accept                                       = "application/json"
  }
}

variable "em_password" {
  type      = string
  sensitive = true
}
