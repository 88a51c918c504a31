package provider

import (
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// Every product follows one rule: a login method written in the block wins over the
// environment's other methods; the environment still fills in what the block's method leaves
// unset. (aws and vbr: TestAWSBlockResolveOneLoginMethod, TestVBRBlockResolve.)
func TestLoginMethodInTheBlockWinsForEveryProduct(t *testing.T) {
	str := types.StringValue
	cases := []struct {
		name    string
		product client.Product
		env     map[string]string
		model   any
		want    client.Credentials
		attr    string // "" : no error
		message string
	}{
		{"vro: a client account in the block wins over a user in the environment", client.VRO,
			map[string]string{"VEEAM_VRO_USERNAME": "u", "VEEAM_VRO_PASSWORD": "p"},
			&vroBlockModel{ClientID: str("terraform-client"), ClientSecret: str("s")},
			client.Credentials{ClientID: "terraform-client", ClientSecret: "s"}, "", ""},
		{"vro: a user in the block wins over a client account in the environment", client.VRO,
			map[string]string{"VEEAM_VRO_CLIENT_ID": "c", "VEEAM_VRO_CLIENT_SECRET": "s"},
			&vroBlockModel{Username: str("u"), Password: str("p")},
			client.Credentials{Username: "u", Password: "p"}, "", ""},
		{"vro: half a client account in the block, the other half from the environment", client.VRO,
			map[string]string{"VEEAM_VRO_CLIENT_SECRET": "s", "VEEAM_VRO_PASSWORD": "p"},
			&vroBlockModel{ClientID: str("c")},
			client.Credentials{ClientID: "c", ClientSecret: "s"}, "", ""},
		{"vro: both ways from the environment conflict", client.VRO,
			map[string]string{"VEEAM_VRO_USERNAME": "u", "VEEAM_VRO_PASSWORD": "p", "VEEAM_VRO_CLIENT_ID": "c", "VEEAM_VRO_CLIENT_SECRET": "s"},
			&vroBlockModel{}, client.Credentials{}, "client_id", "set by VEEAM_VRO_CLIENT_ID, conflicts with password (set by VEEAM_VRO_PASSWORD)"},
		{"vao: the block's password, the environment's username", client.VAO,
			map[string]string{"VEEAM_VAO_USERNAME": `VEEAM\u`, "VEEAM_VAO_PASSWORD": "env"},
			&vaoBlockModel{Password: str("p")},
			client.Credentials{Username: `VEEAM\u`, Password: "p"}, "", ""},
		{"em: the block's password, the environment's username and tenant", client.EM,
			map[string]string{"VEEAM_EM_USERNAME": "tenant01", "VEEAM_EM_PASSWORD": "env", "VEEAM_EM_TENANT": "true"},
			&emBlockModel{Password: str("p")},
			client.Credentials{Username: "tenant01", Password: "p", Tenant: true}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := productOf(tc.product)
			for _, a := range append(p.credentialAttributes(), "host", "tenant", "api_version") {
				t.Setenv(envName(tc.product, a), "")
			}
			t.Setenv(envName(tc.product, "host"), "https://appliance.example.com")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg, err := (&resolver{product: tc.product}).resolve(tc.model)
			if tc.attr == "" {
				if err != nil || cfg.Credentials != tc.want {
					t.Fatalf("credentials %+v (error %v), want %+v", cfg.Credentials, err, tc.want)
				}
				return
			}
			var be *blockError
			if !errors.As(err, &be) || be.Attribute != tc.attr || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("want an error on %s mentioning %q, got %v", tc.attr, tc.message, err)
			}
		})
	}
}
