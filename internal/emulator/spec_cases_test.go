package emulator_test

// The rows of the spec conformance tables (spec_conformance_test.go): how
// each endpoint is called successfully, per product.

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// specBuild is a harness on product p's build, speaking rev (AWS, VBR).
func specBuild(t *testing.T, p emulator.Product, build, rev string) *harness {
	h := newHarness(t, func(o *emulator.Options) { o.Builds = map[emulator.Product]string{p: build} })
	h.h, h.version = h.e.Handler(p), rev
	if err := h.e.AddUser(emulator.AWS, emulator.SeedUser{Name: "mfa", Password: "Mfa-Pass1", MFASecret: mfaSecret}); err != nil {
		t.Fatal(err)
	}
	return h
}

// ---- Backup for AWS: columns are x-api-version values, on build 10 ----

func awsSpec() specProduct {
	pw := url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}}
	admin := func(c *specCall) string { return c.h.login("administrator", "Password1").AccessToken }
	codePath := func(rev string) string {
		if rev == "1.0-rev0" {
			return "/api/v1/token/authorizationCode"
		}
		return "/api/v1/token/authorization_code"
	}
	mfaStep1 := func(c *specCall) string {
		return field(c.form("/api/v1/token", url.Values{"grant_type": {"password"}, "username": {"mfa"}, "password": {"Mfa-Pass1"}}), "mfa_token")
	}
	token, user, page := fixed("aws-1.0-rev0-token-response"), fixed("aws-1.0-rev0-user"), fixed("aws-1.0-rev0-users-page")
	return specProduct{
		product: emulator.AWS, title: "**Backup for AWS** (build 10; columns: `x-api-version`)",
		columns:   emulator.DefaultAWSVersions(),
		harness:   func(t *testing.T, rev string) *harness { return specBuild(t, emulator.AWS, "10", rev) },
		errSchema: "aws-1.0-rev0-problem",
		cases: []specCase{
			{endpoint: "`POST /api/v1/token` password", answer: token, call: func(c *specCall) *resp { return c.form("/api/v1/token", pw) }},
			{endpoint: "`POST /api/v1/token` password, MFA user (step 1)", answer: token, call: func(c *specCall) *resp {
				return c.form("/api/v1/token", url.Values{"grant_type": {"password"}, "username": {"mfa"}, "password": {"Mfa-Pass1"}})
			}},
			{endpoint: "`POST /api/v1/token` mfa", answer: token, call: func(c *specCall) *resp {
				return c.form("/api/v1/token", url.Values{"grant_type": {"mfa"}, "mfa_token": {mfaStep1(c)}, "mfa_code": {totpAt(c.t, mfaSecret, c.h.clock.Now())}})
			}},
			{endpoint: "`POST /api/v1/token` refresh_token", answer: token, call: func(c *specCall) *resp {
				return c.form("/api/v1/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {c.h.login("administrator", "Password1").RefreshToken}})
			}},
			{endpoint: "`POST /api/v1/token` authorization_code", answer: token, call: func(c *specCall) *resp {
				code := field(c.json("POST", codePath(c.rev), admin(c), ""), "code")
				return c.form("/api/v1/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}})
			}},
			{endpoint: "`DELETE /api/v1/token`", call: func(c *specCall) *resp { return c.json("DELETE", "/api/v1/token", admin(c), "") }},
			{endpoint: "`POST /api/v1/token/authorizationCode`", answer: fixed("aws-1.0-rev0-authorization-code"), call: func(c *specCall) *resp {
				return c.json("POST", "/api/v1/token/authorizationCode", admin(c), "")
			}},
			{endpoint: "`POST /api/v1/token/authorization_code`", answer: fixed("aws-1.0-rev0-authorization-code"), call: func(c *specCall) *resp {
				return c.json("POST", "/api/v1/token/authorization_code", admin(c), "")
			}},
			{endpoint: "`GET /api/v1/identityProvider/signOnUrl`", answer: fixed("aws-1.7-rev0-signonurl-response"), call: func(c *specCall) *resp {
				return c.json("GET", "/api/v1/identityProvider/signOnUrl?userName=sara_baker%40companymail.com", "", "")
			}},
			{endpoint: "`POST /api/v1/identityProvider/token`", answer: token, call: awsSAMLLogin},
			{endpoint: "`GET /api/v1/users`", answer: page, call: func(c *specCall) *resp { return c.json("GET", "/api/v1/users?Sort=nameAsc&Limit=-1", admin(c), "") }},
			{endpoint: "`POST /api/v1/users`", answer: user, request: "aws-1.0-rev0-user-create-request",
				body: `{"name":"alice","description":"d","password":"Alice-Pass1"}`, call: func(c *specCall) *resp {
					return c.json("POST", "/api/v1/users", admin(c), `{"name":"alice","description":"d","password":"Alice-Pass1"}`)
				}},
			{endpoint: "`GET /api/v1/users/{userId}`", answer: user, call: func(c *specCall) *resp { return c.json("GET", "/api/v1/users/operator", admin(c), "") }},
			{endpoint: "`PUT /api/v1/users/{userId}`", answer: user, request: "aws-1.0-rev0-user-update-request", body: `{"description":"new"}`,
				call: func(c *specCall) *resp {
					return c.json("PUT", "/api/v1/users/operator", admin(c), `{"description":"new"}`)
				}},
			{endpoint: "`DELETE /api/v1/users/{userId}`", call: func(c *specCall) *resp { return c.json("DELETE", "/api/v1/users/operator", admin(c), "") }},
			{endpoint: "`POST /api/v1/users/{userId}/enableMfa`", answer: fixed("aws-1.0-rev0-enable-mfa-response"), request: "aws-1.0-rev0-enable-mfa-request",
				body: `{"recreate":false}`, call: func(c *specCall) *resp {
					return c.json("POST", "/api/v1/users/operator/enableMfa", admin(c), `{"recreate":false}`)
				}},
			{endpoint: "`POST /api/v1/users/{userId}/acceptMfa`", request: "aws-1.0-rev0-accept-mfa-request", body: `{"code":"123456","token":"t"}`,
				call: func(c *specCall) *resp {
					tok := admin(c)
					en := c.json("POST", "/api/v1/users/operator/enableMfa", tok, `{"recreate":false}`)
					code := totpAt(c.t, field(en, "secretKey"), c.h.clock.Now())
					return c.json("POST", "/api/v1/users/operator/acceptMfa", tok, `{"code":"`+code+`","token":"`+field(en, "token")+`"}`)
				}},
			{endpoint: "`POST /api/v1/users/{userId}/disableMfa`", call: func(c *specCall) *resp {
				return c.json("POST", "/api/v1/users/mfa/disableMfa", admin(c), "")
			}},
			{endpoint: "any request, `x-api-version: 9.9-rev0`", call: func(c *specCall) *resp {
				return c.h.do(req{method: "GET", path: "/api/v1/users", version: "9.9-rev0"})
			}},
		},
	}
}

// awsSAMLLogin signs on through the emulated identity provider and trades
// the SAMLResponse for tokens (signOnUrl absent: its answer).
func awsSAMLLogin(c *specCall) *resp {
	r := c.json("GET", "/api/v1/identityProvider/signOnUrl?userName=sara_baker%40companymail.com", "", "")
	if r.Status != http.StatusOK {
		return r
	}
	u, err := url.Parse(field(r, "redirectToUrl"))
	if err != nil {
		c.t.Fatal(err)
	}
	saml := c.h.do(req{method: "POST", path: u.RequestURI(), noVersion: true, contentType: "application/json",
		body: `{"UserName":"sara_baker@companymail.com","Password":"Admin345Dept01"}`})
	return c.form("/api/v1/identityProvider/token", url.Values{"SamlResponse": {field(saml, "value")}})
}

// ---- Backup & Replication: columns are x-api-version values, each on the
// oldest build that accepts it (so 1.2-rev1 runs on 12.3.1) ----

// vbrOldestBuild is the oldest build accepting rev.
func vbrOldestBuild(rev string) string {
	for _, b := range emulator.KnownBuilds(emulator.VBR) {
		if rs, _ := emulator.BuildRevisions(emulator.VBR, b); contains(rs, rev) {
			return b
		}
	}
	return ""
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func vbrSpec() specProduct {
	admin := func(c *specCall) string { return c.h.vbrLogin("administrator").AccessToken }
	pw := url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}}
	token := fixed("vbr-token-response")
	// The 1.3-rev1 and 1.3-rev2 UserModel; nothing before (the answers are 404 there).
	user := func(rev string) string { return "vbr-" + rev + "-security-user" }
	users := func(rev string) string { return "vbr-" + rev + "-security-users" }
	jsmith := "/api/v1/security/users/" + emulator.VBRUserID("jsmith")
	all := []string{"1.0-rev1", "1.0-rev2", "1.1-rev0", "1.1-rev1", "1.1-rev2", "1.2-rev0", "1.2-rev1", "1.3-rev0", "1.3-rev1", "1.3-rev2"}
	return specProduct{
		product: emulator.VBR, title: "**Backup & Replication** (columns: `x-api-version`, each on the oldest build that accepts it; on 13.x builds `POST /api/oauth2/authorization_code` is 404 at every revision)",
		columns:   all,
		harness:   func(t *testing.T, rev string) *harness { return specBuild(t, emulator.VBR, vbrOldestBuild(rev), rev) },
		errSchema: "vbr-error",
		cases: []specCase{
			{endpoint: "`POST /api/oauth2/token` password", answer: token, call: func(c *specCall) *resp { return c.form("/api/oauth2/token", pw) }},
			{endpoint: "`POST /api/oauth2/token` refresh_token", answer: token, call: func(c *specCall) *resp {
				return c.form("/api/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {c.h.vbrLogin("administrator").RefreshToken}})
			}},
			{endpoint: "`POST /api/oauth2/token` authorization_code", answer: token, call: func(c *specCall) *resp {
				r := c.json("POST", "/api/oauth2/authorization_code", admin(c), "")
				if r.Status != http.StatusOK {
					return r
				}
				return c.form("/api/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "code": {field(r, "code")}})
			}},
			{endpoint: "`POST /api/oauth2/token` vbr_token", answer: token, call: func(c *specCall) *resp {
				pst, _ := c.h.e.VBRPlatformToken("administrator")
				return c.form("/api/oauth2/token", url.Values{"grant_type": {"vbr_token"}, "vbr_token": {pst}})
			}},
			{endpoint: "`POST /api/oauth2/authorization_code`", answer: fixed("vbr-authorization-code"), call: func(c *specCall) *resp {
				return c.json("POST", "/api/oauth2/authorization_code", admin(c), "")
			}},
			{endpoint: "`POST /api/oauth2/logout`", answer: fixed("vbr-empty-success"), call: func(c *specCall) *resp { return c.json("POST", "/api/oauth2/logout", admin(c), "") }},
			{endpoint: "`GET /api/v1/security/users`", answer: users, call: func(c *specCall) *resp { return c.json("GET", "/api/v1/security/users", admin(c), "") }},
			{endpoint: "`GET /api/v1/security/users/{id}`", answer: user, call: func(c *specCall) *resp { return c.json("GET", jsmith, admin(c), "") }},
			{endpoint: "`GET /api/v1/security/settings`", answer: fixed("vbr-1.3-rev1-security-settings"), call: func(c *specCall) *resp {
				return c.json("GET", "/api/v1/security/settings", admin(c), "")
			}},
			{endpoint: "`PUT /api/v1/security/settings`", answer: fixed("vbr-1.3-rev1-security-settings"), request: "vbr-1.3-rev1-security-settings",
				body: `{"mfaEnabled":true}`, call: func(c *specCall) *resp {
					return c.json("PUT", "/api/v1/security/settings", admin(c), `{"mfaEnabled":true}`)
				}},
			{endpoint: "`POST /api/v1/security/users/{id}/resetMFA`", call: func(c *specCall) *resp { return c.json("POST", jsmith+"/resetMFA", admin(c), "") }},
			{endpoint: "`POST /api/v1/security/users/{id}/changeServiceAccountMode`", answer: user, request: "vbr-1.3-rev1-change-service-account-mode-request",
				body: `{"isServiceAccountEnable":true}`, call: func(c *specCall) *resp {
					return c.json("POST", jsmith+"/changeServiceAccountMode", admin(c), `{"isServiceAccountEnable":true}`)
				}},
			{endpoint: "`POST /api/oauth2/token` password, MFA on, not a service account", call: func(c *specCall) *resp {
				r := c.json("PUT", "/api/v1/security/settings", admin(c), `{"mfaEnabled":true}`)
				if r.Status != http.StatusOK {
					return r
				}
				return c.form("/api/oauth2/token", url.Values{"grant_type": {"password"}, "username": {"jsmith"}, "password": {"Password1"}})
			}},
			{endpoint: "any request, `x-api-version: 9.9-rev0`", call: func(c *specCall) *resp {
				return c.h.do(req{method: "GET", path: "/api/v1/security/users", version: "9.9-rev0"})
			}},
		},
	}
}

// ---- the orchestrators and Enterprise Manager: columns are builds ----

// orchBuild is an orchestrator harness on build, with a user "mfa" whose MFA
// is on (VRO) and a client account.
func orchBuild(t *testing.T, p emulator.Product, build string) *harness {
	h := newHarness(t, func(o *emulator.Options) { o.Builds = map[emulator.Product]string{p: build} })
	h.h = h.e.Handler(p)
	users := []emulator.SeedUser{{Name: "ci-client", Password: "Ci-Secret1", Client: true}}
	if p == emulator.VRO {
		users = append(users, emulator.SeedUser{Name: "mfa", Password: "Mfa-Pass1", MFASecret: mfaSecret})
	}
	for _, u := range users {
		if err := h.e.AddUser(p, u); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func (c *specCall) orch(path string, form url.Values) *resp {
	return c.h.do(req{method: "POST", path: path, noVersion: true, contentType: "application/x-www-form-urlencoded", body: form.Encode()})
}

func orchCases(tokenPath, user string) []specCase {
	token := fixed("orchestrator-token-response")
	pw := url.Values{"grant_type": {"password"}, "username": {user}, "password": {"Password1"}}
	return []specCase{
		{endpoint: "`POST " + tokenPath + "` password", answer: token, call: func(c *specCall) *resp { return c.orch(tokenPath, pw) }},
		{endpoint: "`POST " + tokenPath + "` password, multipart/form-data", answer: token, call: func(c *specCall) *resp {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			for k := range pw {
				_ = mw.WriteField(k, pw.Get(k))
			}
			_ = mw.Close()
			return c.h.do(req{method: "POST", path: tokenPath, noVersion: true, contentType: mw.FormDataContentType(), body: buf.String()})
		}},
		{endpoint: "`POST " + tokenPath + "` refresh_token", answer: token, call: func(c *specCall) *resp {
			return c.orch(tokenPath, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {field(c.orch(tokenPath, pw), "refresh_token")}})
		}},
		{endpoint: "`POST " + tokenPath + "` client_credentials", answer: token, call: func(c *specCall) *resp {
			return c.orch(tokenPath, url.Values{"grant_type": {"client_credentials"}, "client_id": {"ci-client"}, "client_secret": {"Ci-Secret1"}})
		}},
		{endpoint: "`POST " + tokenPath + "` mfa (after a password step)", answer: token, call: func(c *specCall) *resp {
			mt := field(c.orch(tokenPath, url.Values{"grant_type": {"password"}, "username": {"mfa"}, "password": {"Mfa-Pass1"}}), "mfa_token")
			return c.orch(tokenPath, url.Values{"grant_type": {"mfa"}, "mfa_token": {mt}, "mfa_passcode": {totpAt(c.t, mfaSecret, c.h.clock.Now())}})
		}},
		{endpoint: "`DELETE /api/token`", call: func(c *specCall) *resp {
			return c.h.do(req{method: "DELETE", path: "/api/token", noVersion: true, token: field(c.orch(tokenPath, pw), "access_token")})
		}},
	}
}

func vroSpec() specProduct {
	cases := append(orchCases("/api/token", "administrator"), specCase{endpoint: "`GET /api/{version}/Clients`, the build's newest version",
		call: func(c *specCall) *resp {
			rs := c.h.e.Revisions(emulator.VRO)
			return c.h.do(req{method: "GET", path: "/api/" + rs[len(rs)-1] + "/Clients", noVersion: true,
				token: field(c.orch("/api/token", url.Values{"grant_type": {"password"}, "username": {"administrator"}, "password": {"Password1"}}), "access_token")})
		}, answer: fixed("vro-clients")})
	return specProduct{
		product: emulator.VRO, title: "**Recovery Orchestrator** (columns: builds)", columns: emulator.KnownBuilds(emulator.VRO),
		harness: func(t *testing.T, b string) *harness { return orchBuild(t, emulator.VRO, b) }, errSchema: "orchestrator-error", cases: cases,
	}
}

func vaoSpec() specProduct {
	return specProduct{
		product: emulator.VAO, title: "**Availability Orchestrator** (columns: builds)", columns: emulator.KnownBuilds(emulator.VAO),
		harness: func(t *testing.T, b string) *harness { return orchBuild(t, emulator.VAO, b) }, errSchema: "orchestrator-error",
		cases: orchCases("/token", `VEEAM\administrator`),
	}
}

func emSpec() specProduct {
	session := fixed("em-logon-session")
	logon := func(c *specCall) *resp {
		hr := req{method: "POST", path: "/api/sessionMngr/?v=latest", noVersion: true}
		return c.emDo(hr, "Basic YWRtaW5pc3RyYXRvcjpQYXNzd29yZDE=", "")
	}
	id := func(c *specCall) (string, string) {
		r := logon(c)
		return field(r, "SessionId"), r.Header.Get("X-RestSvcSessionId")
	}
	return specProduct{
		product: emulator.EM, title: "**Enterprise Manager** (columns: builds; `Accept: application/json`)", columns: emulator.KnownBuilds(emulator.EM),
		harness: func(t *testing.T, b string) *harness {
			h := newHarness(t, func(o *emulator.Options) { o.Builds = map[emulator.Product]string{emulator.EM: b} })
			h.h = h.e.Handler(emulator.EM)
			return h
		},
		errSchema: "em-error",
		cases: []specCase{
			{endpoint: "`POST /api/sessionMngr/?v=latest`", answer: session, call: logon},
			{endpoint: "`POST /api/sessionMngr/?v=latest`, wrong password", call: func(c *specCall) *resp {
				return c.emDo(req{method: "POST", path: "/api/sessionMngr/?v=latest"}, "Basic YWRtaW5pc3RyYXRvcjpubw==", "")
			}},
			{endpoint: "`GET /api/logonSessions/{id}`", answer: session, call: func(c *specCall) *resp {
				sid, hdr := id(c)
				return c.emDo(req{method: "GET", path: "/api/logonSessions/" + sid}, "", hdr)
			}},
			{endpoint: "`DELETE /api/logonSessions/{id}`", call: func(c *specCall) *resp {
				sid, hdr := id(c)
				return c.emDo(req{method: "DELETE", path: "/api/logonSessions/" + sid}, "", hdr)
			}},
		},
	}
}

// emDo sends an Enterprise Manager request asking for JSON, with an
// Authorization header and a session id when set.
func (c *specCall) emDo(r req, auth, session string) *resp {
	hr := httptest.NewRequest(r.method, r.path, nil)
	hr.Header.Set("Accept", "application/json")
	if auth != "" {
		hr.Header.Set("Authorization", auth)
	}
	if session != "" {
		hr.Header.Set("X-RestSvcSessionId", session)
	}
	rec := httptest.NewRecorder()
	c.h.h.ServeHTTP(rec, hr)
	hdr := http.Header{}
	for k, vs := range rec.Header() {
		for _, v := range vs {
			hdr.Add(k, v)
		}
	}
	return &resp{t: c.t, Status: rec.Code, Header: hdr, Body: rec.Body.Bytes()}
}
