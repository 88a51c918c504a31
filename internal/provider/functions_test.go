package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"github.com/pquerna/otp/totp"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// functionsFloor is the first Terraform release with provider-defined functions.
var functionsFloor = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

// callFunction runs a provider-defined function as Terraform would, without Terraform: it
// checks the definition, then calls Run with the arguments.
func callFunction(t *testing.T, f function.Function, args ...attr.Value) (string, *function.FuncError) {
	t.Helper()
	ctx := t.Context()
	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	var check function.DefinitionValidateResponse
	def.Definition.ValidateImplementation(ctx, function.DefinitionValidateRequest{}, &check)
	if check.Diagnostics.HasError() {
		t.Fatalf("invalid definition: %v", check.Diagnostics)
	}
	if len(args) != len(def.Definition.Parameters) {
		t.Fatalf("%d arguments for %d parameters", len(args), len(def.Definition.Parameters))
	}
	resp := function.RunResponse{Result: function.NewResultData(types.StringUnknown())}
	f.Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData(args)}, &resp)
	if resp.Error != nil {
		return "", resp.Error
	}
	s, ok := resp.Result.Value().(types.String)
	if !ok || s.IsUnknown() || s.IsNull() {
		t.Fatalf("Run set no string result: %#v", resp.Result.Value())
	}
	return s.ValueString(), nil
}

// wantArgumentError checks that a function failed on argument arg with a message containing
// every one of want, and that the message does not repeat secret.
func wantArgumentError(t *testing.T, ferr *function.FuncError, arg int64, secret string, want ...string) {
	t.Helper()
	if ferr == nil {
		t.Fatalf("no error, want one on argument %d mentioning %q", arg, want)
	}
	if ferr.FunctionArgument == nil || *ferr.FunctionArgument != arg {
		t.Errorf("error %q names argument %v, want %d", ferr.Text, ferr.FunctionArgument, arg)
	}
	for _, w := range want {
		if !strings.Contains(ferr.Text, w) {
			t.Errorf("error %q does not say %q", ferr.Text, w)
		}
	}
	if strings.HasSuffix(ferr.Text, ".") {
		t.Errorf("error %q ends with a period: Terraform adds one", ferr.Text)
	}
	if secret != "" && strings.Contains(ferr.Text, secret) {
		t.Errorf("error %q repeats the secret value", ferr.Text)
	}
}

// terraformSays matches Terraform's output containing each phrase in order, whatever lines
// Terraform wrapped them over.
func terraformSays(phrases ...string) *regexp.Regexp {
	var parts []string
	for _, p := range phrases {
		var words []string
		for _, w := range strings.Fields(p) {
			words = append(words, regexp.QuoteMeta(w))
		}
		parts = append(parts, strings.Join(words, `\s+`))
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

func TestProviderFunctions_registered(t *testing.T) {
	var names []string
	for _, f := range (&veeamProvider{}).Functions(t.Context()) {
		var md function.MetadataResponse
		f().Metadata(t.Context(), function.MetadataRequest{}, &md)
		names = append(names, md.Name)
	}
	sort.Strings(names)
	if got := strings.Join(names, ","); got != "qr_code_png,totp_code" {
		t.Errorf("functions = %s, want qr_code_png,totp_code", got)
	}
}

// TestAccFunctionExamples runs every example under examples/functions as it is written, against
// the emulator (they manage MFA for alice): apply, then an empty plan. Like TestAccExamples,
// which covers resources, data sources and ephemeral resources.
func TestAccFunctionExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "functions", "*", "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no examples found under ../../examples/functions")
	}
	for _, file := range files {
		name := filepath.Base(filepath.Dir(file))
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			srv := examplesEmulator(t)
			check, ok := functionExampleChecks(srv)[name]
			if !ok {
				t.Fatalf("examples/functions/%s has no checks: add them to functionExampleChecks", name)
			}
			seedAlice(t, srv)
			t.Setenv("TF_VAR_unix_time", strconv.Itoa(fixedTime))
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   functionsFloor,
				ProtoV6ProviderFactories: providerFactories(srv),
				Steps:                    []resource.TestStep{{Config: string(b), Check: check}},
			})
		})
	}
}

// functionExampleChecks check what each function example outputs, from alice's MFA as the
// emulator holds it.
func functionExampleChecks(srv *emulatortest.Servers) map[string]resource.TestCheckFunc {
	output := func(s *terraformState, name string) (string, error) {
		o, ok := s.RootModule().Outputs[name]
		if !ok {
			return "", fmt.Errorf("no output %q", name)
		}
		v, ok := o.Value.(string)
		if !ok {
			return "", fmt.Errorf("output %q is %T, want a string", name, o.Value)
		}
		return v, nil
	}
	return map[string]resource.TestCheckFunc{
		"qr_code_png": func(s *terraformState) error {
			png, err := output(s, "alice_mfa_qr_code_png")
			if err != nil {
				return err
			}
			r, ok := s.RootModule().Resources["veeam_aws_user_mfa.alice"]
			if !ok {
				return fmt.Errorf("no veeam_aws_user_mfa.alice in state")
			}
			return checkQRCodePNG(png, r.Primary.Attributes["otpauth_uri"])
		},
		"totp_code": func(s *terraformState) error {
			code, err := output(s, "alice_totp_code")
			if err != nil {
				return err
			}
			alice, _ := srv.Emulator.AWSUser("alice")
			want, err := totp.GenerateCode(alice.MFASecret, time.Unix(fixedTime, 0))
			if err != nil {
				return fmt.Errorf("alice's secret on the emulator: %v", err)
			}
			if code != want {
				return fmt.Errorf("alice_totp_code = %s, want %s from alice's secret on the emulator", code, want)
			}
			return resource.TestCheckOutput("rfc6238_test_vector", rfc6238Codes[59])(s)
		},
	}
}
