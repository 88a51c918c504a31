# Availability Orchestrator requires the user name as DOMAIN\USERNAME (a backslash is
# written \\ in HCL); the provider refuses any other form at plan time.
provider "veeam" {
  vao {
    host     = "https://vao.example.com:9899"
    username = "VEEAM\\svc-terraform"
    password = var.vao_password # or VEEAM_VAO_PASSWORD
  }
}

# A fresh Availability Orchestrator access token for another provider or a script; it never
# reaches plan or state, and Terraform logs its session out (DELETE /api/token) at the end of
# the run (Terraform 1.10+).
ephemeral "veeam_vao_token" "api" {}

# For example, a generic REST provider that calls the rest of the VAO API with it.
provider "restapi" {
  uri = ephemeral.veeam_vao_token.api.base_url
  headers = {
    Authorization = ephemeral.veeam_vao_token.api.header_value
  }
}

variable "vao_password" {
  type      = string
  sensitive = true
}
