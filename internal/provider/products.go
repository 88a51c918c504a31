package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// product is everything the provider knows about one product, declared once in products: its
// block, how its settings resolve and which login methods it has, how to open its client, and
// its token and authorization-code resources. Resources find the product's client with
// clientOf and its client.Product.
type product struct {
	id     client.Product
	flavor *client.Flavor
	schema func() schema.SingleNestedBlock
	model  func() any // a new, empty block model (a pointer to a struct with tfsdk tags)
	open   func(client.Config) (session, error)

	// logins are the ways to log in, in the order a conflict is compared (and reported on the
	// later one). A login method written in the block wins over the environment's.
	logins []loginMethod
	// oneLogin tells how to choose, for a conflict between login methods.
	oneLogin string
	// conflicts are attributes of one login method that exclude each other.
	conflicts []attributeConflict
	// noCredentials completes "no credentials: ..." with what to set.
	noCredentials string
	// requireLogin: a block without any login method is an error when the provider is
	// configured (otherwise when a call first needs a login).
	requireLogin bool
	// flags are the boolean credential attributes.
	flags map[string]func(*client.Credentials, bool)
	// lazy says when Configure must not log in up front: with no credentials (only
	// unauthenticated calls can work) or a single-use one (an eager login would spend it even
	// in a command that calls nothing). nil: always log in.
	lazy func(client.Credentials) bool
	// check is the product's own check of its resolved settings (nil: none).
	check func(p *product, r *resolver, cfg client.Config) error
	// hints are added to a diagnostic about a field.
	hints map[client.Field]string
	// loginFailedHint is added to "check username and password" when the server rejects them.
	loginFailedHint string

	resources   []func() resource.Resource     // the product's managed resources
	dataSources []func() datasource.DataSource // its data sources (authorization codes come from authorizationCode)

	token             *tokenSpec             // the veeam_<product>_token (or _session) ephemeral resource
	authorizationCode *authorizationCodeSpec // nil: the product issues no authorization codes
}

// loginMethod is one way to log in.
type loginMethod struct {
	attrs []string // any of them set chooses this method
	with  []string // attributes that belong to this method only (username, MFA codes)
	only  []string // of with: an error when set while another method logs in
}

// attributeConflict is two attributes that cannot both be set, and what to do.
type attributeConflict struct{ first, second, advice string }

