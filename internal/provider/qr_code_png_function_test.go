package provider

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"regexp"
	"strings"
	"testing"

	"github.com/boombuler/barcode/qr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// veeamOTPAuthURI is a qrString as Backup for AWS writes it ("@" as "&40").
const veeamOTPAuthURI = "otpauth://totp/alice&40veeam.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEH&issuer=veeam.example"

// checkQRCodePNG checks that b64 is a base64 PNG of qrCodeSide pixels square whose modules are
// exactly those of the QR code (level M, as authenticator enrollment uses) of uri: a reader
// scanning it gets uri back. The expected modules come from the QR encoder itself, sampled at
// the centre of each module of the scaled picture.
func checkQRCodePNG(b64, uri string) error {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return fmt.Errorf("not base64: %v", err)
	}
	if !bytes.HasPrefix(raw, []byte("\x89PNG\r\n\x1a\n")) {
		return fmt.Errorf("no PNG signature")
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("not a PNG that decodes: %v", err)
	}
	if b := img.Bounds(); b.Dx() != qrCodeSide || b.Dy() != qrCodeSide {
		return fmt.Errorf("PNG is %dx%d, want %dx%d", b.Dx(), b.Dy(), qrCodeSide, qrCodeSide)
	}
	want, err := qr.Encode(uri, qr.M, qr.Auto)
	if err != nil {
		return fmt.Errorf("encoding the expected QR code: %v", err)
	}
	modules := want.Bounds().Dx()
	scale := qrCodeSide / modules
	offset := (qrCodeSide - modules*scale) / 2
	for y := 0; y < modules; y++ {
		for x := 0; x < modules; x++ {
			got := isDark(img, offset+x*scale+scale/2, offset+y*scale+scale/2)
			if exp := isDark(want, x, y); got != exp {
				return fmt.Errorf("module (%d,%d) of %dx%d is dark=%v, want %v: the PNG is not the QR code of the URI", x, y, modules, modules, got, exp)
			}
		}
	}
	// The quiet zone around the code is white, as scanners need.
	if offset > 0 && (isDark(img, 0, 0) || isDark(img, qrCodeSide-1, qrCodeSide-1)) {
		return fmt.Errorf("the border of the PNG is not white")
	}
	return nil
}

func isDark(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r+g+b < 3*0x8000
}

func TestQRCodePNGFunction(t *testing.T) {
	for name, uri := range map[string]string{
		"as Veeam writes it":         veeamOTPAuthURI,
		"standard label":             "otpauth://totp/Veeam%20Backup%20for%20AWS:alice?secret=JBSWY3DPEHPK3PXP&issuer=Veeam%20Backup%20for%20AWS",
		"hotp":                       "otpauth://hotp/alice?secret=JBSWY3DPEHPK3PXP&counter=0",
		"upper-case scheme and type": "OTPAUTH://TOTP/alice?secret=JBSWY3DPEHPK3PXP",
	} {
		t.Run(name, func(t *testing.T) {
			got, ferr := callFunction(t, NewQRCodePNGFunction(), types.StringValue(uri))
			if ferr != nil {
				t.Fatalf("error: %s", ferr.Text)
			}
			if err := checkQRCodePNG(got, uri); err != nil {
				t.Error(err)
			}
			// A different URI gives a different picture (the check above is not vacuous).
			if err := checkQRCodePNG(got, uri+"&digits=6"); err == nil {
				t.Error("the PNG also passes as the QR code of another URI")
			}
		})
	}
}

func TestQRCodePNGFunction_invalidURI(t *testing.T) {
	const secret = "KRSXG5CTMVRXEZLU" // not the secret in the messages' example
	for name, tc := range map[string]struct {
		uri  string
		want []string
	}{
		"empty":          {"", []string{"otpauth_uri is empty", "otpauth_uri attribute of veeam_aws_user_mfa"}},
		"blank":          {"  \n", []string{"otpauth_uri is empty"}},
		"bare secret":    {secret, []string{"must start with otpauth://", `scheme is "none"`, "otpauth://totp/Issuer:alice?secret="}},
		"https":          {"https://example.com/?secret=" + secret, []string{"must start with otpauth://", `scheme is "https"`}},
		"unknown type":   {"otpauth://motp/alice?secret=" + secret, []string{"otpauth://totp/... or otpauth://hotp/...", `type is "motp"`}},
		"no secret":      {"otpauth://totp/alice?issuer=x", []string{"has no secret parameter"}},
		"does not parse": {"otpauth://totp/alice?secret=" + secret + "%zz\x7f", []string{"otpauth_uri is not a URI"}},
		"too long":       {"otpauth://totp/" + strings.Repeat("a", 3000) + "?secret=" + secret, []string{"does not fit in a QR code", "shorten"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, ferr := callFunction(t, NewQRCodePNGFunction(), types.StringValue(tc.uri))
			wantArgumentError(t, ferr, 0, secret, tc.want...)
		})
	}
}

const qrAddr = "terraform_data.qr"

func TestAccQRCodePNGFunction(t *testing.T) {
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   functionsFloor,
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				// The call is evaluated at plan time: a bad argument fails the plan with the
				// argument's name and the fix. (First: the last step's configuration is destroyed.)
				Config: `
output "qr_code_png" {
  value = provider::veeam::qr_code_png("https://example.com/")
}
`,
				PlanOnly:    true,
				ExpectError: terraformSays("provider::veeam::qr_code_png(otpauth_uri)", "otpauth_uri must start with otpauth://", "the otpauth_uri attribute of veeam_aws_user_mfa"),
			},
			{
				// The result of a sensitive URI is sensitive: an output must say so.
				Config: `
output "qr_code_png" {
  value = provider::veeam::qr_code_png(sensitive("otpauth://totp/alice?secret=KRSXG5CTMVRXEZLU"))
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Output refers to sensitive values`),
			},
			{
				Config: fmt.Sprintf(`
locals {
  otpauth_uri = %q
}

output "qr_code_png" {
  value = provider::veeam::qr_code_png(local.otpauth_uri)
}

resource "terraform_data" "qr" {
  input = provider::veeam::qr_code_png(local.otpauth_uri)
}

output "sensitive_in_sensitive_out" {
  value     = provider::veeam::qr_code_png(sensitive(local.otpauth_uri))
  sensitive = true
}
`, veeamOTPAuthURI),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("qr_code_png", qrCodeOf(veeamOTPAuthURI)),
					statecheck.ExpectKnownOutputValue("sensitive_in_sensitive_out", qrCodeOf(veeamOTPAuthURI)),
					statecheck.ExpectKnownValue(qrAddr, tfjsonpath.New("output"), qrCodeOf(veeamOTPAuthURI)),
				},
			},
		},
	})
}

// qrCodeOf is a known-value check: a base64 PNG of the QR code of uri (see checkQRCodePNG).
func qrCodeOf(uri string) knownvalue.Check { return qrCodeCheck(uri) }

type qrCodeCheck string

func (c qrCodeCheck) CheckValue(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("expected a string, got %T", v)
	}
	return checkQRCodePNG(s, string(c))
}

func (c qrCodeCheck) String() string { return "base64 PNG QR code of the URI" }
