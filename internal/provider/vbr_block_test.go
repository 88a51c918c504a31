package provider

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// vbrProviderConfig is a provider block for the emulator's Backup & Replication, trusted
// through ca_cert_pem; extra goes inside the vbr block.
func vbrProviderConfig(srv *emulatortest.Servers, user, password string, extra ...string) string {
	body := ""
	if user != "" {
		body += fmt.Sprintf("    username    = %q\n", user)
	}
	if password != "" {
		body += fmt.Sprintf("    password    = %q\n", password)
	}
	for _, e := range extra {
		body += "    " + e + "\n"
	}
	return fmt.Sprintf(`
provider "veeam" {
  vbr {
    host        = %q
    ca_cert_pem = %s
%s  }
}
`, srv.URL[emulator.VBR], heredoc(srv.CACertPEM), body)
}

// testVBRClient is an administrator session to the emulator, outside Terraform.
func testVBRClient(t *testing.T, srv *emulatortest.Servers) *client.VBRClient {
	t.Helper()
	c, err := client.NewVBR(client.Config{
		Host:        srv.URL[emulator.VBR],
		Credentials: client.Credentials{Username: "administrator", Password: "Password1"},
		TLS:         client.TLSConfig{CACertPEM: srv.CACertPEM},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// clearVBREnv unsets every VEEAM_VBR_* variable for the test.
func clearVBREnv(t *testing.T) {
	for _, a := range []string{"host", "username", "password", "authorization_code", "refresh_token", "use_short_term_refresh", "api_version", "insecure", "ca_cert_pem", "ca_cert_file", "request_timeout", "max_retries"} {
		t.Setenv(envName("vbr", a), "")
	}
}

func TestVBRBlockResolve(t *testing.T) {
	host := types.StringValue("https://vbr.example.com")
	str := types.StringValue
	for name, tc := range map[string]struct {
		env       map[string]string
		model     vbrBlockModel
		attribute string // "" : no error
		message   string
		check     func(client.Credentials) bool
	}{
		"password": {
			model: vbrBlockModel{Username: str("administrator"), Password: str("pw"), codeLoginModel: codeLoginModel{UseShortTermRefresh: types.BoolValue(true)}},
			check: func(c client.Credentials) bool { return c.Password == "pw" && c.UseShortTermRefresh },
		},
		"password from the environment": {
			env: map[string]string{"VEEAM_VBR_USERNAME": "u", "VEEAM_VBR_PASSWORD": "p", "VEEAM_VBR_USE_SHORT_TERM_REFRESH": "true"},
			check: func(c client.Credentials) bool {
				return c.Username == "u" && c.Password == "p" && c.UseShortTermRefresh
			},
		},
		"a code in the block wins over a password in the environment": {
			env:   map[string]string{"VEEAM_VBR_USERNAME": "u", "VEEAM_VBR_PASSWORD": "p"},
			model: vbrBlockModel{codeLoginModel: codeLoginModel{AuthorizationCode: str("AAEAAcode")}},
			check: func(c client.Credentials) bool { return c.AuthorizationCode == "AAEAAcode" && c.Password == "" },
		},
		"refresh token": {
			model: vbrBlockModel{codeLoginModel: codeLoginModel{RefreshToken: str("r.e.f")}},
			check: func(c client.Credentials) bool { return c.RefreshToken == "r.e.f" && c.Password == "" },
		},
		"nothing":             {attribute: "password", message: "VEEAM_VBR_PASSWORD"},
		"two in the block":    {model: vbrBlockModel{Username: str("u"), Password: str("p"), codeLoginModel: codeLoginModel{RefreshToken: str("r")}}, attribute: "refresh_token", message: "exactly one of password, authorization_code and refresh_token"},
		"two in the env":      {env: map[string]string{"VEEAM_VBR_AUTHORIZATION_CODE": "c", "VEEAM_VBR_REFRESH_TOKEN": "r"}, attribute: "refresh_token", message: "VEEAM_VBR_AUTHORIZATION_CODE, VEEAM_VBR_REFRESH_TOKEN"},
		"password, no user":   {model: vbrBlockModel{Password: str("p")}, attribute: "username", message: "needs username: set username in the \"vbr\" block or VEEAM_VBR_USERNAME"},
		"bad short-term bool": {env: map[string]string{"VEEAM_VBR_USE_SHORT_TERM_REFRESH": "often"}, model: vbrBlockModel{Username: str("u"), Password: str("p")}, attribute: "use_short_term_refresh", message: "true or false"},
	} {
		t.Run(name, func(t *testing.T) {
			clearVBREnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			tc.model.Host = host
			cfg, err := (&resolver{product: "vbr"}).resolve(&tc.model)
			if tc.attribute == "" {
				if err != nil || !tc.check(cfg.Credentials) {
					t.Fatalf("resolve: %v, credentials ok = %v", err, err == nil && tc.check(cfg.Credentials))
				}
				return
			}
			var ce *blockError
			if !errors.As(err, &ce) || ce.Attribute != tc.attribute || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("want a ConfigError on %s mentioning %q, got %v", tc.attribute, tc.message, err)
			}
		})
	}
}

func TestVBRBlockUnknownCredentialsDeferTheChecks(t *testing.T) {
	clearVBREnv(t)
	m := vbrBlockModel{connectionModel: connectionModel{Host: types.StringValue("h")}, Password: types.StringUnknown(), codeLoginModel: codeLoginModel{AuthorizationCode: types.StringValue("c")}}
	r := &resolver{product: "vbr"}
	if _, err := r.resolve(&m); err != nil {
		t.Fatalf("unknown values must not be an error at plan time: %v", err)
	}
	if strings.Join(r.unknown, ",") != "password" {
		t.Fatalf("unknown = %v", r.unknown)
	}
}

func TestAccVBRBlock_errors(t *testing.T) {
	srv := testEmulator(t)
	users := "\ndata \"veeam_vbr_users\" \"all\" {}\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      vbrProviderConfig(srv, "administrator", "wrong-password") + users,
				ExpectError: regexp.MustCompile(`(?s)Veeam Backup & Replication login failed \("vbr" block\).*rejected the credentials of the "vbr" block.*AccessDenied`),
			},
			{
				Config:      vbrProviderConfig(srv, "administrator", "Password1", `authorization_code = "AAEAAcode"`) + users,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*vbr.authorization_code.*cannot be specified when.*vbr.password`),
			},
			{
				Config:      vbrProviderConfig(srv, "", "Password1") + users,
				ExpectError: regexp.MustCompile(`(?s)Invalid "vbr" block.*username: not set: password.*needs\s+username.*VEEAM_VBR_USERNAME`),
			},
			{
				// A spent or forged code: the login is deferred to the first call, whose error
				// names the attribute and the fix.
				Config:      vbrProviderConfig(srv, "", "", `authorization_code = "AAEAAforged"`) + users,
				ExpectError: regexp.MustCompile(`(?s)"vbr" block cannot log in: authorization_code: was rejected by\s+the\s+server.*set\s+a\s+fresh\s+authorization\s+code,\s+or\s+username\s+and\s+password`),
			},
			{
				Config: vbrProviderConfig(srv, "administrator", "Password1", `api_version = "1.7-rev0"`) + users,
				// The spec's answer lists no supported revisions: the message says how to let the
				// provider find one.
				ExpectError: wrapped(`Invalid "vbr" block`, `api_version = "1.7-rev0"`, `api_version: "1.7-rev0" is not accepted by the server`,
					`leave it unset to negotiate the newest revision both the server and the provider know`, `(NotImplemented): The specified API version is not supported.`),
			},
			{
				Config:      users,
				ExpectError: regexp.MustCompile(`(?s)Missing "vbr" block in the provider configuration`),
			},
		},
	})
}

func TestAccVBRBlock_shortTermRefreshAndEnvironment(t *testing.T) {
	srv := testEmulator(t)
	clearVBREnv(t)
	t.Setenv("VEEAM_VBR_USERNAME", "administrator")
	t.Setenv("VEEAM_VBR_PASSWORD", "Password1")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: vbrProviderConfig(srv, "", "", "use_short_term_refresh = true") + `
data "veeam_vbr_users" "all" {}
`,
			Check: resource.TestCheckResourceAttr("data.veeam_vbr_users.all", "users.#", "2"),
		}},
	})
	if got := srv.Emulator.Counters(emulator.VBR).Endpoints["POST /api/oauth2/token grant=password"]; got == 0 {
		t.Fatal("no password login with the credentials from the environment")
	}
}

func TestVBRBlockSecretsAreSensitive(t *testing.T) {
	attrs := vbrBlockSchema().Attributes
	for _, a := range []string{"password", "authorization_code", "refresh_token"} {
		if !attrs[a].IsSensitive() {
			t.Errorf("%s must be Sensitive", a)
		}
	}
	for _, a := range []string{"username", "host", "use_short_term_refresh"} {
		if attrs[a].IsSensitive() {
			t.Errorf("%s need not be Sensitive", a)
		}
	}
}

func TestAccVBRBlock_usernameFromEnvironment(t *testing.T) {
	srv := testEmulator(t)
	t.Setenv("VEEAM_VBR_USERNAME", "administrator")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// password in the block, username from VEEAM_VBR_USERNAME: a valid combination.
			Config: vbrProviderConfig(srv, "", "Password1") + `
data "veeam_vbr_users" "all" {}
`,
			Check: resource.TestCheckResourceAttrSet("data.veeam_vbr_users.all", "users.#"),
		}},
	})
}
