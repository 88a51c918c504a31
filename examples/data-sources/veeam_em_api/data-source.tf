# GET /api/ needs no logon: an `em` block with only the host (and how to trust it) is enough.
provider "veeam" {
  em {
    host        = "https://em.example.com:9398"
    ca_cert_pem = file("${path.module}/em-ca.pem")
  }
}

data "veeam_em_api" "this" {}

output "em_api_versions" {
  value = data.veeam_em_api.this.supported_versions # e.g. ["v1_5", "v1_6", "v1_7"]
}

output "em_api_latest" {
  value = data.veeam_em_api.this.latest # e.g. "v1_7"
}
