package provider

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image/png"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/pquerna/otp"
)

var _ function.Function = &qrCodePNGFunction{}

// NewQRCodePNGFunction is provider::veeam::qr_code_png.
func NewQRCodePNGFunction() function.Function { return &qrCodePNGFunction{} }

// qrCodePNGFunction renders an otpauth URI as a QR code, where the user asks for it, so the
// picture (about 2 KB of base64) is not kept in the state of every veeam_aws_user_mfa.
type qrCodePNGFunction struct{}

// qrCodeSide is the width and height of the PNG in pixels.
const qrCodeSide = 256

func (f *qrCodePNGFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "qr_code_png"
}

func (f *qrCodePNGFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "QR code of an otpauth URI, as a base64-encoded PNG",
		MarkdownDescription: fmt.Sprintf("Renders an `otpauth://` URI (the `otpauth_uri` of `veeam_aws_user_mfa`) as a %d×%d PNG QR code "+
			"that an authenticator app can scan, and returns the PNG base64-encoded: decode it with `base64decode` in Terraform or "+
			"`base64 -d` in a shell. The QR code holds the TOTP secret: the result is sensitive whenever the URI is, and belongs in a "+
			"sensitive output or a file only its user can read. Needs Terraform 1.8 or later.", qrCodeSide, qrCodeSide),
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "otpauth_uri",
				MarkdownDescription: "An `otpauth://totp/...` or `otpauth://hotp/...` URI with a `secret` parameter.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *qrCodePNGFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var uri string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &uri))
	if resp.Error != nil {
		return
	}
	if msg := checkOTPAuthURI(uri); msg != "" {
		resp.Error = function.NewArgumentFuncError(0, msg)
		return
	}
	qrCode, err := renderQRCodePNG(uri)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, qrCode))
}

// otpauthExample is the shape of a valid argument, for error messages.
const otpauthExample = `"otpauth://totp/Issuer:alice?secret=JBSWY3DPEHPK3PXP&issuer=Issuer"`

// checkOTPAuthURI says what is wrong with an otpauth URI, or "" when it can be rendered. The
// messages never repeat the URI (it holds the secret) and end without a period: Terraform adds one.
func checkOTPAuthURI(uri string) string {
	const fix = "pass the otpauth_uri attribute of veeam_aws_user_mfa, or a URI such as " + otpauthExample
	s := strings.TrimSpace(uri)
	if s == "" {
		return "otpauth_uri is empty: " + fix
	}
	u, err := url.Parse(s)
	if err != nil {
		return "otpauth_uri is not a URI (" + redactURLError(err) + "): " + fix
	}
	if !strings.EqualFold(u.Scheme, "otpauth") {
		scheme := u.Scheme
		if scheme == "" {
			scheme = "none"
		}
		return fmt.Sprintf("otpauth_uri must start with otpauth:// (its scheme is %q): %s", scheme, fix)
	}
	if t := strings.ToLower(u.Host); t != "totp" && t != "hotp" {
		return fmt.Sprintf("otpauth_uri must be otpauth://totp/... or otpauth://hotp/... (its type is %q): %s", u.Host, fix)
	}
	if u.Query().Get("secret") == "" {
		return "otpauth_uri has no secret parameter, so an authenticator app could not compute codes from it: " + fix
	}
	return ""
}

// redactURLError is url.Parse's complaint without the URL it quotes.
func redactURLError(err error) string {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err.Error()
	}
	return "it does not parse"
}

// renderQRCodePNG encodes the URI, exactly as given, as a base64 PNG QR code with pquerna/otp's
// encoder (boombuler/barcode, error correction level M): the same picture the qr_code_png
// attribute of veeam_aws_user_mfa holds for the same URI.
func renderQRCodePNG(uri string) (string, error) {
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return "", fmt.Errorf("otpauth_uri is not a URI (%s)", redactURLError(err))
	}
	img, err := key.Image(qrCodeSide, qrCodeSide)
	if err != nil {
		return "", fmt.Errorf("otpauth_uri does not fit in a QR code (%d characters): shorten the issuer or account name", len(uri))
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("encoding the QR code as PNG: %w", err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
