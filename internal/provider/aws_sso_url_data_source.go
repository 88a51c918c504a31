package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// NewAWSSSOURLDataSource is the data source veeam_aws_sso_url.
func NewAWSSSOURLDataSource() datasource.DataSource {
	return dataSourceReading[awsSSOURLModel](dataSourceOf[*client.AWSClient](client.AWS, "aws_sso_url"), awsSSOURLSchema)
}

type awsSSOURLModel struct {
	UserName      types.String `tfsdk:"user_name"`
	RedirectToURL types.String `tfsdk:"redirect_to_url"`
}

func awsSSOURLSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "The identity provider's sign-on URL for a Veeam Backup for AWS single sign-on user " +
			"(`GET /api/v1/identityProvider/signOnUrl`), step one of an SSO login: the user signs on there, and the " +
			"identity provider's `SAMLResponse` goes into the `aws` block's `saml_response`. The call needs no login, so the " +
			"`aws` block needs only `host` (and its TLS settings) for this data source; with no block, `VEEAM_AWS_HOST` alone will do.",
		Attributes: map[string]schema.Attribute{
			"user_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the identity-provider user, for example `sara_baker@companymail.com`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"redirect_to_url": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The URL to sign on at (`redirectToUrl`), carrying a `SAMLRequest`. The request alone grants nothing " +
					"(the identity provider still asks for the user's credentials), so it is not marked sensitive.",
			},
		},
	}
}

// unauthenticatedAWS returns a client for calls that need no login: the provider's own, or,
// when only credentials are still unknown (so Configure could not open one), one built from
// the block's connection settings.
func unauthenticatedAWS(d *providerData) (*client.AWSClient, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d != nil {
		credentials := productOf(client.AWS).credentialAttributes()
		if ac := d.products[client.AWS]; ac != nil && len(ac.pending) > 0 &&
			!slices.ContainsFunc(ac.pending, func(a string) bool { return !slices.Contains(credentials, a) }) {
			c, err := client.NewAWS(ac.config)
			if err != nil {
				diags.AddError(`Invalid "aws" block`, ac.resolver.explain(err).Error())
			}
			return c, diags
		}
	}
	c, _ := clientOf[*client.AWSClient](d, client.AWS, "veeam_aws_sso_url", &diags)
	return c, diags
}

// connect gets a client that has not logged in: the sign-on URL needs no login.
func (*awsSSOURLModel) connect(d *providerData, diags *diag.Diagnostics) (*client.AWSClient, bool) {
	c, own := unauthenticatedAWS(d)
	diags.Append(own...)
	return c, !own.HasError()
}

// read fills m with the sign-on URL of its user.
func (m *awsSSOURLModel) read(ctx context.Context, r dataSourceRead[*client.AWSClient]) {
	u, err := r.client.SignOnURL(ctx, m.UserName.ValueString())
	if err != nil {
		r.diags.AddError("Getting the sign-on URL failed", err.Error())
		return
	}
	if u == "" {
		r.diags.AddError("Getting the sign-on URL failed", fmt.Sprintf("Veeam Backup for AWS answered without a redirectToUrl for %q: is single sign-on configured on the appliance?", m.UserName.ValueString()))
		return
	}
	m.RedirectToURL = types.StringValue(u)
}
