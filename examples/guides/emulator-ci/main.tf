# One configuration for the emulator in CI and for real appliances: every address and login
# comes from VEEAM_<PRODUCT>_<ATTRIBUTE> (HOST, USERNAME, PASSWORD, CA_CERT_FILE, ...).
provider "veeam" {
  aws {}
  vbr {}
  em {}
}

data "veeam_aws_user" "admin" {
  name = "administrator"
}

data "veeam_vbr_users" "all" {}

data "veeam_em_api" "this" {}

output "checks" {
  value = {
    aws_admin_is_default = data.veeam_aws_user.admin.is_default
    vbr_users            = length(data.veeam_vbr_users.all.users)
    em_latest_api        = data.veeam_em_api.this.latest
  }
}
