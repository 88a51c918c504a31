# GET /api/ needs no logon: an `em` block with only the address (VEEAM_EM_HOST) and how to
# trust it (VEEAM_EM_CA_CERT_FILE, or ca_cert_pem) is enough.
provider "veeam" {
  em {}
}

data "veeam_em_api" "this" {}

output "em_api_versions" {
  value = data.veeam_em_api.this.supported_versions # e.g. ["v1_5", "v1_6", "v1_7"]
}

output "em_api_latest" {
  value = data.veeam_em_api.this.latest # e.g. "v1_7"
}
