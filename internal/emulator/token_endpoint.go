package emulator

// The one mechanism behind every product's token endpoint, bearer check and
// logout. A product describes what differs as values (tokenEndpoint,
// authScheme): its grants, how it reads the form, how it writes tokens and
// how it renders a failure. The steps themselves are written once, here and
// in grants.go; the domain work is done by package core.

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// failure is the step of a token request that failed; a product's
// tokenErrors turns it and the error into its wire answer.
type failure int

const (
	badRequest     failure = iota + 1 // malformed body, a missing field
	badGrantType                      // grant_type is not one of the endpoint's
	badCredentials                    // user name or password is wrong
	badClient                         // client_id or client_secret is wrong
	badRefresh                        // the refresh token was refused
	badGrant                          // the code or token of the grant was refused, or the login failed
)

// tokenErrors renders a failed token request.
type tokenErrors func(w http.ResponseWriter, r *http.Request, p Product, f failure, err *apiError)

// productErrors answers every failure in the product's own error body
// (Backup for AWS, Backup & Replication, Enterprise Manager).
func productErrors(w http.ResponseWriter, r *http.Request, p Product, _ failure, err *apiError) {
	writeError(w, r, p, err)
}

// grant is one grant_type a token endpoint accepts.
type grant struct {
	name string // lower case, as counted
	run  func(c *tokenCall)
}

// tokenEndpoint describes one product's token endpoint.
type tokenEndpoint struct {
	product Product
	grants  []grant // in the order the error messages list them
	// exchange, when set, serves an endpoint without grant_type that trades
	// credentials or one value for tokens (AWS: a SAMLResponse; EM: Basic
	// credentials or a LoginSpec); grants is then empty.
	exchange func(c *tokenCall)
	// readForm reads the body; nil: an application/x-www-form-urlencoded form.
	// (EM checks only its ?v= here: its exchange reads the body.)
	readForm func(*http.Request) (url.Values, *apiError)
	// prepare runs after the form is read and before the grant (VBR:
	// use_short_term_refresh); false means it has answered.
	prepare func(c *tokenCall) bool
	fail    tokenErrors
	// write answers with the tokens of a successful login or refresh.
	write func(w http.ResponseWriter, r *http.Request, tp core.Tokens)
	// idle: a session is one opaque session id whose expiry slides on each
	// use, without refresh token (Enterprise Manager logon sessions).
	idle bool
}

// tokenCall is one request to a token endpoint.
type tokenCall struct {
	e    *Emulator
	ep   *tokenEndpoint
	w    http.ResponseWriter
	r    *http.Request
	form url.Values
	now  time.Time
	life Lifetimes
}

// fail answers the request with failure f.
func (c *tokenCall) fail(f failure, err *apiError) { c.ep.fail(c.w, c.r, c.ep.product, f, err) }

// session is the login of an ordinary session: the product's lifetimes.
func (c *tokenCall) session() core.LoginOptions {
	if c.ep.idle {
		return core.LoginOptions{Access: c.life.AccessToken, Slide: true, Opaque: true}
	}
	return core.LoginOptions{Access: c.life.AccessToken, Refresh: c.life.RefreshToken}
}

// login starts a session for name and answers with its tokens.
func (c *tokenCall) login(name string, o core.LoginOptions) {
	tp, err := c.e.st.Login(c.ep.product, name, c.now, o)
	c.answer(tp, badGrant, err)
}

// loginAs starts an ordinary session for the user a grant's value named,
// or answers err (badGrant) when the value was refused.
func (c *tokenCall) loginAs(name string, err error) {
	if err != nil {
		c.fail(badGrant, fromCore(err))
		return
	}
	c.login(name, c.session())
}

// answer writes tp, or the failure f of err.
func (c *tokenCall) answer(tp core.Tokens, f failure, err error) {
	if err != nil {
		c.fail(f, fromCore(err))
		return
	}
	infoOf(c.r).user = tp.UserName
	c.ep.write(c.w, c.r, tp)
}

