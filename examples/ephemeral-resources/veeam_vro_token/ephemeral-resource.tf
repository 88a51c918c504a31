# The provider logs in as a dedicated client account: the Orchestrator may end a user's
# session when the same user logs in from another application; a client account is immune.
provider "veeam" {
  vro {
    host          = "https://vro.example.com:9898"
    client_id     = var.vro_client_id
    client_secret = var.vro_client_secret # or VEEAM_VRO_CLIENT_SECRET
    ca_cert_file  = "${path.module}/vro-ca.pem"
  }
}

# A fresh Recovery Orchestrator access token (15 minutes, renewed while Terraform runs) for
# another provider or a script; it never reaches plan or state, and Terraform logs its
# session out at the end of the run (Terraform 1.10+).
ephemeral "veeam_vro_token" "api" {}

# For example, a generic REST provider that calls the Orchestrator's plans API with it.
provider "restapi" {
  uri = "${ephemeral.veeam_vro_token.api.base_url}/api/v7.21"
  headers = {
    Authorization = ephemeral.veeam_vro_token.api.header_value
  }
}

variable "vro_client_id" {
  type = string
}

variable "vro_client_secret" {
  type      = string
  sensitive = true
}
