package provider

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// Every diagnostic the provider writes about its configuration is built here: the client
// reports a field and a reason (client.ConfigError, client.TLSError), and the provider, which
// knows where each value came from, names the attribute, the environment variable and the fix.

// blockError is a problem with one attribute of a product block, in the user's words.
type blockError struct {
	Attribute string
	Message   string
	err       error // the client's error it explains, if any
}

func (e *blockError) Error() string { return e.Attribute + ": " + e.Message }

func (e *blockError) Unwrap() error { return e.err }

// singleUseFields are the credentials a login spends.
var singleUseFields = []client.Field{client.FieldAuthorizationCode, client.FieldRefreshToken, client.FieldSAMLResponse}

// explain turns the client's errors about the configuration into a *blockError naming the
// attribute, its environment variable and the fix, and a TLS failure into a sentence naming
// the attributes that fix it. Other errors are returned as they are.
func (r *resolver) explain(err error) error {
	var be *blockError
	var tlsErr *client.TLSError
	var ce *client.ConfigError
	switch {
	case err == nil || errors.As(err, &be):
		return err
	case errors.As(err, &tlsErr) && tlsErr.WrongName:
		return fmt.Errorf("%w, or set insecure = true in the %q block for a test appliance", err, r.product)
	case errors.As(err, &tlsErr):
		return fmt.Errorf("%w: set ca_cert_pem or ca_cert_file in the %q block to the server's CA certificate, or insecure = true for a test appliance", err, r.product)
	case !errors.As(err, &ce):
		return err
	}
	return &blockError{Attribute: string(ce.Field), Message: r.sentence(ce), err: err}
}

// sentence says what is wrong with a field and how to fix it, in the block or the environment.
func (r *resolver) sentence(ce *client.ConfigError) string {
	p := productOf(r.product)
	attr := string(ce.Field)
	env := envName(p.id, attr)
	src := r.settings[attr].Source
	hint := p.hints[ce.Field]
	var b strings.Builder
	switch ce.Reason {
	case client.ReasonMissing:
		b.WriteString("not set: ")
		if ce.Detail != "" {
			b.WriteString(ce.Detail + ": ")
		} else if m, ok := r.methodNeeding(p, attr); ok {
			fmt.Fprintf(&b, "%s (%s) needs %s: ", m, r.settings[m].Source, attr)
		}
		fmt.Fprintf(&b, "set %s in the %q block or %s%s", attr, p.id, env, hint)
	case client.ReasonNoCredentials:
		b.WriteString("no credentials: " + p.noCredentialsSentence())
	case client.ReasonConflict:
		fmt.Fprintf(&b, "%s; remove one in the %q block (check %s too)", ce.Detail, p.id, envName(p.id, "*"))
	case client.ReasonSpent:
		fmt.Fprintf(&b, "%s: configure password (or a fresh %s) in the %q block", ce.Detail, ce.Field.Words(), p.id)
	case client.ReasonRejected:
		b.WriteString(ce.Detail)
		if slices.Contains(singleUseFields, ce.Field) {
			fmt.Fprintf(&b, ": set a fresh %s, or username and password, in the %q block. Every Terraform command that calls the API "+
				"spends the value it was given: supply a fresh one each time", ce.Field.Words(), p.id)
			if ce.Field == client.FieldAuthorizationCode && p.authorizationCode != nil {
				fmt.Fprintf(&b, "; ephemeral.veeam_%s_authorization_code makes a fresh one in every Terraform command", p.id)
			}
		} else {
			user, secret := "username", "password"
			switch ce.Field {
			case client.FieldClientSecret:
				user, secret = "client_id", "client_secret"
			case client.FieldAssertion:
				user, secret = "client_id", "assertion"
			}
			fmt.Fprintf(&b, ": check %s and %s in the %q block (or %s and %s)", user, secret, p.id, envName(p.id, user), envName(p.id, secret))
			if ce.Hint != "" {
				b.WriteString("; " + ce.Hint)
			}
		}
		b.WriteString(".")
	case client.ReasonPlaintext:
		b.WriteString(ce.Detail)
		if src.kind != sourceUnset {
			fmt.Fprintf(&b, " (set by %s)", src)
		}
		fmt.Fprintf(&b, ". Use an https:// host (with ca_cert_pem or ca_cert_file for a self-signed certificate), or set %s = true in the %q block (or %s=true) "+
			"to accept that risk, for an emulator or a test appliance on a trusted network.", ce.Other, p.id, envName(p.id, string(ce.Other)))
	case client.ReasonWrongProduct:
		fmt.Fprintf(&b, "%s: check host and port in the %q block", ce.Detail, p.id)
		if src.kind != sourceUnset {
			fmt.Fprintf(&b, " (set by %s)", src)
		}
		fmt.Fprintf(&b, "; %s listens on port %d by default.", p.id.Title(), p.flavor.DefaultPort)
	case client.ReasonUnsupported:
		fmt.Fprintf(&b, "%s: set api_version in the %q block (or %s) to a version the server supports%s", ce.Detail, p.id, env, hint)
		if src.kind != sourceUnset {
			fmt.Fprintf(&b, ", or leave it unset")
			if len(client.KnownRevisions(p.id)) > 0 {
				fmt.Fprintf(&b, " to negotiate the newest revision both the server and the provider know")
			} else if p.flavor.DefaultVersion != "" {
				fmt.Fprintf(&b, " for %s", p.flavor.DefaultVersion)
			}
		}
		b.WriteString(".")
	default:
		b.WriteString(ce.Detail)
		if src.kind != sourceUnset {
			fmt.Fprintf(&b, " (set by %s)", src)
		}
		if ce.Hint != "" { // the client's fix is the specific one
			b.WriteString(": " + ce.Hint)
		} else {
			b.WriteString(hint)
		}
	}
	if ce.Err != nil {
		b.WriteString("\n\n" + ce.Err.Error())
	}
	return b.String()
}

