# Import by user name; the user must have MFA enabled (otherwise apply the resource instead,
# which enables it). The appliance never returns a secret again, so secret_key, otpauth_uri and
# scratch_codes are null after import; changing rotation_triggers re-creates the secret (the
# user must enrol the new one) and gives Terraform a known secret.
terraform import veeam_aws_user_mfa.alice alice
