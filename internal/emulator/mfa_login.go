package emulator

// The two-step MFA login the cloud-native backup family shares (Backup for
// AWS, Microsoft Azure, Google Cloud): a correct password of a user with MFA
// on yields an mfa_token instead of tokens, and grant_type=mfa trades the
// mfa_token and a TOTP or scratch code for a session. What differs between
// the products is a value (mfaStep): the status and body of step one.

import "strings"

// mfaStep is one product's two-step MFA login.
type mfaStep struct {
	// status is the answer to step one: 200 (AWS, Azure) or 202 (Google Cloud).
	status int
	// body is step one's answer for st, carrying the mfa_token.
	body func(st UserState, mfaToken string) any
}

// passwordChecked is passwordRules.then for products with this MFA step: a
// user with MFA on gets an mfa_token, others a session.
func (m mfaStep) passwordChecked(c *tokenCall, st UserState) {
	if st.MFAEnabled {
		mt := c.e.st.IssueMFAToken(c.ep.product, st.Name, c.now.Add(c.life.MFAToken))
		writeJSON(c.w, m.status, m.body(st, mt))
		return
	}
	c.login(st.Name, c.session())
}

// grant is grant_type=mfa: the mfa_token of the password step and a TOTP
// or scratch code in mfa_code.
func (m mfaStep) grant() grant {
	return grant{name: "mfa", run: func(c *tokenCall) {
		mt, code := plusFix(c.form.Get("mfa_token")), strings.TrimSpace(c.form.Get("mfa_code"))
		if mt == "" || code == "" {
			c.fail(badRequest, errBadRequest("mfa_token and mfa_code are required for grant_type=mfa"))
			return
		}
		c.loginAs(c.e.st.MFALogin(c.ep.product, mt, code, c.now))
	}}
}
