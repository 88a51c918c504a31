package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

func TestAccAWSAuthorizationCodeDataSource(t *testing.T) {
	srv := testEmulator(t)
	const addr = "data.veeam_aws_authorization_code.test"
	exchange := func(code string) error {
		c, err := client.NewAWS(onEmulatorClock(srv, client.Config{
			Host:        srv.URL[emulator.AWS],
			Credentials: client.Credentials{AuthorizationCode: code},
			TLS:         client.TLSConfig{CACertPEM: srv.CACertPEM},
		}))
		if err != nil {
			return err
		}
		_, err = c.Credential(context.Background())
		return err
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config: awsProviderConfig(srv, "administrator", "Password1") + `
data "veeam_aws_authorization_code" "test" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("code")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrWith(addr, "code", func(code string) error {
					if code == "" {
						return fmt.Errorf("empty code")
					}
					if err := exchange(code); err != nil {
						return fmt.Errorf("the authorization_code grant refused a fresh code: %w", err)
					}
					if err := exchange(code); err == nil {
						return fmt.Errorf("the code was accepted twice")
					}
					return nil
				}),
				resource.TestCheckResourceAttrWith(addr, "expires_at", func(v string) error {
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
}

func TestAccVBRAuthorizationCodeDataSource(t *testing.T) {
	srv := testEmulatorBuild(t, "12.3") // Backup & Replication 13 removed authorization codes
	const addr = "data.veeam_vbr_authorization_code.test"
	exchange := func(code string) (*client.Token, error) {
		c, err := client.NewVBR(onEmulatorClock(srv, client.Config{
			Host:        srv.URL[emulator.VBR],
			Credentials: client.Credentials{AuthorizationCode: code},
			TLS:         client.TLSConfig{CACertPEM: srv.CACertPEM},
		}))
		if err != nil {
			return nil, err
		}
		return c.Credential(context.Background())
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config: vbrProviderConfig(srv, "administrator", "Password1") + `
data "veeam_vbr_authorization_code" "test" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("code")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrWith(addr, "code", func(code string) error {
					tok, err := exchange(code)
					if err != nil {
						return fmt.Errorf("the authorization_code grant refused a fresh code: %w", err)
					}
					if tok.Username != "administrator" {
						return fmt.Errorf("the code logged in as %q, want its issuer", tok.Username)
					}
					if _, err := exchange(code); err == nil {
						return fmt.Errorf("the code was accepted twice")
					}
					return nil
				}),
				resource.TestCheckResourceAttrWith(addr, "expires_at", func(v string) error {
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
}
