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

    # Instead of username and password, exactly one single-use value (fresh in every
    # command): authorization_code, refresh_token or saml_response.
  }

  # Veeam Backup & Replication (VEEAM_VBR_<ATTRIBUTE>). Exactly one of password,
  # authorization_code (12.3 and older) and refresh_token. api_version is best left unset:
  # the provider negotiates the newest revision both sides know.
  vbr {
    host                   = "https://vbr.example.com:9419"
    username               = "administrator"
    password               = var.veeam_vbr_password
    ca_cert_file           = "${path.module}/veeam-vbr-ca.pem"
    use_short_term_refresh = true
  }

  # Veeam Backup Enterprise Manager (VEEAM_EM_<ATTRIBUTE>). Without username and password
  # the provider does not log on, and only data.veeam_em_api works.
  em {
    host     = "https://em.example.com:9398"
    username = "administrator"
    password = var.veeam_em_password
  }

  # Veeam Recovery Orchestrator (VEEAM_VRO_<ATTRIBUTE>): username and password (with
  # totp_secret for a user with MFA), or, better, a dedicated client account, whose session
  # other logins of the same user cannot end.
  vro {
    host          = "https://vro.example.com:9898"
    client_id     = var.veeam_vro_client_id
    client_secret = var.veeam_vro_client_secret
  }

  # Veeam Availability Orchestrator (VEEAM_VAO_<ATTRIBUTE>): the user name must be
  # DOMAIN\USERNAME. A 3.0 client account logs in with client_id and client_secret instead.
  vao {
    host     = "https://vao.example.com:9899"
    username = "VEEAM\\svc-terraform"
    password = var.veeam_vao_password
  }

  # Veeam Backup for Microsoft 365 (VEEAM_M365_<ATTRIBUTE>): username and password, or a
  # restore operator's or an application's client_id with an assertion from the Microsoft
  # identity platform (assertion_grant = "operator", the default, or "jwt-bearer").
  m365 {
    host     = "https://vb365.example.com:4443"
    username = "VEEAM\\svc-terraform"
    password = var.veeam_m365_password
  }

  # Veeam ONE (VEEAM_ONE_<ATTRIBUTE>).
  one {
    host     = "https://one.example.com:1239"
    username = "svc-terraform"
    password = var.veeam_one_password
  }

  # Veeam Service Provider Console (VEEAM_SPC_<ATTRIBUTE>). Closing a veeam_spc_token revokes
  # every token of the user: give the provider an account of its own.
  spc {
    host     = "https://vspc.example.com:1280"
    username = "svc-terraform"
    password = var.veeam_spc_password
  }
}

variable "veeam_aws_password" {
  type      = string
  sensitive = true
}

variable "veeam_vbr_password" {
  type      = string
  sensitive = true
}

variable "veeam_em_password" {
  type      = string
  sensitive = true
}

variable "veeam_vro_client_id" {
  type = string
}

variable "veeam_vro_client_secret" {
  type      = string
  sensitive = true
}

variable "veeam_vao_password" {
  type      = string
  sensitive = true
}

variable "veeam_m365_password" {
  type      = string
  sensitive = true
}

variable "veeam_one_password" {
  type      = string
  sensitive = true
}

variable "veeam_spc_password" {
  type      = string
  sensitive = true
}
