package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

func TestAccAuthorizationCodeEphemeral(t *testing.T) {
	srv := testEmulatorBuild(t, "12.3") // Backup & Replication 13 removed authorization codes
	for _, tc := range []struct {
		product  string
		config   string
		exchange func(code string) error
	}{
		{
			product: "aws",
			config:  awsProviderConfig(srv, "administrator", "Password1"),
			exchange: func(code string) error {
				c, err := client.NewAWS(onEmulatorClock(srv, client.Config{Host: srv.URL[emulator.AWS], Credentials: client.Credentials{AuthorizationCode: code}, TLS: client.TLSConfig{CACertPEM: srv.CACertPEM}}))
				if err != nil {
					return err
				}
				_, err = c.Credential(context.Background())
				return err
			},
		},
		{
			product: "vbr",
			config:  vbrProviderConfig(srv, "administrator", "Password1"),
			exchange: func(code string) error {
				c, err := client.NewVBR(onEmulatorClock(srv, client.Config{Host: srv.URL[emulator.VBR], Credentials: client.Credentials{AuthorizationCode: code}, TLS: client.TLSConfig{CACertPEM: srv.CACertPEM}}))
				if err != nil {
					return err
				}
				_, err = c.Credential(context.Background())
				return err
			},
		},
	} {
		t.Run(tc.product, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
				ProtoV6ProviderFactories: withEcho(srv),
				Steps: []resource.TestStep{{
					Config: tc.config + fmt.Sprintf(`
ephemeral "veeam_%[1]s_authorization_code" "test" {}

provider "echo" {
  data = ephemeral.veeam_%[1]s_authorization_code.test
}

resource "echo" "test" {}
`, tc.product),
					Check: resource.ComposeAggregateTestCheckFunc(
						resource.TestCheckResourceAttrWith("echo.test", "data.code", func(code string) error {
							if code == "" {
								return fmt.Errorf("empty code")
							}
							if err := tc.exchange(code); err != nil {
								return fmt.Errorf("the authorization_code grant refused a fresh code: %w", err)
							}
							if err := tc.exchange(code); err == nil {
								return fmt.Errorf("a second exchange of the code must be refused")
							}
							return nil
						}),
						resource.TestCheckResourceAttrWith("echo.test", "data.expires_at", func(v string) error {
							exp, err := time.Parse(time.RFC3339, v)
							if err != nil {
								return err
							}
							if d := time.Until(exp); d <= 0 || d > 61*time.Second {
								return fmt.Errorf("expires_at is %v from now, want within the 60 s lifetime", d)
							}
							return nil
						}),
					),
				}},
			})
		})
	}
}

func TestAWSAuthorizationCodeEphemeralSchema(t *testing.T) {
	e := newAuthorizationCodeEphemeralResource(productOf(client.AWS))()
	var meta ephemeral.MetadataResponse
	e.Metadata(context.Background(), ephemeral.MetadataRequest{ProviderTypeName: "veeam"}, &meta)
	if meta.TypeName != "veeam_aws_authorization_code" {
		t.Fatalf("type name %q", meta.TypeName)
	}
	var resp ephemeral.SchemaResponse
	e.Schema(context.Background(), ephemeral.SchemaRequest{}, &resp)
	code, ok := resp.Schema.Attributes["code"].(schema.StringAttribute)
	if !ok || !code.Sensitive || !code.Computed {
		t.Fatalf("code must be a computed, sensitive string: %#v", resp.Schema.Attributes["code"])
	}
}

func TestAccAWSAuthorizationCodeEphemeral_missingBlock(t *testing.T) {
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withEcho(nil),
		Steps: []resource.TestStep{{
			Config: `
ephemeral "veeam_aws_authorization_code" "test" {}

provider "echo" {
  data = ephemeral.veeam_aws_authorization_code.test
}

resource "echo" "test" {}
`,
			ExpectError: msgRe(`Missing "aws" block in the provider configuration`, "veeam_aws_authorization_code talks to Veeam Backup for AWS"),
		}},
	})
}
