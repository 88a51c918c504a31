package provider

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
	if c := configureProduct(context.Background(), "test", productOf(client.AWS), block, &diags); c != nil || !diags.HasError() {
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
			c := configureProduct(context.Background(), "test", productOf(client.AWS), block, &diags)
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
