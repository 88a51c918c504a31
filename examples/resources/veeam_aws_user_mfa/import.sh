# Import by user name. The appliance never returns a secret again, so secret_key, otpauth_uri,
# qr_code_png and scratch_codes stay unknown (null) after import; change rotation_triggers to
# get a secret Terraform knows.
terraform import veeam_aws_user_mfa.alice alice
