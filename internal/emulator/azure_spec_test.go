package emulator_test

import (
	"net/url"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// azureSpec is Backup for Microsoft Azure's table: the token endpoint and the per-user MFA
// endpoints against our schemas of its 8.1 specification.
func azureSpec() specProduct {
	login, user := fixed("azure-8.1-login"), fixed("azure-8.1-user")
	pw := func(name string) url.Values {
		return url.Values{"grant_type": {"Password"}, "username": {name}, "password": {"Password1"}}
	}
	admin := func(c *specCall) string {
		return field(c.form("/api/oauth2/token", pw("administrator")), "access_token")
	}
	operator := func(c *specCall) string {
		page := decode[emulator.AzureUserPage](c.json("GET", "/api/v8.1/users?NameFilter=operator", admin(c), "").want(200))
		return "/api/v8.1/users/" + page.Results[0].ID
	}
	enrolled := func(c *specCall) (path, token string) {
		path, token = operator(c), admin(c)
		en := c.json("POST", path+"/enableMfa", token, `{"recreate":false}`)
		body := `{"code":"` + totpAt(c.t, field(en, "secretKey"), c.h.clock.Now()) + `","token":"` + field(en, "token") + `"}`
		c.json("POST", path+"/acceptMfa", token, body).want(204)
		return path, token
	}
	return specProduct{
		product: emulator.AZURE, title: "**Backup for Microsoft Azure** (columns: builds; version in the path)", columns: emulator.KnownBuilds(emulator.AZURE),
		harness: func(t *testing.T, b string) *harness {
			h := newHarness(t, func(o *emulator.Options) { o.Builds = map[emulator.Product]string{emulator.AZURE: b} })
			h.h = h.e.Handler(emulator.AZURE)
			return h
		},
		errSchema: "azure-8.1-problem-details",
		cases: []specCase{
			{endpoint: "`POST /api/oauth2/token` Password", answer: login, call: func(c *specCall) *resp { return c.form("/api/oauth2/token", pw("administrator")) }},
			{endpoint: "`POST /api/oauth2/token` Password, MFA user (step 1)", answer: login, call: func(c *specCall) *resp {
				enrolled(c)
				return c.form("/api/oauth2/token", pw("operator"))
			}},
			{endpoint: "`POST /api/oauth2/token` Refresh_token", answer: login, call: func(c *specCall) *resp {
				rt := field(c.form("/api/oauth2/token", pw("administrator")), "refresh_token")
				return c.form("/api/oauth2/token", url.Values{"grant_type": {"Refresh_token"}, "refresh_token": {rt}})
			}},
			{endpoint: "`POST /api/oauth2/token` wrong password", call: func(c *specCall) *resp {
				return c.form("/api/oauth2/token", url.Values{"grant_type": {"Password"}, "username": {"administrator"}, "password": {"no"}})
			}},
			{endpoint: "`DELETE /api/oauth2/token`", call: func(c *specCall) *resp { return c.json("DELETE", "/api/oauth2/token", admin(c), "") }},
			{endpoint: "`GET /api/v8.1/users`", answer: fixed("azure-8.1-page-of-user"), call: func(c *specCall) *resp {
				return c.json("GET", "/api/v8.1/users", admin(c), "")
			}},
			{endpoint: "`GET /api/v8.1/users/{id}`", answer: user, call: func(c *specCall) *resp { return c.json("GET", operator(c), admin(c), "") }},
			{endpoint: "`POST /api/v8.1/users/{id}/enableMfa`", answer: fixed("azure-8.1-user-mfa-data"), call: func(c *specCall) *resp {
				return c.json("POST", operator(c)+"/enableMfa", admin(c), `{"recreate":false}`)
			}},
			{endpoint: "`POST /api/v8.1/users/{id}/acceptMfa`", call: func(c *specCall) *resp {
				path, token := operator(c), admin(c)
				en := c.json("POST", path+"/enableMfa", token, `{}`)
				body := `{"code":"` + totpAt(c.t, field(en, "secretKey"), c.h.clock.Now()) + `","token":"` + field(en, "token") + `"}`
				checkSchema(c.t, "azure-8.1-user-mfa-accept", []byte(body))
				return c.json("POST", path+"/acceptMfa", token, body)
			}},
			{endpoint: "`POST /api/v8.1/users/{id}/disableMfa`", call: func(c *specCall) *resp {
				path, token := enrolled(c)
				return c.json("POST", path+"/disableMfa", token, "")
			}},
		},
	}
}