// products are the product blocks.
var products = []*product{
	{
		id: client.AWS, flavor: client.AWSFlavor, schema: awsBlockSpec.schema, model: func() any { return &awsBlockModel{} }, open: opener(client.NewAWS),
		logins: []loginMethod{
			{attrs: []string{"password"}, with: []string{"username", "totp_secret", "mfa_code"}, only: []string{"totp_secret", "mfa_code"}},
			{attrs: []string{"authorization_code"}}, {attrs: []string{"refresh_token"}}, {attrs: []string{"saml_response"}},
		},
		oneLogin:      "Keep exactly one of password (with username), authorization_code, refresh_token or saml_response, in the block or the environment",
		conflicts:     []attributeConflict{totpOrCode},
		noCredentials: `set username and password in the "aws" block (or VEEAM_AWS_USERNAME and VEEAM_AWS_PASSWORD), or one of authorization_code, refresh_token or saml_response`,
		lazy: func(c client.Credentials) bool {
			if c.AuthorizationCode != "" || c.RefreshToken != "" || c.SAMLResponse != "" {
				return true
			}
			return c.Username == "" && c.Password == "" && c.TOTPSecret == "" && c.MFACode == ""
		},
		hints:             mfaHints,
		loginFailedHint:   mfaLoginFailedHint,
		resources:         []func() resource.Resource{NewAWSUserMFAResource, NewAWSUserResource},
		dataSources:       []func() datasource.DataSource{NewAWSUserDataSource, NewAWSUsersDataSource, NewAWSSSOURLDataSource},
		token:             &tokenSpec{typeName: "aws_token", what: "access token"},
		authorizationCode: &authorizationCodeSpec{endpoint: "POST /api/v1/token/authorization_code", lifetime: client.AWSAuthorizationCodeLifetime},
	},
	{
		id: client.VBR, flavor: client.VBRFlavor, schema: vbrBlockSchema, model: func() any { return &vbrBlockModel{} }, open: opener(client.NewVBR),
		logins: []loginMethod{
			{attrs: []string{"password"}, with: []string{"username"}},
			{attrs: []string{"authorization_code"}}, {attrs: []string{"refresh_token"}},
		},
		oneLogin:      "Set exactly one of password, authorization_code and refresh_token, in the block or the environment",
		noCredentials: `set username and password (or authorization_code, or refresh_token) in the "vbr" block, or VEEAM_VBR_USERNAME and VEEAM_VBR_PASSWORD`,
		requireLogin:  true,
		flags:         map[string]func(*client.Credentials, bool){"use_short_term_refresh": func(c *client.Credentials, b bool) { c.UseShortTermRefresh = b }},
		lazy: func(c client.Credentials) bool {
			return c.AuthorizationCode != "" || (c.RefreshToken != "" && c.Password == "")
		},
		check:             checkCredentials,
		resources:         []func() resource.Resource{NewVBRMFASettingsResource, NewVBRServiceAccountResource},
		dataSources:       []func() datasource.DataSource{NewVBRUsersDataSource},
		token:             &tokenSpec{typeName: "vbr_token", what: "access token"},
		authorizationCode: &authorizationCodeSpec{endpoint: "POST /api/oauth2/authorization_code", lifetime: client.VBRAuthorizationCodeLifetime, instead: vbrNoAuthorizationCodes},
	},
	{
		id: client.VRO, flavor: client.VROFlavor, schema: vroBlockSchema, model: func() any { return &vroBlockModel{} }, open: opener(client.NewVRO),
		logins: []loginMethod{
			{attrs: []string{"password"}, with: []string{"username", "totp_secret", "mfa_code"}, only: []string{"totp_secret", "mfa_code"}},
			{attrs: []string{"client_id", "client_secret"}},
		},
		oneLogin: "Log in either as a user (username and password) or as a client account (client_id and client_secret), in the block or the environment",
		conflicts: []attributeConflict{{"totp_secret", "mfa_code",
			"set totp_secret (the provider computes each code) or mfa_code (one code), not both"}},
		noCredentials: `set username and password, or client_id and client_secret of a dedicated client account (which other logins of the same user cannot log out), ` +
			`in the "vro" block (or VEEAM_VRO_USERNAME and VEEAM_VRO_PASSWORD, or VEEAM_VRO_CLIENT_ID and VEEAM_VRO_CLIENT_SECRET)`,
		hints: map[client.Field]string{
			client.FieldTOTPSecret: " (the base32 MFA secret, so codes are computed for you), or mfa_code (a one-shot code)",
		},
		loginFailedHint: " (and, for a user with MFA, totp_secret or mfa_code)",
		token:           &tokenSpec{typeName: "vro_token", what: "access token", sessionsInterfere: true},
	},
	{
		id: client.VAO, flavor: client.VAOFlavor, schema: vaoBlockSchema, model: func() any { return &vaoBlockModel{} }, open: opener(client.NewVAO),
		logins: []loginMethod{
			{attrs: []string{"password"}, with: []string{"username"}},
			{attrs: []string{"client_id", "client_secret"}},
		},
		oneLogin: "Log in either as a user (username and password) or as a client account (client_id and client_secret), in the block or the environment",
		noCredentials: `set username and password, or client_id and client_secret of a client account, in the "vao" block ` +
			`(or VEEAM_VAO_USERNAME and VEEAM_VAO_PASSWORD, or VEEAM_VAO_CLIENT_ID and VEEAM_VAO_CLIENT_SECRET)`,
		hints: map[client.Field]string{client.FieldUsername: ` (in HCL "VEEAM\\administrator")`},
		token: &tokenSpec{typeName: "vao_token", what: "access token", sessionsInterfere: true},
	},
	{
		id: client.EM, flavor: client.EMFlavor, schema: emBlockSchema, model: func() any { return &emBlockModel{} }, open: opener(client.NewEM),
		logins: []loginMethod{{attrs: []string{"password"}, with: []string{"username"}}},
		flags:  map[string]func(*client.Credentials, bool){"tenant": func(c *client.Credentials, b bool) { c.Tenant = b }},
		lazy: func(c client.Credentials) bool {
			return c.Username == "" && c.Password == ""
		},
		check:           checkEMAPIVersion,
		dataSources:     []func() datasource.DataSource{NewEMAPIDataSource},
		hints:           map[client.Field]string{client.FieldAPIVersion: `, or to "latest" for the server's newest`},
		loginFailedHint: " (and tenant: true for a tenant account, unset for any other)",
		// Enterprise Manager has no refresh: the session lasts 15 minutes after its last use, and
		// closing it deletes the logon session.
		token: &tokenSpec{typeName: "em_session", what: "logon session id", note: fmt.Sprintf(
			"Enterprise Manager ends a session after %d minutes without requests, and it cannot be renewed.", int(client.EMIdleTimeout.Minutes()))},
	},
	{
		id: client.M365, flavor: client.M365Flavor, schema: m365BlockSpec.schema, model: func() any { return &m365BlockModel{} }, open: opener(client.NewM365),
		logins: []loginMethod{
			{attrs: []string{"password"}, with: []string{"username"}},
			{attrs: []string{"client_id", "assertion"}, with: []string{"assertion_grant"}, only: []string{"assertion_grant"}},
		},
		oneLogin: "Log in either as a Veeam user (username and password) or with client_id and assertion, in the block or the environment",
		noCredentials: `set username and password, or client_id and assertion of a restore operator or an application, in the "m365" block ` +
			`(or VEEAM_M365_USERNAME and VEEAM_M365_PASSWORD, or VEEAM_M365_CLIENT_ID and VEEAM_M365_ASSERTION)`,
		check: checkCredentials,
		token: &tokenSpec{typeName: "m365_token", what: "access token"},
		authorizationCode: &authorizationCodeSpec{endpoint: "POST /v8/token/AuthCode", lifetime: client.M365AuthorizationCodeLifetime,
			use: "The one-time code Backup for Microsoft 365 issues to complete an authentication elsewhere; its REST API's own token " +
				"endpoint takes no authorization-code grant.", lifetimeAssumed: true},
	},
	{
		id: client.ONE, flavor: client.ONEFlavor, schema: oneBlockSpec.schema, model: func() any { return &passwordBlockModel{} }, open: opener(client.NewONE),
		logins: []loginMethod{{attrs: []string{"password"}, with: []string{"username"}}},
		token:  &tokenSpec{typeName: "one_token", what: "access token", sessionsInterfere: true},
	},
	{
		id: client.SPC, flavor: client.SPCFlavor, schema: spcBlockSpec.schema, model: func() any { return &passwordBlockModel{} }, open: opener(client.NewSPC),
		logins: []loginMethod{{attrs: []string{"password"}, with: []string{"username"}}},
		// Logging out revokes every token of the user: an eager login would be one more session
		// for the token's Close to end.
		lazy:  func(client.Credentials) bool { return true },
		token: &tokenSpec{typeName: "spc_token", what: "access token", note: spcRevokesAll, sessionsInterfere: true},
	},
	{
		id: client.AZURE, flavor: client.AzureFlavor, schema: azureBlockSpec.schema, model: func() any { return &azureBlockModel{} }, open: opener(client.NewAzure),
		logins: []loginMethod{
			{attrs: []string{"password"}, with: []string{"username", "totp_secret", "mfa_code"}, only: []string{"totp_secret", "mfa_code"}},
			{attrs: []string{"refresh_token"}},
		},
		oneLogin:  "Keep exactly one of password (with username) or refresh_token, in the block or the environment",
		conflicts: []attributeConflict{totpOrCode},
		flags:     map[string]func(*client.Credentials, bool){"short_lived_refresh_token": func(c *client.Credentials, b bool) { c.UseShortTermRefresh = b }},
		lazy: func(c client.Credentials) bool {
			return c.RefreshToken != "" && c.Password == ""
		},
		hints:           mfaHints,
		loginFailedHint: mfaLoginFailedHint,
		resources:       []func() resource.Resource{NewAzureUserMFAResource},
		dataSources:     []func() datasource.DataSource{NewAzureUsersDataSource},
		token:           &tokenSpec{typeName: "azure_token", what: "access token"},
	},
	{
		id: client.GCP, flavor: client.GCPFlavor, schema: gcpBlockSpec.schema, model: func() any { return &gcpBlockModel{} }, open: opener(client.NewGCP),
		logins: []loginMethod{
			{attrs: []string{"password"}, with: []string{"username", "totp_secret", "mfa_code"}, only: []string{"totp_secret", "mfa_code"}},
			{attrs: []string{"authorization_code"}}, {attrs: []string{"refresh_token"}},
		},
		oneLogin:  "Keep exactly one of password (with username), authorization_code or refresh_token, in the block or the environment",
		conflicts: []attributeConflict{totpOrCode},
		flags:     map[string]func(*client.Credentials, bool){"use_short_term_refresh": func(c *client.Credentials, b bool) { c.UseShortTermRefresh = b }},
		lazy: func(c client.Credentials) bool {
			return c.AuthorizationCode != "" || (c.RefreshToken != "" && c.Password == "")
		},
		hints:           mfaHints,
		loginFailedHint: mfaLoginFailedHint,
		token:           &tokenSpec{typeName: "gcp_token", what: "access token"},
	},
}