// methodNeeding returns the login method (its attribute) that is set and needs attr, when the
// product has several methods, so that the message says which one.
func (r *resolver) methodNeeding(p *product, attr string) (string, bool) {
	if len(p.logins) < 2 {
		return "", false
	}
	for _, m := range p.logins {
		for _, a := range m.attrs {
			if r.settings[a].Value != "" && slices.Contains(m.with, attr) {
				return a, true
			}
		}
	}
	return "", false
}

// addConfigError reports an invalid product block, on the attribute when the error names one.
func addConfigError(diags *diag.Diagnostics, product client.Product, err error) {
	var be *blockError
	p := path.Root(string(product))
	if errors.As(err, &be) && be.Attribute != "" {
		p = p.AtName(be.Attribute)
	}
	diags.AddAttributeError(p, fmt.Sprintf("Invalid %q block", product), err.Error())
}

// addLoginError reports a failed login of a product block; err is explained already.
func addLoginError(diags *diag.Diagnostics, product client.Product, err error) {
	var be *blockError
	if errors.As(err, &be) {
		addConfigError(diags, product, err)
		return
	}
	p := path.Root(string(product))
	detail := err.Error()
	if client.IsAuthenticationFailed(err) {
		p = p.AtName("password")
		detail = fmt.Sprintf("The server rejected the credentials of the %q block: check username and password%s.\n\n%s", product, productOf(product).loginFailedHint, err)
	}
	diags.AddAttributeError(p, fmt.Sprintf("%s login failed (%q block)", product.Title(), product), detail)
}

// addCallError reports a failed API call of a resource, data source or ephemeral resource.
// A configuration error there comes from a deferred login (see product.lazy): it is about the
// provider block, not the resource.
func (d *providerData) addCallError(diags *diag.Diagnostics, product client.Product, summary string, err error) {
	if c := d.products[product]; c != nil {
		err = c.resolver.explain(err)
	}
	var be *blockError
	if errors.As(err, &be) {
		diags.AddError(summary, fmt.Sprintf("The provider's %q block cannot log in: %s", product, err))
		return
	}
	diags.AddError(summary, err.Error())
}

// fromEnvironment rewrites the diagnostics of a product configured from the environment alone
// (see product.fromEnvironment): they point at no attribute, since there is no block, and say
// why the product is configured at all.
func fromEnvironment(p *product, diags diag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range diags {
		summary := d.Summary() + " (from the environment)"
		detail := fmt.Sprintf("There is no %q block in the provider configuration, but %s is set, so every setting of %s comes from the %s environment variables.\n\n%s",
			p.id, p.hostVariable(), p.id, envName(p.id, "*"), d.Detail())
		if d.Severity() == diag.SeverityError {
			out.AddError(summary, detail)
		} else {
			out.AddWarning(summary, detail)
		}
	}
	return out
}

// errorAdvice is what to tell the user when a failed API call's error is of one kind.
type errorAdvice struct {
	fits func(error) bool
	text string
}

// whenForbidden is advice for a call the user's role does not allow.
func whenForbidden(text string) errorAdvice { return errorAdvice{client.IsForbidden, text} }

// needsVBR13 is advice for an endpoint of Backup & Replication's REST API 1.3-rev1 that the server
// does not have (404).
func needsVBR13(endpoint string) errorAdvice {
	return errorAdvice{client.IsNotFound, fmt.Sprintf("The server has no %s: it needs Veeam Backup & Replication 13.0.1 or later "+
		"(REST API %s); leave api_version in the \"vbr\" block unset, or set it to %s or newer.", endpoint, client.VBRSecurityRevision, client.VBRSecurityRevision)}
}

// missingBlock says which block to add (or which variable to set) for what (a resource type
// name) to work.
func missingBlock(product client.Product, what string) diag.Diagnostic {
	host := envName(product, "host")
	return diag.NewErrorDiagnostic(fmt.Sprintf("Missing %q block in the provider configuration", product),
		fmt.Sprintf("%s talks to %s: add\n\n  provider \"veeam\" {\n    %s {\n      host = \"https://...\"\n      ...\n    }\n  }\n\n"+
			"or leave the block out and set %s (with the other %s variables the login needs): with no %q block, %s configures %s from the environment alone.",
			what, product.Title(), product, host, envName(product, "*"), product, host, product))
}

// notKnownYet says that a block's values are only known after apply.
func notKnownYet(product client.Product, what string, pending []string) diag.Diagnostic {
	return diag.NewErrorDiagnostic(fmt.Sprintf("The %q block is not known yet", product),
		fmt.Sprintf("%s needs a login, but these attributes of the %q block are only known after apply: %s. Apply the resources they depend on first (terraform apply -target=...).",
			what, product, strings.Join(pending, ", ")))
}

// notConfigured says that a resource was used before the provider was configured (a bug).
func notConfigured(what string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Provider not configured", what+" was used before the provider was configured: this is a bug in the provider")
}

// addLogoutWarning reports a logout that failed or could not be confirmed: a warning, since the
// token ends on its own and the run must not fail for it.
func addLogoutWarning(diags *diag.Diagnostics, what string, err error) {
	var unconfirmed *client.LogoutUnconfirmedError
	if errors.As(err, &unconfirmed) {
		diags.AddWarning(fmt.Sprintf("Logout of the %s not confirmed", what), err.Error())
		return
	}
	diags.AddWarning(fmt.Sprintf("Logging out the %s failed", what), err.Error()+"\n\nThe session ends on its own when its tokens expire.")
}
