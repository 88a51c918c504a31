# There is one settings object per server: any id imports it (the id becomes "settings").
terraform import veeam_vbr_mfa_settings.this settings
