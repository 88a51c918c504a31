# Availability Orchestrator requires the user name as DOMAIN\USERNAME (a backslash is
# written \\ in HCL); the provider refuses any other form at plan time. The address comes
# from VEEAM_VAO_HOST (and VEEAM_VAO_CA_CERT_FILE), the password from VEEAM_VAO_PASSWORD.
provider "veeam" {
  vao {
    username = "VEEAM\\svc-terraform"
  }
}

# A fresh Availability Orchestrator access token for another provider or a script; it never
# reaches plan or state, and Terraform logs its session out (DELETE /api/token) at the end of
# the run (Terraform 1.10+).
ephemeral "veeam_vao_token" "api" {}

# For example, hand it to a script of your own (here a stand-in that only checks the header):
# provisioners may use ephemeral values, and so may other providers' configurations (see the
# guide "Hand short-lived tokens to other tools"). Terraform hides a provisioner's output when
# it uses an ephemeral value, so the stand-in writes its result to vao-token.txt.
resource "terraform_data" "script" {
  provisioner "local-exec" {
    command = "case \"$AUTHORIZATION\" in 'Bearer '?*) echo \"token for $URL ready\" >vao-token.txt ;; *) exit 1 ;; esac"
    environment = {
      AUTHORIZATION = ephemeral.veeam_vao_token.api.header_value
      URL           = ephemeral.veeam_vao_token.api.base_url
    }
  }
}
