package emulator

// The grants more than one token endpoint accepts. A product lists them in
// its tokenEndpoint (token_endpoint.go) beside the grants that are its own
// (AWS mfa, VBR vbr_token).

import (
	"net/url"
	"strings"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// passwordRules are what differs in grant_type=password between products.
type passwordRules struct {
	trimName bool // the user name's surrounding blanks are ignored (orchestrators)
	// check refuses a malformed user name before the password is checked
	// (VAO: DOMAIN\USER only); nil: every name.
	check func(name string) *apiError
	// account is the account a login name means; nil: the name itself.
	account func(name string) string
	// then decides what a correct password yields; nil: a session.
	then func(c *tokenCall, st UserState)
}

// passwordGrant is grant_type=password: username and password, checked
// against the account; a client account never logs in with it.
func passwordGrant(rules passwordRules) grant {
	return grant{name: "password", run: func(c *tokenCall) {
		name, pw := c.form.Get("username"), c.form.Get("password")
		if rules.trimName {
			name = strings.TrimSpace(name)
		}
		if name == "" || pw == "" {
			c.fail(badRequest, errBadRequest("username and password are required for grant_type=password"))
			return
		}
		infoOf(c.r).user = name
		if rules.check != nil {
			if aerr := rules.check(name); aerr != nil {
				c.fail(badRequest, aerr)
				return
			}
		}
		account := name
		if rules.account != nil {
			account = rules.account(name)
		}
		st, ok := c.e.st.CheckPassword(c.ep.product, account, pw)
		if !ok || st.Client {
			c.fail(badCredentials, errAccessDenied("the user name or password is incorrect"))
			return
		}
		if rules.then != nil {
			rules.then(c, st)
			return
		}
		c.login(st.Name, c.session())
	}}
}

// passwordAndRefresh are the grants every password-based token endpoint
// starts with: password (checked as rules say) and refresh_token.
func passwordAndRefresh(rules passwordRules) []grant {
	return []grant{passwordGrant(rules), refreshGrant()}
}

// refreshGrant is grant_type=refresh_token; the refresh token is spent (rotation).
func refreshGrant() grant {
	return grant{name: "refresh_token", run: func(c *tokenCall) {
		rt := plusFix(c.form.Get("refresh_token"))
		if rt == "" {
			c.fail(badRequest, errBadRequest("refresh_token is required for grant_type=refresh_token"))
			return
		}
		tp, err := c.e.st.Refresh(c.ep.product, rt, c.now, c.life.AccessToken)
		c.answer(tp, badRefresh, err)
	}}
}

// authorizationCodeGrant is grant_type=authorization_code; the code is spent.
func authorizationCodeGrant() grant {
	return grant{name: "authorization_code", run: func(c *tokenCall) {
		code := plusFix(c.form.Get("code"))
		if code == "" {
			c.fail(badRequest, errBadRequest("code is required for grant_type=authorization_code"))
			return
		}
		c.loginAs(c.e.st.Take(core.AuthorizationCode, c.ep.product, code, c.now))
	}}
}

// clientCredentialsGrant is grant_type=client_credentials: a client
// account's client_id and client_secret, in the body or (RFC 6749 §2.3.1)
// an Authorization: Basic header, not both.
func clientCredentialsGrant() grant {
	return grant{name: "client_credentials", run: func(c *tokenCall) {
		id, secret := c.form.Get("client_id"), c.form.Get("client_secret")
		basicID, basicSecret, basic := c.r.BasicAuth()
		if basic {
			if id != "" || secret != "" {
				c.fail(badRequest, errBadRequest("send the client credentials either in the body or in an Authorization: Basic header, not both"))
				return
			}
			id, secret = formUnescape(basicID), formUnescape(basicSecret)
		}
		if id == "" || secret == "" {
			c.fail(badRequest, errBadRequest("client_id and client_secret are required for grant_type=client_credentials"))
			return
		}
		infoOf(c.r).user = id
		p := c.ep.product
		st, ok := c.e.st.CheckPassword(p, id, secret)
		if !ok || !st.Client {
			if basic {
				c.w.Header().Set("WWW-Authenticate", `Basic realm="`+string(p)+`"`)
			}
			c.fail(badClient, errAccessDenied("the client_id or client_secret is incorrect"))
			return
		}
		c.login(st.Name, c.session())
	}}
}

// formUnescape undoes the form encoding RFC 6749 §2.3.1 applies to client
// credentials in a Basic header; a value that is not encoded stays as it is.
func formUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// issueAuthorizationCode hands out a single-use authorization code for the
// caller's user (POST …/authorization_code of AWS and VBR).
func (e *Emulator) issueAuthorizationCode(p Product, user string) string {
	return e.st.IssueAuthorizationCode(p, user, e.clock.Now().Add(e.Lifetimes(p).AuthorizationCode))
}
