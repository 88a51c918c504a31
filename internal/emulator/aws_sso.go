package emulator

// Backup for AWS single sign-on: signOnUrl, the emulated identity
// provider's page, and the SAML token endpoint.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// ---- single sign-on ----

func (e *Emulator) awsSignOnURL(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("userName")
	if strings.TrimSpace(name) == "" {
		writeError(w, r, AWS, errBadRequest("the userName query parameter is required"))
		return
	}
	info := infoOf(r)
	info.user = name
	req := base64.StdEncoding.EncodeToString(core.RandomBytes(48))
	e.st.Put(core.SAMLRequest, AWS, req, name, e.clock.Now().Add(samlRequestLifetime))
	writeJSON(w, http.StatusOK, map[string]string{
		"redirectToUrl": requestBase(r) + "/idp/sso?SAMLRequest=" + url.QueryEscape(req),
	})
}

// idpPage is a minimal sign-on form for people trying the flow in a browser.
func (e *Emulator) idpPage(w http.ResponseWriter, r *http.Request) {
	req := r.URL.Query().Get("SAMLRequest")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><title>Emulated identity provider</title>
<form method="post" action="/idp/sso?SAMLRequest=%s">
<label>UserName <input name="UserName"></label>
<label>Password <input name="Password" type="password"></label>
<button>Sign in</button></form>`, html.EscapeString(url.QueryEscape(req)))
}

// idpSignOn checks identity-provider credentials and answers with a
// SAMLResponse. The body may be JSON or a form (the document sends JSON
// with a form content type), whatever the Content-Type says.
func (e *Emulator) idpSignOn(w http.ResponseWriter, r *http.Request) {
	now := e.clock.Now()
	req := plusFix(r.URL.Query().Get("SAMLRequest"))
	if req == "" {
		writeError(w, r, AWS, errBadRequest("the SAMLRequest query parameter is required"))
		return
	}
	if aerr := e.st.Peek(core.SAMLRequest, AWS, req, now); aerr != nil {
		writeError(w, r, AWS, fromCore(aerr))
		return
	}
	body, aerr := readBody(r)
	if aerr != nil {
		writeError(w, r, AWS, aerr)
		return
	}
	if !utf8.Valid(body) {
		writeError(w, r, AWS, errBadRequest("the body is not valid UTF-8"))
		return
	}
	creds := map[string]string{}
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '{' {
		var m map[string]any
		if err := json.Unmarshal(t, &m); err != nil {
			writeError(w, r, AWS, errBadRequest("the body is not valid JSON"))
			return
		}
		for k, v := range m {
			if s, ok := v.(string); ok {
				creds[strings.ToLower(k)] = s
			}
		}
	} else {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			writeError(w, r, AWS, errBadRequest("the body is neither JSON nor a form"))
			return
		}
		if aerr := checkForm(form); aerr != nil {
			writeError(w, r, AWS, aerr)
			return
		}
		r.PostForm = form
		for k := range form {
			creds[strings.ToLower(k)] = form.Get(k)
		}
	}
	name, pw := creds["username"], creds["password"]
	if name == "" || pw == "" {
		writeError(w, r, AWS, errBadRequest("UserName and Password are required"))
		return
	}
	infoOf(r).user = name
	st, ok := e.st.CheckPassword(AWS, name, pw)
	if !ok || !st.IdentityProvider {
		writeError(w, r, AWS, errAccessDenied("the identity provider rejected the credentials"))
		return
	}
	var esc bytes.Buffer
	_ = xml.EscapeText(&esc, []byte(st.Name))
	assertion := fmt.Sprintf(`<samlp:Response ID="_%s" Version="2.0" IssueInstant="%s" Destination="%s/api/v1/identityProvider/token" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:Subject><saml:NameID>%s</saml:NameID></saml:Subject></saml:Assertion><Nonce>%s</Nonce></samlp:Response>`,
		core.RandomUUID(), now.UTC().Format("2006-01-02T15:04:05.000Z"), requestBase(r), esc.String(), core.RandomHex(32))
	value := base64.StdEncoding.EncodeToString([]byte(assertion))
	e.st.Put(core.SAMLResponse, AWS, value, st.Name, now.Add(samlResponseLifetime))
	writeJSON(w, http.StatusOK, map[string]string{"name": "SAMLResponse", "value": value})
}

// awsSAMLTokens is POST /api/v1/identityProvider/token: the identity
// provider's SAMLResponse, spent once, for tokens.
var awsSAMLTokens = tokenEndpoint{
	product:  AWS,
	exchange: awsSAMLExchange,
	fail:     productErrors,
	write:    awsWriteTokens,
}

func awsSAMLExchange(c *tokenCall) {
	v := c.form.Get("SamlResponse")
	if v == "" {
		v = c.form.Get("SAMLResponse")
	}
	v = plusFix(v)
	if v == "" {
		c.fail(badRequest, errBadRequest("SamlResponse is required"))
		return
	}
	c.loginAs(c.e.st.Take(core.SAMLResponse, AWS, v, c.now))
}
