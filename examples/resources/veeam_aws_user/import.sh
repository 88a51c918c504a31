# Import by user name. The appliance never returns a password, so after import Terraform does
# not know it: the next apply sets the configured password (password_wo with any
# password_wo_version, or password).
terraform import veeam_aws_user.alice alice
