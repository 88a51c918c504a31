package provider

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// An http:// host is refused, naming the risk, the attribute that accepts it and the https fix;
// with allow_plaintext_http = true it logs in and every plan warns.
func TestPlaintextHTTPNeedsTheOptInAndWarns(t *testing.T) {
	srv := testEmulator(t)
	plain := httptest.NewServer(srv.Emulator.Handler(emulator.AWS))
	t.Cleanup(plain.Close)
	t.Setenv("VEEAM_AWS_ALLOW_PLAINTEXT_HTTP", "")
	block := &awsBlockModel{
		connectionModel: connectionModel{Host: types.StringValue(plain.URL)},
		Username:        types.StringValue("administrator"),
		Password:        types.StringValue("Password1"),
	}
	var diags diag.Diagnostics
	if c := configureProduct(context.Background(), testProvider(srv), productOf(client.AWS), block, &diags); c != nil || !diags.HasError() {
		t.Fatalf("an http:// host was accepted without allow_plaintext_http: %v", diags)
	}
	e := diags.Errors()[0]
	for _, want := range []string{"clear text", "https://", `allow_plaintext_http = true in the "aws" block`, "VEEAM_AWS_ALLOW_PLAINTEXT_HTTP=true"} {
		if !strings.Contains(e.Detail(), want) {
			t.Errorf("the refusal does not say %q:\n%s", want, e.Detail())
		}
	}
	if p, ok := e.(diag.DiagnosticWithPath); !ok || !p.Path().Equal(path.Root("aws").AtName("host")) {
		t.Errorf("the refusal must point at aws.host, got %v", e)
	}

	for name, optIn := range map[string]func(){
		"attribute": func() { block.AllowPlaintextHTTP = types.BoolValue(true) },
		"environment": func() {
			block.AllowPlaintextHTTP = types.BoolNull()
			t.Setenv("VEEAM_AWS_ALLOW_PLAINTEXT_HTTP", "true")
		},
	} {
		t.Run(name, func(t *testing.T) {
			optIn()
			var diags diag.Diagnostics
			c := configureProduct(context.Background(), testProvider(srv), productOf(client.AWS), block, &diags)
			if diags.HasError() || c == nil || c.client == nil {
				t.Fatalf("opted-in plain http login failed: %v", diags)
			}
			w := diags.Warnings()
			if len(w) != 1 || !strings.Contains(w[0].Detail(), "clear text") || !strings.Contains(w[0].Detail(), "https://") {
				t.Fatalf("want one warning saying the risk and the fix, got %v", w)
			}
			if p, ok := w[0].(diag.DiagnosticWithPath); !ok || !p.Path().Equal(path.Root("aws").AtName("allow_plaintext_http")) {
				t.Fatalf("the warning must point at aws.allow_plaintext_http, got %v", w[0])
			}
		})
	}
}

// A totp_secret that is not base32 is refused at plan time, for a user without MFA too, naming
// the attribute and the fix.
func TestAccAWSBlock_totpSecretNotBase32(t *testing.T) {
	srv := testEmulator(t)
	clearAWSEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{{
			Config: awsBlock(srv, `    username = "administrator"
    password = "Password1"
    totp_secret = "not-base32!"`) + `
data "veeam_aws_user" "me" {
  name = "administrator"
}
`,
			ExpectError: msgRe("Invalid totp_secret", "aws.totp_secret is not a base32 TOTP secret", "secret_key of veeam_aws_user_mfa", "remove it for a user without MFA"),
		}},
	})
}

// The same from the environment, where no schema validator sees it: refused when the provider
// is configured, naming the variable.
func TestTOTPSecretFromTheEnvironmentMustBeBase32(t *testing.T) {
	srv := testEmulator(t)
	clearAWSEnv(t)
	t.Setenv("VEEAM_AWS_TOTP_SECRET", "0189")
	block := &awsBlockModel{
		connectionModel: connectionModel{Host: types.StringValue(srv.URL[emulator.AWS]), CACertPEM: types.StringValue(srv.CACertPEM)},
		Username:        types.StringValue("administrator"),
		Password:        types.StringValue("Password1"),
	}
	var diags diag.Diagnostics
	if c := configureProduct(context.Background(), testProvider(srv), productOf(client.AWS), block, &diags); c != nil || !diags.HasError() {
		t.Fatalf("a non-base32 secret from the environment was accepted: %v", diags)
	}
	d := diags.Errors()[0]
	for _, want := range []string{"not a base32 TOTP secret", "VEEAM_AWS_TOTP_SECRET", "remove it for a user without MFA"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("the error does not say %q:\n%s", want, d.Detail())
		}
	}
	if p, ok := d.(diag.DiagnosticWithPath); !ok || !p.Path().Equal(path.Root("aws").AtName("totp_secret")) {
		t.Errorf("the error must point at aws.totp_secret, got %v", d)
	}
}

// An aws block pointed at another product's port says so, naming host and the default port,
// and does not blame api_version.
func TestAWSBlockAtAnotherProductsPort(t *testing.T) {
	srv := testEmulator(t)
	clearAWSEnv(t)
	for other, like := range map[emulator.Product]string{emulator.VBR: "Veeam Backup & Replication", emulator.EM: "Enterprise Manager", emulator.VRO: "OAuth 2.0 token service"} {
		block := &awsBlockModel{
			connectionModel: connectionModel{Host: types.StringValue(srv.URL[other]), CACertPEM: types.StringValue(srv.CACertPEM)},
			Username:        types.StringValue("administrator"),
			Password:        types.StringValue("Password1"),
		}
		var diags diag.Diagnostics
		if c := configureProduct(context.Background(), testProvider(srv), productOf(client.AWS), block, &diags); c != nil || !diags.HasError() {
			t.Fatalf("%s: logged in: %v", other, diags)
		}
		d := diags.Errors()[0]
		for _, want := range []string{"answers like", like, "not like Veeam Backup for AWS", `check host and port in the "aws" block`, "port 11005 by default"} {
			if !strings.Contains(d.Detail(), want) {
				t.Errorf("%s: the error does not say %q:\n%s", other, want, d.Detail())
			}
		}
		if strings.Contains(d.Detail(), "set api_version") {
			t.Errorf("%s: the error blames api_version:\n%s", other, d.Detail())
		}
		if p, ok := d.(diag.DiagnosticWithPath); !ok || !p.Path().Equal(path.Root("aws").AtName("host")) {
			t.Errorf("%s: the error must point at aws.host, got %v", other, d)
		}
	}
}