// totpOrCode, mfaHints and mfaLoginFailedHint are what the products whose password login has a
// TOTP step (aws, azure, gcp) say about it.
var (
	totpOrCode = attributeConflict{"totp_secret", "mfa_code",
		"set totp_secret (the provider computes each code) or mfa_code (one code), not both"}
	mfaHints = map[client.Field]string{
		client.FieldTOTPSecret: " (the base32 MFA secret, so codes are computed for you), or mfa_code (a one-shot code or a scratch code)",
	}
	mfaLoginFailedHint = " (and, for a user with MFA, totp_secret or mfa_code)"
)

// checkCredentials runs the client's credential check when the provider is configured.
func checkCredentials(p *product, _ *resolver, cfg client.Config) error {
	return p.flavor.CheckCredentials(cfg.Credentials)
}

// checkEMAPIVersion checks that api_version is a version (or "latest") before any request.
func checkEMAPIVersion(_ *product, r *resolver, cfg client.Config) error {
	if v := cfg.APIVersion; v != "" && !emAPIVersion.MatchString(v) {
		return &blockError{Attribute: "api_version", Message: fmt.Sprintf("%q (from %s) is not an Enterprise Manager API version: %s", v, r.settings["api_version"].Source, emAPIVersionHint)}
	}
	return nil
}

