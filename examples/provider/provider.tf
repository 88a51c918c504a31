provider "veeam" {
  # Veeam Backup for AWS. Every attribute can come from VEEAM_AWS_<ATTRIBUTE> instead,
  # e.g. VEEAM_AWS_PASSWORD, so no secret needs to be in the configuration.
  aws {
    host        = "https://backup.example.com:11005"
    username    = "administrator"
    password    = var.veeam_aws_password
    ca_cert_pem = file("${path.module}/veeam-aws-ca.pem")

    # Only when the provider's own user has MFA: the provider computes the code.
    # totp_secret = var.veeam_aws_totp_secret
  }
}

variable "veeam_aws_password" {
  type      = string
  sensitive = true
}
