package provider

import (
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// emBlockModel is the provider's `em` block: Veeam Backup Enterprise Manager.
type emBlockModel struct {
	connectionModel
	Username types.String `tfsdk:"username"`
	Password types.String `tfsdk:"password"`
	Tenant   types.Bool   `tfsdk:"tenant"`
}

// emAPIVersion is what api_version may hold: "latest" or a version such as v1_7.
var emAPIVersion = regexp.MustCompile(`^(?i:latest|v[0-9]+_[0-9]+)$`)

const emAPIVersionHint = "use a version the server lists at GET /api/, such as \"v1_7\", or \"latest\""

func emBlockSchema() schema.SingleNestedBlock {
	attrs := connectionAttributes("em", 9398, "REST API version of the logon session (the `?v=` of `POST /api/sessionMngr/`): `v1_5`, `v1_6`, `v1_7`, "+
		"or `latest` for the server's newest. By default the provider asks the server (`GET /api/`) and uses the newest version both sides know.")
	api := attrs["api_version"].(schema.StringAttribute) //nolint:forcetypeassert // connectionAttributes builds it
	api.Validators = append(api.Validators, stringvalidator.RegexMatches(emAPIVersion, emAPIVersionHint))
	attrs["api_version"] = api
	attrs["username"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "User name of an Enterprise Manager account (e.g. `administrator` or `DOMAIN\\user`), or of a tenant account " +
			"with `tenant = true`. Leave `username` and `password` unset to use only `data.veeam_em_api`, which needs no logon." + envNote("em", "username"),
	}
	attrs["password"] = schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: "Password of `username`." + envNote("em", "password"),
	}
	attrs["tenant"] = schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Log on as a tenant (a Cloud Connect tenant account): the credentials are sent in a `LoginSpec` body " +
			"instead of Basic authentication. Default `false`." + envNote("em", "tenant"),
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: fmt.Sprintf("Veeam Backup Enterprise Manager REST API (default port 9398). The provider logs on with Basic "+
			"authentication (or, for a tenant, a `LoginSpec` body) at `POST /api/sessionMngr/` and sends the session id in the `%s` "+
			"header. A session ends after %s without requests and cannot be refreshed: the provider logs on again a minute before "+
			"that (counted from the logon), or after a 401. With no `username` and `password` it does not log on at all, and only "+
			"`data.veeam_em_api` works.", client.EMSessionHeader, client.EMIdleTimeout.Round(time.Minute)),
		Attributes: attrs,
	}
}