// spcRevokesAll says what closing a Service Provider Console token does.
const spcRevokesAll = "\n\n-> **Closing revokes every token of the user.** Service Provider Console logs out with " +
	"`DELETE /api/v3/users/{userId}/tokens`, which ends all sessions of that user, not only this one. The provider's own `spc` " +
	"session, opened only when something needs it, logs in again if it is still needed."

// noCredentialsSentence completes "no credentials: ...".
func (p *product) noCredentialsSentence() string {
	if p.noCredentials != "" {
		return p.noCredentials
	}
	return fmt.Sprintf("set username and password in the %q block (or %s and %s)", p.id, envName(p.id, "username"), envName(p.id, "password"))
}

// productOf returns the product's entry; it panics for a product without one (a bug).
func productOf(id client.Product) *product {
	for _, p := range products {
		if p.id == id {
			return p
		}
	}
	panic(fmt.Sprintf("no product %q in the provider's table", id))
}

// opener adapts a client constructor to product.open.
func opener[C session](f func(client.Config) (C, error)) func(client.Config) (session, error) {
	return func(cfg client.Config) (session, error) { return f(cfg) }
}

// credentialAttributes are the string attributes of the product's login methods.
func (p *product) credentialAttributes() []string {
	var out []string
	for _, m := range p.logins {
		out = append(out, m.attrs...)
		out = append(out, m.with...)
	}
	return out
}
