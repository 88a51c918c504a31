package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
)

var _ provider.ProviderWithFunctions = &veeamProvider{}

// Functions are the provider-defined functions (Terraform 1.8+), called as
// provider::veeam::NAME(...). They need no provider block and make no API calls.
func (p *veeamProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewQRCodePNGFunction,
		NewTOTPCodeFunction,
	}
}
