package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// vbrAdministratorNeeded is the fix for a security call the provider's user may not make.
const vbrAdministratorNeeded = "The provider's \"vbr\" user may not change security settings: log in as a user with the Veeam Backup Administrator role."

// addVBRError explains a failed Backup & Replication call: a feature the server's revision
// lacks (naming the server's version), a missing role, or anything else as the provider
// reports every call error.
func addVBRError(d *providerData, diags *diag.Diagnostics, summary string, err error) {
	var ue *client.UnavailableError
	switch {
	case errors.As(err, &ue):
		fix := "Upgrade the server, or remove this from the configuration."
		if ue.RemovedIn != "" {
			fix = "Remove this from the configuration."
		}
		diags.AddError(summary, fmt.Sprintf("%s.\n\n%s", ue, fix))
	case client.IsForbidden(err):
		diags.AddError(summary, fmt.Sprintf("%s\n\n%s", vbrAdministratorNeeded, err))
	default:
		d.addCallError(diags, client.VBR, summary, err)
	}
}

// vbrNoAuthorizationCodes is what to use instead of veeam_vbr_authorization_code on Backup &
// Replication 13 and later.
const vbrNoAuthorizationCodes = "Backup & Replication 13 removed authorization codes (REST API 1.3-rev0); they work with 12.3 and older. " +
	"Instead: give the other client an access token from the ephemeral resource veeam_vbr_token (its header_value is the whole " +
	"Authorization header), or log the other provider configuration in with a refresh token (refresh_token in its \"vbr\" block), " +
	"or with its own user name and password."
