package provider

import (
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/pquerna/otp/totp"
)

// rfc6238Secret is the SHA1 seed of RFC 6238 appendix B, "12345678901234567890", in base32.
const rfc6238Secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

// rfc6238Codes are RFC 6238 appendix B's SHA1 test vectors, cut to the 6 digits Veeam uses
// (the RFC lists 8: a 6-digit code is the last 6).
var rfc6238Codes = map[int64]string{
	59:          "287082", // 94287082
	1111111109:  "081804", // 07081804
	1111111111:  "050471", // 14050471
	1234567890:  "005924", // 89005924
	2000000000:  "279037", // 69279037
	20000000000: "353130", // 65353130
}

// fixedSecret is a secret as the emulator issues them (26 base32 characters), and fixedTime a
// moment, for comparing with pquerna/otp's own code.
const (
	fixedSecret = "KRSXG5CTMVRXEZLUKRSXG5CTMV"
	fixedTime   = 1700000000
)

func TestTOTPCodeFunction_rfc6238(t *testing.T) {
	for at, want := range rfc6238Codes {
		got, ferr := callFunction(t, NewTOTPCodeFunction(), types.StringValue(rfc6238Secret), unixTimeArg(float64(at)))
		if ferr != nil {
			t.Fatalf("at %d: %s", at, ferr.Text)
		}
		if got != want {
			t.Errorf("at %d: code %s, want %s (RFC 6238)", at, got, want)
		}
	}
}

func TestTOTPCodeFunction_matchesPquernaOTP(t *testing.T) {
	want, err := totp.GenerateCode(fixedSecret, time.Unix(fixedTime, 0))
	if err != nil {
		t.Fatal(err)
	}
	for name, secret := range map[string]string{
		"as issued":         fixedSecret,
		"lower case":        strings.ToLower(fixedSecret),
		"grouped by spaces": "KRSX G5CT MVRX EZLU KRSX G5CT MV",
		"padded":            fixedSecret + "======",
	} {
		for _, at := range []int64{fixedTime, fixedTime + 29 - fixedTime%30} { // same 30-second step
			got, ferr := callFunction(t, NewTOTPCodeFunction(), types.StringValue(secret), unixTimeArg(float64(at)))
			if ferr != nil {
				t.Fatalf("%s at %d: %s", name, at, ferr.Text)
			}
			if got != want {
				t.Errorf("%s at %d: code %s, pquerna/otp says %s", name, at, got, want)
			}
		}
	}
	next, _ := callFunction(t, NewTOTPCodeFunction(), types.StringValue(fixedSecret), unixTimeArg(fixedTime+30))
	if next == want {
		t.Errorf("the code did not change after 30 seconds (%s)", next)
	}
}

func TestTOTPCodeFunction_invalidArguments(t *testing.T) {
	for name, tc := range map[string]struct {
		secret string
		at     float64
		arg    int64
		want   []string
	}{
		"empty secret":            {"", fixedTime, 0, []string{"secret is empty", "secret_key attribute of veeam_aws_user_mfa"}},
		"only spaces and padding": {"  ==", fixedTime, 0, []string{"secret is empty"}},
		"digit 1":                 {"KRSXG5CTMVRXEZL1", fixedTime, 0, []string{"not base32", "character 16", "0, 1, 8 and 9 are not base32 digits"}},
		"hex":                     {"0f1e2d3c4b5a6978", fixedTime, 0, []string{"not base32", "character 1 "}},
		"impossible length":       {"KRSXG5CTM", fixedTime, 0, []string{"not base32", "9 characters cannot be a whole number of bytes"}},
		"negative time":           {fixedSecret, -1, 1, []string{"unix_time is -1", "0 or more", "date +%s"}},
		"fraction":                {fixedSecret, 59.5, 1, []string{"unix_time is 59.5, not a whole number of seconds", "floor()"}},
		"beyond int64":            {fixedSecret, 1e30, 1, []string{"unix_time is 1000000000000000019884624838656", "0 or more"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, ferr := callFunction(t, NewTOTPCodeFunction(), types.StringValue(tc.secret), unixTimeArg(tc.at))
			secret := tc.secret
			if len(strings.TrimSpace(strings.Trim(secret, " ="))) < 4 {
				secret = "" // nothing worth hiding
			}
			wantArgumentError(t, ferr, tc.arg, secret, tc.want...)
		})
	}
}

// unixTimeArg is a unix_time argument as Terraform sends it: a number.
func unixTimeArg(seconds float64) types.Number { return types.NumberValue(big.NewFloat(seconds)) }

func TestAccTOTPCodeFunction(t *testing.T) {
	want, err := totp.GenerateCode(fixedSecret, time.Unix(fixedTime, 0))
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   functionsFloor,
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config:      `output "code" { value = provider::veeam::totp_code("not-base32!", 59) }`,
				PlanOnly:    true,
				ExpectError: terraformSays(`Invalid value for "secret" parameter`, "secret is not base32: character 4", "secret_key attribute of veeam_aws_user_mfa"),
			},
			{
				Config:      fmt.Sprintf(`output "code" { value = provider::veeam::totp_code(%q, -30) }`, rfc6238Secret),
				PlanOnly:    true,
				ExpectError: terraformSays(`Invalid value for "unix_time" parameter`, "unix_time is -30", "a whole number 0 or more"),
			},
			{
				Config:      fmt.Sprintf(`output "code" { value = provider::veeam::totp_code(%q, 59.5) }`, rfc6238Secret),
				PlanOnly:    true,
				ExpectError: terraformSays(`Invalid value for "unix_time" parameter`, "unix_time is 59.5, not a whole number of seconds", "floor()"),
			},
			{
				Config: fmt.Sprintf(`
output "rfc6238" {
  value = provider::veeam::totp_code(%q, 59)
}

resource "terraform_data" "code" {
  input = provider::veeam::totp_code(%q, %d)
}

output "from_a_string_time" {
  value = provider::veeam::totp_code(%q, "%d")
}
`, rfc6238Secret, fixedSecret, fixedTime, fixedSecret, fixedTime),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("rfc6238", knownvalue.StringExact("287082")),
					statecheck.ExpectKnownValue("terraform_data.code", tfjsonpath.New("output"), knownvalue.StringExact(want)),
					statecheck.ExpectKnownOutputValue("from_a_string_time", knownvalue.StringExact(want)),
				},
			},
		},
	})
}
