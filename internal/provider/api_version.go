package provider

import (
	"fmt"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// api_version is optional in every block: unset, the client negotiates the newest revision
// both it and the server know (design/versions.md).

// revisionList names the revisions the client knows for p, newest first, for the
// documentation: "`1.3-rev2` … `1.0-rev1`".
func revisionList(p client.Product) string {
	r := client.KnownRevisions(p)
	return fmt.Sprintf("`%s` … `%s`", r[0], r[len(r)-1])
}