// tokenHandler serves the token endpoint ep describes.
func (e *Emulator) tokenHandler(ep tokenEndpoint) http.HandlerFunc {
	names := make([]string, len(ep.grants))
	for i, g := range ep.grants {
		names[i] = g.name
	}
	if ep.readForm == nil {
		ep.readForm = readForm
	}
	return func(w http.ResponseWriter, r *http.Request) {
		c := &tokenCall{e: e, ep: &ep, w: w, r: r, now: e.clock.Now(), life: e.Lifetimes(ep.product)}
		form, aerr := ep.readForm(r)
		if aerr != nil {
			c.fail(badRequest, aerr)
			return
		}
		c.form = form
		if ep.exchange != nil {
			ep.exchange(c)
			return
		}
		info := infoOf(r)
		info.grant = normGrant(form.Get("grant_type"), names)
		if ep.prepare != nil && !ep.prepare(c) {
			return
		}
		switch info.grant {
		case "(none)":
			c.fail(badRequest, errBadRequest("grant_type is required: "+grantList(names)))
		case "(other)":
			c.fail(badGrantType, errBadRequest("unsupported grant_type; use "+grantList(names)))
		default:
			for _, g := range ep.grants {
				if g.name == info.grant {
					g.run(c)
				}
			}
		}
	}
}

// grantList is "a, b or c".
func grantList(grants []string) string {
	switch len(grants) {
	case 0:
		return ""
	case 1:
		return grants[0]
	}
	return strings.Join(grants[:len(grants)-1], ", ") + " or " + grants[len(grants)-1]
}

// authScheme describes how a product's requests carry their session.
type authScheme struct {
	product Product
	// credential returns the request's access token or session id; "" when
	// there is none.
	credential func(*http.Request) string
	missing    string // the error detail when there is none
	challenge  string // WWW-Authenticate value sent when there is none; "": no header
	// rejected rewrites the error of a refused credential; nil: as core says.
	rejected func(err *apiError) *apiError
}

// bearerScheme is the Authorization: Bearer scheme of product p; challenge
// as in authScheme.
func bearerScheme(p Product, challenge string) authScheme {
	return authScheme{
		product: p, credential: bearerToken, challenge: challenge,
		missing: "an Authorization: Bearer <access_token> header is required",
	}
}

// refuseMissing answers a request that carries no credential.
func (a authScheme) refuseMissing(w http.ResponseWriter, r *http.Request) {
	if a.challenge != "" {
		w.Header().Set("WWW-Authenticate", a.challenge)
	}
	writeError(w, r, a.product, errAccessDenied(a.missing))
}

// authenticate resolves the request's credential to its principal,
// answering the failure in the product's error format.
func (e *Emulator) authenticate(w http.ResponseWriter, r *http.Request, a authScheme) (Principal, bool) {
	cred := a.credential(r)
	if cred == "" {
		a.refuseMissing(w, r)
		return Principal{}, false
	}
	pr, err := e.st.Authenticate(a.product, cred, e.clock.Now())
	if err != nil {
		aerr := fromCore(err)
		if a.rejected != nil {
			aerr = a.rejected(aerr)
		}
		writeError(w, r, a.product, aerr)
		return Principal{}, false
	}
	infoOf(r).user = pr.UserName
	return pr, true
}

// logoutHandler serves a logout: the session of the request's access token
// ends, its access and refresh tokens stop working; done writes the success.
func (e *Emulator) logoutHandler(a authScheme, done func(w http.ResponseWriter)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		drain(r)
		cred := a.credential(r)
		if cred == "" {
			a.refuseMissing(w, r)
			return
		}
		if err := e.st.Logout(a.product, cred, e.clock.Now()); err != nil {
			writeError(w, r, a.product, fromCore(err))
			return
		}
		done(w)
	}
}

// noContent answers 204.
func noContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// expiresIn is the lifetime of tp's access token in seconds (expires_in).
func expiresIn(tp core.Tokens) int64 { return int64(tp.AccessExp.Sub(tp.Issued) / time.Second) }

// BearerTokens are the members the token answers of Backup for AWS
// (RESTLogin) and Backup & Replication (TokenModel) share.
type BearerTokens struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Issued       string `json:".issued"`
	Expires      string `json:".expires"`
}

// bearerTokens is tp's answer, ".issued" and ".expires" in UTC in layout.
func bearerTokens(tp core.Tokens, layout string) BearerTokens {
	return BearerTokens{
		AccessToken: tp.Access, TokenType: "bearer", RefreshToken: tp.Refresh, ExpiresIn: expiresIn(tp),
		Issued: tp.Issued.UTC().Format(layout), Expires: tp.AccessExp.UTC().Format(layout),
	}
}
