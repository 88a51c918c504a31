package provider

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

var _ function.Function = &totpCodeFunction{}

// NewTOTPCodeFunction is provider::veeam::totp_code.
func NewTOTPCodeFunction() function.Function { return &totpCodeFunction{} }

// totpCodeFunction computes the TOTP code of a secret at a given time, for users who hand a
// code to another tool. It is a pure function of its arguments (Terraform requires that), so
// the time is an argument, never the clock.
type totpCodeFunction struct{}

// veeamTOTP are the TOTP parameters Veeam's appliances use: RFC 6238 defaults.
var veeamTOTP = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

func (f *totpCodeFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "totp_code"
}

func (f *totpCodeFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The TOTP code of a base32 secret at a given Unix time",
		MarkdownDescription: "Computes the 6-digit time-based one-time password (RFC 6238: HMAC-SHA1, 30-second steps, as Veeam's " +
			"appliances use) of a base32 TOTP secret, such as the `secret_key` of `veeam_aws_user_mfa`, at a Unix time in seconds. " +
			"Returns a string, so leading zeros are kept. A function always returns the same result for the same arguments, so it " +
			"does not read the clock: pass the time in (for example a variable set with `-var \"unix_time=$(date +%s)\"`). A code is valid for 30 seconds and is " +
			"sensitive whenever the secret is. Needs Terraform 1.8 or later.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "secret",
				MarkdownDescription: "Base32 TOTP secret (RFC 4648 alphabet A–Z and 2–7, any case; spaces and `=` padding are " +
					"ignored).",
			},
			function.NumberParameter{
				Name:                "unix_time",
				MarkdownDescription: "Seconds since 1970-01-01T00:00:00Z: a whole number, 0 or more.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *totpCodeFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var secret string
	var at *big.Float // a number, not an int64: the framework's own message for 59.5 is a bug report
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &secret, &at))
	if resp.Error != nil {
		return
	}
	normalized, msg := normalizeTOTPSecret(secret)
	if msg != "" {
		resp.Error = function.NewArgumentFuncError(0, msg)
		return
	}
	unixTime, msg := unixSeconds(at)
	if msg != "" {
		resp.Error = function.NewArgumentFuncError(1, msg)
		return
	}
	code, err := totp.GenerateCodeCustom(normalized, time.Unix(unixTime, 0), veeamTOTP)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "secret is not base32 (it does not decode): "+totpSecretFix)
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, code))
}

// unixSeconds returns a Unix time argument as whole seconds, or a message saying what is wrong.
func unixSeconds(at *big.Float) (int64, string) {
	const fix = "pass seconds since 1970-01-01T00:00:00Z, a whole number 0 or more (for now: $(date +%s) in a shell)"
	if !at.IsInt() {
		return 0, fmt.Sprintf("unix_time is %s, not a whole number of seconds: %s; floor() drops a fraction", at.Text('g', 20), fix)
	}
	n, acc := at.Int64()
	if acc != big.Exact || n < 0 {
		return 0, fmt.Sprintf("unix_time is %s: %s", at.Text('f', 0), fix)
	}
	return n, ""
}

// totpSecretFix ends every message about a bad secret.
const totpSecretFix = "pass a base32 secret such as the secret_key attribute of veeam_aws_user_mfa (letters A-Z and digits 2-7, e.g. \"JBSWY3DPEHPK3PXP\")"

// normalizeTOTPSecret returns the secret in upper case without spaces or padding, or a message
// saying what is wrong with it. Messages never repeat the secret and end without a period
// (Terraform adds one).
func normalizeTOTPSecret(secret string) (string, string) {
	s := strings.ToUpper(strings.TrimRight(strings.Join(strings.Fields(secret), ""), "="))
	if s == "" {
		return "", "secret is empty: " + totpSecretFix
	}
	for i, r := range []rune(s) {
		if (r < 'A' || r > 'Z') && (r < '2' || r > '7') {
			return "", fmt.Sprintf("secret is not base32: character %d (spaces not counted) is not a letter A-Z or a digit 2-7 (0, 1, 8 and 9 are not base32 digits): %s", i+1, totpSecretFix)
		}
	}
	// 8 base32 characters hold 5 bytes; 1, 3 or 6 left over cannot end a whole byte.
	if n := len(s) % 8; n == 1 || n == 3 || n == 6 {
		return "", fmt.Sprintf("secret is not base32: %d characters cannot be a whole number of bytes (a base32 secret has a length such as 16, 26 or 32): %s", len(s), totpSecretFix)
	}
	return s, ""
}
