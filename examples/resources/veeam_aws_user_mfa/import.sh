# Import by user name. The appliance never returns a secret again, so secret_key, otpauth_uri,
# qr_code_png and scratch_codes are null after import; changing rotation_triggers
# re-creates the secret (the user must enrol the new one) and gives Terraform a known secret.
terraform import veeam_aws_user_mfa.alice alice
