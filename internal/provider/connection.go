package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// connectionModel holds the attributes every product block has.
type connectionModel struct {
	Host       types.String `tfsdk:"host"`
	APIVersion types.String `tfsdk:"api_version"`
	CACertPEM  types.String `tfsdk:"ca_cert_pem"`
	CACertFile types.String `tfsdk:"ca_cert_file"`
	Insecure   types.Bool   `tfsdk:"insecure"`
	// AllowPlaintextHTTP lets host be http://, named for its risk.
	AllowPlaintextHTTP types.Bool   `tfsdk:"allow_plaintext_http"`
	RequestTimeout     types.String `tfsdk:"request_timeout"`
	MaxRetries         types.Int64  `tfsdk:"max_retries"`
}

func envNote(product, attr string) string {
	return fmt.Sprintf(" Also read from `%s`.", envName(product, attr))
}

// connectionAttributes are the schema of connectionModel for one product.
func connectionAttributes(product string, defaultPort int, versionDoc string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"host": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: fmt.Sprintf("Address of the %s REST API: `https://HOST[:PORT]`; the port defaults to %d.", client.Product(product).Title(), defaultPort) + envNote(product, "host"),
		},
		"api_version": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: versionDoc + envNote(product, "api_version"),
		},
		"ca_cert_pem": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "PEM certificate(s) to trust in addition to the system roots, for an appliance with a self-signed certificate." + envNote(product, "ca_cert_pem"),
			Validators: []validator.String{
				stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("insecure")),
			},
		},
		"ca_cert_file": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Path of a PEM file to trust, like `ca_cert_pem`." + envNote(product, "ca_cert_file"),
			Validators: []validator.String{
				stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("insecure")),
			},
		},
		"insecure": schema.BoolAttribute{
			Optional:            true,
			MarkdownDescription: "Skip TLS certificate verification. For test appliances only: anyone on the path can read the credentials. Conflicts with `ca_cert_pem` and `ca_cert_file`." + envNote(product, "insecure"),
		},
		"allow_plaintext_http": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Allow an `http://` host: the password, TOTP codes and tokens then cross the network in clear text, readable by anyone on the path. " +
				"For an emulator or a test appliance on a trusted network only; without it an `http://` host is refused. Every plan warns while it is set." + envNote(product, "allow_plaintext_http"),
		},
		"request_timeout": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Timeout of one HTTP request, as a Go duration (`30s`, `2m`). Default `30s`." + envNote(product, "request_timeout"),
		},
		"max_retries": schema.Int64Attribute{
			Optional:            true,
			MarkdownDescription: fmt.Sprintf("How many times a request is resent after a connection error, 429, 502, 503 or 504 (with capped exponential backoff and `Retry-After`). `0` disables retries. Default %d.", client.DefaultMaxRetries) + envNote(product, "max_retries"),
			Validators:          []validator.Int64{int64validator.Between(0, 20)},
		},
	}
}

// connection resolves the settings every product block has: the transport part of a client
// configuration.
func (r *resolver) connection(values map[string]attr.Value) (client.Config, error) {
	var cfg client.Config
	str := func(a string) setting { v, _ := values[a].(types.String); return r.str(a, v) }
	host := str("host")
	if host.Value == "" && !slices.Contains(r.unknown, "host") {
		return cfg, &blockError{Attribute: "host", Message: fmt.Sprintf("not set: set host in the %q block or %s", r.product, envName(r.product, "host"))}
	}
	cfg.Host = host.Value
	cfg.APIVersion = str("api_version").Value
	cfg.TLS.CACertPEM = str("ca_cert_pem").Value
	cfg.TLS.CACertFile = str("ca_cert_file").Value
	insecureValue, _ := values["insecure"].(types.Bool)
	insecure, err := r.boolean("insecure", insecureValue)
	if err != nil {
		return cfg, err
	}
	cfg.TLS.Insecure = insecure
	if insecure && (cfg.TLS.CACertPEM != "" || cfg.TLS.CACertFile != "") {
		return cfg, &blockError{Attribute: "insecure", Message: "conflicts with ca_cert_pem / ca_cert_file (one of them may come from the environment): trust the CA, or skip verification, not both"}
	}
	plaintextValue, _ := values["allow_plaintext_http"].(types.Bool)
	if cfg.AllowPlaintextHTTP, err = r.boolean("allow_plaintext_http", plaintextValue); err != nil {
		return cfg, err
	}
	timeout, _ := values["request_timeout"].(types.String)
	if cfg.RequestTimeout, err = r.duration("request_timeout", timeout); err != nil {
		return cfg, err
	}
	retriesValue, _ := values["max_retries"].(types.Int64)
	retries, err := r.integer("max_retries", retriesValue, int64(client.DefaultMaxRetries))
	if err != nil {
		return cfg, err
	}
	if retries < 0 || retries > 20 {
		return cfg, &blockError{Attribute: "max_retries", Message: fmt.Sprintf("%d is out of range: use 0 to 20", retries)}
	}
	cfg.MaxRetries = int(retries)
	if retries == 0 {
		cfg.MaxRetries = -1 // the client reads 0 as "default"
	}
	return cfg, nil
}

// addConnectionWarnings warns, at every plan, about the settings that expose the credentials:
// insecure = true, and allow_plaintext_http = true with an http:// host.
func addConnectionWarnings(ctx context.Context, product client.Product, cfg client.Config, diags *diag.Diagnostics) {
	if cfg.TLS.Insecure {
		tflog.Warn(ctx, "TLS certificate verification is disabled (insecure = true): anyone on the network path can read the credentials; trust the appliance's CA with ca_cert_pem or ca_cert_file instead", map[string]any{"product": string(product)})
		diags.AddAttributeWarning(path.Root(string(product)).AtName("insecure"), "TLS verification is off",
			fmt.Sprintf("The %q block has insecure = true: the provider does not check who it sends the credentials to. Use it for test appliances only; set ca_cert_pem or ca_cert_file to trust the appliance's certificate instead.", product))
	}
	if cfg.AllowPlaintextHTTP && strings.HasPrefix(strings.ToLower(strings.TrimSpace(cfg.Host)), "http://") {
		tflog.Warn(ctx, "plain http (allow_plaintext_http = true): credentials and tokens cross the network in clear text", map[string]any{"product": string(product), "host": cfg.Host})
		diags.AddAttributeWarning(path.Root(string(product)).AtName("allow_plaintext_http"), "Credentials sent in clear text",
			fmt.Sprintf("The %q block has allow_plaintext_http = true and host %q: the password, TOTP codes and tokens cross the network in clear text, readable by anyone on the path. "+
				"Use it for an emulator or a test appliance on a trusted network only; use an https:// host (with ca_cert_pem or ca_cert_file for a self-signed certificate) otherwise.", product, cfg.Host))
	}
}
