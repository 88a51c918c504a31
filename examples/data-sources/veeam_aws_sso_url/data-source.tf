# Step one of a single sign-on login. It needs no login, so the aws block needs only the
# address (VEEAM_AWS_HOST, and VEEAM_AWS_CA_CERT_FILE for a self-signed certificate).
provider "veeam" {
  aws {}
}

data "veeam_aws_sso_url" "sara" {
  user_name = "sara_baker@companymail.com"
}

# Sign on there; the identity provider answers with a SAMLResponse, which logs in through the
# aws block's saml_response (or VEEAM_AWS_SAML_RESPONSE) in the next Terraform command.
output "sign_on_url" {
  value = data.veeam_aws_sso_url.sara.redirect_to_url
}
