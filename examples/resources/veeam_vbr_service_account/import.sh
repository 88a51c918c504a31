# By the user's id (a UUID, as data.veeam_vbr_users lists it) or by its name.
terraform import veeam_vbr_service_account.backup_scripts 3f2504e0-4f89-41d3-9a0c-0305e82c3301
terraform import veeam_vbr_service_account.backup_scripts svc-scripts
