package emulator

// Veeam Backup for AWS: routes and wire formats. The shared machinery
// (sessions, tokens, MFA, counters, errors) lives in the other files.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// awsTimeLayout is the layout of ".issued" and ".expires" in the Backup for
// AWS document: no fractional seconds, no UTC offset (the emulator writes UTC).
const awsTimeLayout = "2006-01-02T15:04:05"

// samlRequestLifetime is how long a SAMLRequest from signOnUrl stays usable,
// and samlResponseLifetime how long the IdP's SAMLResponse does.
const (
	samlRequestLifetime  = 10 * time.Minute
	samlResponseLifetime = 5 * time.Minute
)

// AWSToken is the token response of POST /api/v1/token and
// POST /api/v1/identityProvider/token.
type AWSToken struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Issued       string `json:".issued"`
	Expires      string `json:".expires"`
	Username     string `json:"username"`
	RoleName     string `json:"roleName"`
}

// AWSMFARequired is the answer to a password grant for a user with MFA on.
type AWSMFARequired struct {
	Username   string `json:"username"`
	MFAEnabled bool   `json:"mfa_enabled"`
	MFAToken   string `json:"mfa_token"`
}

// AWSLink is one entry of a "_links" array.
type AWSLink struct {
	Method string `json:"method"`
	Rel    string `json:"rel"`
	Href   string `json:"href"`
}

// AWSUser is the User resource.
type AWSUser struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	MFAEnabled  bool      `json:"mfaEnabled"`
	IsDefault   bool      `json:"isDefault"`
	Links       []AWSLink `json:"_links"`
}

// AWSUserPage is the answer of GET /api/v1/users.
type AWSUserPage struct {
	TotalCount int       `json:"totalCount"`
	Results    []AWSUser `json:"results"`
	Links      []AWSLink `json:"_links"`
}

// AWSEnableMFA is the answer of POST /api/v1/users/{userId}/enableMfa.
type AWSEnableMFA struct {
	UserName     string   `json:"userName"`
	QRString     string   `json:"qrString"`
	SecretKey    string   `json:"secretKey"`
	ScratchCodes []string `json:"scratchCodes"`
	Token        string   `json:"token"`
}

func (e *Emulator) awsRoutes(mux *http.ServeMux) {
	rt := newRouter(mux, AWS, e.awsVersioned)
	rt.handle("POST", "/api/v1/token", e.awsToken)
	rt.handle("DELETE", "/api/v1/token", e.awsLogout)
	rt.handle("POST", "/api/v1/token/authorization_code", e.awsAuthorizationCode)
	rt.handle("POST", "/api/v1/token/authorizationCode", e.awsAuthorizationCode)
	rt.handle("GET", "/api/v1/identityProvider/signOnUrl", e.awsSignOnURL)
	rt.handle("POST", "/api/v1/identityProvider/token", e.awsSAMLToken)
	rt.handle("GET", "/api/v1/users", e.awsListUsers)
	rt.handle("POST", "/api/v1/users", e.awsCreateUser)
	rt.handle("GET", "/api/v1/users/{userId}", e.awsGetUser)
	rt.handle("PUT", "/api/v1/users/{userId}", e.awsUpdateUser)
	rt.handle("DELETE", "/api/v1/users/{userId}", e.awsDeleteUser)
	rt.handle("POST", "/api/v1/users/{userId}/enableMfa", e.awsEnableMFA)
	rt.handle("POST", "/api/v1/users/{userId}/acceptMfa", e.awsAcceptMFA)
	rt.handle("POST", "/api/v1/users/{userId}/disableMfa", e.awsDisableMFA)
	rt.finish()

	// The identity provider's sign-on page: a separate service in real
	// life, served on the same listener here, without x-api-version.
	idp := newRouter(mux, AWS, nil)
	idp.handle("GET", "/idp/sso", e.idpPage)
	idp.handle("POST", "/idp/sso", e.idpSignOn)
	idp.finish()

	mux.HandleFunc("/", e.awsVersioned(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, AWS, errNotFound("no resource at "+r.URL.Path))
	}))
}

// awsVersioned rejects requests without a supported x-api-version.
func (e *Emulator) awsVersioned(h http.HandlerFunc) http.HandlerFunc {
	return versioned(AWS, e.awsVersions, h)
}

// awsAuth authenticates the request's bearer token.
func (e *Emulator) awsAuth(w http.ResponseWriter, r *http.Request) (Principal, bool) {
	return e.bearerAuth(w, r, AWS)
}

func awsIsAdmin(pr Principal) bool { return pr.Role == RolePortalAdministrator }

// awsMayManage reports whether pr may manage target's account or MFA:
// Portal Administrators may manage everyone, other roles only themselves.
func awsMayManage(pr Principal, target string) bool {
	return awsIsAdmin(pr) || pr.userKey == userKey(target)
}

// ---- token endpoint ----

var awsGrants = []string{"password", "mfa", "refresh_token", "authorization_code"}

func (e *Emulator) awsToken(w http.ResponseWriter, r *http.Request) {
	form, aerr := readForm(r)
	if aerr != nil {
		writeError(w, r, AWS, aerr)
		return
	}
	info := infoOf(r)
	grant := form.Get("grant_type")
	info.grant = normGrant(grant, awsGrants)
	now := e.clock.Now()
	lt := e.Lifetimes(AWS)
	switch info.grant {
	case "(none)":
		writeError(w, r, AWS, errBadRequest("grant_type is required: password, mfa, refresh_token or authorization_code"))
	case "(other)":
		writeError(w, r, AWS, errBadRequest("unsupported grant_type; use password, mfa, refresh_token or authorization_code"))
	case "password":
		st, ok := e.passwordGrant(w, r, awsWire, form)
		if !ok {
			return
		}
		if st.IdentityProvider {
			writeError(w, r, AWS, errAccessDenied("identity provider users sign in through single sign-on"))
			return
		}
		if st.MFAEnabled {
			mt := opaqueToken()
			e.st.putOnce(onceMFAToken, AWS, mt, st.Name, now.Add(lt.MFAToken))
			writeJSON(w, http.StatusOK, AWSMFARequired{Username: st.Name, MFAEnabled: true, MFAToken: mt})
			return
		}
		e.awsLogin(w, r, st.Name, now, lt)
	case "mfa":
		mt, code := plusFix(form.Get("mfa_token")), strings.TrimSpace(form.Get("mfa_code"))
		if mt == "" || code == "" {
			writeError(w, r, AWS, errBadRequest("mfa_token and mfa_code are required for grant_type=mfa"))
			return
		}
		name, aerr := e.st.mfaLogin(AWS, mt, code, now)
		if aerr != nil {
			writeError(w, r, AWS, aerr)
			return
		}
		e.awsLogin(w, r, name, now, lt)
	case "refresh_token":
		e.grantRefresh(w, r, awsWire, form, now, lt.AccessToken)
	case "authorization_code":
		e.grantAuthorizationCode(w, r, awsWire, form, now, loginOpts{access: lt.AccessToken, refresh: lt.RefreshToken})
	}
}

// awsLogin starts a session for name and answers with its tokens.
func (e *Emulator) awsLogin(w http.ResponseWriter, r *http.Request, name string, now time.Time, lt Lifetimes) {
	e.issue(w, r, awsWire, name, now, loginOpts{access: lt.AccessToken, refresh: lt.RefreshToken})
}

// awsWire is the Backup for AWS token endpoint's wire format.
var awsWire = jsonTokenWire(AWS, awsTokenBody)

func awsTokenBody(tp tokenPair) AWSToken {
	return AWSToken{
		AccessToken:  tp.Access,
		TokenType:    "bearer",
		RefreshToken: tp.Refresh,
		ExpiresIn:    int64(tp.AccessExp.Sub(tp.Issued) / time.Second),
		Issued:       tp.Issued.UTC().Format(awsTimeLayout),
		Expires:      tp.AccessExp.UTC().Format(awsTimeLayout),
		Username:     tp.UserName,
		RoleName:     tp.Role,
	}
}

func (e *Emulator) awsLogout(w http.ResponseWriter, r *http.Request) {
	tok, ok := bearer(r)
	if !ok {
		writeError(w, r, AWS, errAccessDenied("an Authorization: Bearer <access_token> header is required"))
		return
	}
	if aerr := e.st.logout(AWS, tok, e.clock.Now()); aerr != nil {
		writeError(w, r, AWS, aerr)
		return
	}
	e.countEvent(AWS, eventLogout)
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) awsAuthorizationCode(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.awsAuth(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"code": e.newAuthorizationCode(AWS, pr.UserName)})
}

// ---- single sign-on ----

func (e *Emulator) awsSignOnURL(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("userName")
	if strings.TrimSpace(name) == "" {
		writeError(w, r, AWS, errBadRequest("the userName query parameter is required"))
		return
	}
	info := infoOf(r)
	info.user = name
	req := base64.StdEncoding.EncodeToString(randomBytes(48))
	e.st.putOnce(onceSAMLRequest, AWS, req, name, e.clock.Now().Add(samlRequestLifetime))
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
	if aerr := e.st.peekOnce(onceSAMLRequest, AWS, req, now); aerr != nil {
		writeError(w, r, AWS, aerr)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, r, AWS, errBadRequest("the request body could not be read"))
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
	st, ok := e.st.checkPassword(AWS, name, pw)
	if !ok || !st.IdentityProvider {
		writeError(w, r, AWS, errAccessDenied("the identity provider rejected the credentials"))
		return
	}
	var esc bytes.Buffer
	_ = xml.EscapeText(&esc, []byte(st.Name))
	assertion := fmt.Sprintf(`<samlp:Response ID="_%s" Version="2.0" IssueInstant="%s" Destination="%s/api/v1/identityProvider/token" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:Subject><saml:NameID>%s</saml:NameID></saml:Subject></saml:Assertion><Nonce>%s</Nonce></samlp:Response>`,
		randomUUID(), now.UTC().Format("2006-01-02T15:04:05.000Z"), requestBase(r), esc.String(), randomHex(32))
	value := base64.StdEncoding.EncodeToString([]byte(assertion))
	e.st.putOnce(onceSAMLResponse, AWS, value, st.Name, now.Add(samlResponseLifetime))
	writeJSON(w, http.StatusOK, map[string]string{"name": "SAMLResponse", "value": value})
}

func (e *Emulator) awsSAMLToken(w http.ResponseWriter, r *http.Request) {
	form, aerr := readForm(r)
	if aerr != nil {
		writeError(w, r, AWS, aerr)
		return
	}
	v := form.Get("SamlResponse")
	if v == "" {
		v = form.Get("SAMLResponse")
	}
	v = plusFix(v)
	if v == "" {
		writeError(w, r, AWS, errBadRequest("SamlResponse is required"))
		return
	}
	now := e.clock.Now()
	name, aerr := e.st.takeOnce(onceSAMLResponse, AWS, v, now)
	if aerr != nil {
		writeError(w, r, AWS, aerr)
		return
	}
	e.awsLogin(w, r, name, now, e.Lifetimes(AWS))
}

// ---- users ----

func awsUserBody(s UserState) AWSUser {
	href := "/api/v1/users/" + url.PathEscape(s.Name)
	return AWSUser{
		Name: s.Name, Description: s.Description, MFAEnabled: s.MFAEnabled, IsDefault: s.IsDefault,
		Links: []AWSLink{
			{Method: "GET", Rel: "self", Href: href},
			{Method: "PUT", Rel: "update", Href: href},
			{Method: "DELETE", Rel: "delete", Href: href},
			{Method: "POST", Rel: "enableMfa", Href: href + "/enableMfa"},
			{Method: "POST", Rel: "acceptMfa", Href: href + "/acceptMfa"},
			{Method: "POST", Rel: "disableMfa", Href: href + "/disableMfa"},
		},
	}
}

func (e *Emulator) awsListUsers(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.awsAuth(w, r)
	if !ok {
		return
	}
	if !awsIsAdmin(pr) {
		writeError(w, r, AWS, errForbidden("only a Portal Administrator may list users"))
		return
	}
	q := r.URL.Query()
	offset, err1 := queryInt(q, "Offset")
	limit, err2 := queryInt(q, "Limit")
	if err1 != nil || err2 != nil {
		writeError(w, r, AWS, errBadRequest("Offset and Limit must be non-negative integers"))
		return
	}
	users := e.st.listUsers(AWS) // name order
	if pat := strings.ToLower(q.Get("SearchPattern")); pat != "" {
		users = slices.DeleteFunc(users, func(u UserState) bool {
			return !strings.Contains(strings.ToLower(u.Name), pat)
		})
	}
	switch strings.ToLower(q.Get("Sort")) {
	case "", "nameasc":
	case "namedesc":
		slices.Reverse(users)
	case "mfaenabledasc":
		slices.SortStableFunc(users, func(a, b UserState) int { return boolCmp(a.MFAEnabled, b.MFAEnabled) })
	case "mfaenableddesc":
		slices.SortStableFunc(users, func(a, b UserState) int { return boolCmp(b.MFAEnabled, a.MFAEnabled) })
	default:
		writeError(w, r, AWS, errBadRequest("unsupported Sort; use nameAsc, nameDesc, mfaEnabledAsc or mfaEnabledDesc"))
		return
	}
	page := AWSUserPage{TotalCount: len(users), Results: []AWSUser{},
		Links: []AWSLink{{Method: "GET", Rel: "self", Href: "/api/v1/users"}, {Method: "POST", Rel: "create", Href: "/api/v1/users"}}}
	if offset >= 0 {
		users = users[min(offset, len(users)):]
	}
	if limit >= 0 {
		users = users[:min(limit, len(users))]
	}
	for _, u := range users {
		page.Results = append(page.Results, awsUserBody(u))
	}
	writeJSON(w, http.StatusOK, page)
}

func (e *Emulator) awsGetUser(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.awsAuth(w, r)
	if !ok {
		return
	}
	name := r.PathValue("userId")
	if !awsMayManage(pr, name) {
		writeError(w, r, AWS, errForbidden("only a Portal Administrator may read other users"))
		return
	}
	st, ok := e.st.getUser(AWS, name)
	if !ok {
		writeError(w, r, AWS, errNotFound(fmt.Sprintf("user %q not found", name)))
		return
	}
	writeJSON(w, http.StatusOK, awsUserBody(st))
}

func (e *Emulator) awsCreateUser(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.awsAuth(w, r)
	if !ok {
		return
	}
	if !awsIsAdmin(pr) {
		writeError(w, r, AWS, errForbidden("only a Portal Administrator may create users"))
		return
	}
	var body struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Password    string `json:"password"`
		Role        string `json:"role"`
		RoleName    string `json:"roleName"`
	}
	if aerr := readJSON(r, &body, false); aerr != nil {
		writeError(w, r, AWS, aerr)
		return
	}
	if !validUserName(body.Name) {
		writeError(w, r, AWS, errBadRequest("name is required and must not contain / \\ ? # % or control characters"))
		return
	}
	if body.Password == "" {
		writeError(w, r, AWS, errBadRequest("password is required"))
		return
	}
	role := firstNonEmpty(body.Role, body.RoleName, RolePortalAdministrator)
	if !validAWSRole(role) {
		writeError(w, r, AWS, errBadRequest("role must be Portal Administrator, Portal Operator or Restore Operator"))
		return
	}
	su := SeedUser{Name: body.Name, Description: body.Description, Password: body.Password, Role: role}
	e.st.mu.Lock()
	err := e.st.addUserLocked(AWS, su)
	e.st.mu.Unlock()
	if errors.Is(err, errUserExists) {
		writeError(w, r, AWS, &apiError{http.StatusConflict, CodeUnexpectedContent, fmt.Sprintf("user %q already exists", body.Name)})
		return
	}
	st, _ := e.st.getUser(AWS, body.Name)
	w.Header().Set("Location", "/api/v1/users/"+url.PathEscape(st.Name))
	writeJSON(w, http.StatusCreated, awsUserBody(st))
}

func (e *Emulator) awsUpdateUser(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.awsAuth(w, r)
	if !ok {
		return
	}
	name := r.PathValue("userId")
	if !awsMayManage(pr, name) {
		writeError(w, r, AWS, errForbidden("only a Portal Administrator may change other users"))
		return
	}
	var body struct {
		Description *string `json:"description"`
		Password    *string `json:"password"`
		OldPassword *string `json:"oldPassword"`
	}
	if aerr := readJSON(r, &body, false); aerr != nil {
		writeError(w, r, AWS, aerr)
		return
	}
	self := pr.userKey == userKey(name)
	err := e.st.withUser(AWS, name, func(u *user) error {
		if body.Password != nil {
			if *body.Password == "" {
				return errBadRequest("password must not be empty")
			}
			if u.IdentityProvider {
				return errBadRequest("the password of an identity provider user is managed by the identity provider")
			}
			if self && (body.OldPassword == nil || !u.checkPassword(*body.OldPassword)) {
				return errBadRequest("oldPassword is missing or does not match the current password")
			}
		}
		if body.Description != nil {
			u.Description = *body.Description
		}
		if body.Password != nil {
			u.setPassword(*body.Password)
		}
		return nil
	})
	if e.writeUserErr(w, r, name, err) {
		return
	}
	st, _ := e.st.getUser(AWS, name)
	writeJSON(w, http.StatusOK, awsUserBody(st))
}

// writeUserErr answers err (from withUser/deleteUser); it reports whether
// there was one.
func (e *Emulator) writeUserErr(w http.ResponseWriter, r *http.Request, name string, err error) bool {
	if err == nil {
		return false
	}
	var aerr *apiError
	switch {
	case errors.Is(err, errUserNotFound):
		writeError(w, r, AWS, errNotFound(fmt.Sprintf("user %q not found", name)))
	case errors.As(err, &aerr):
		writeError(w, r, AWS, aerr)
	default:
		writeError(w, r, AWS, &apiError{http.StatusInternalServerError, CodeUnknownError, err.Error()})
	}
	return true
}

func (e *Emulator) awsDeleteUser(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.awsAuth(w, r)
	if !ok {
		return
	}
	if !awsIsAdmin(pr) {
		writeError(w, r, AWS, errForbidden("only a Portal Administrator may delete users"))
		return
	}
	name := r.PathValue("userId")
	err := e.st.deleteUser(AWS, name, func(u *user) error {
		if u.IsDefault {
			return errBadRequest("the default user cannot be deleted")
		}
		if userKey(u.Name) == pr.userKey {
			return errBadRequest("users cannot delete themselves")
		}
		return nil
	})
	if e.writeUserErr(w, r, name, err) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ---- MFA ----

func (e *Emulator) awsEnableMFA(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.awsAuth(w, r)
	if !ok {
		return
	}
	name := r.PathValue("userId")
	if !awsMayManage(pr, name) {
		writeError(w, r, AWS, errForbidden("only a Portal Administrator may manage the MFA of other users"))
		return
	}
	var body struct {
		Recreate json.RawMessage `json:"recreate"`
	}
	if aerr := readJSON(r, &body, true); aerr != nil {
		writeError(w, r, AWS, aerr)
		return
	}
	recreate, ok := flexBool(body.Recreate)
	if !ok {
		writeError(w, r, AWS, errBadRequest(`recreate must be true or false`))
		return
	}
	host := hostName(r)
	var out AWSEnableMFA
	err := e.st.withUser(AWS, name, func(u *user) error {
		if u.IdentityProvider {
			return errBadRequest("MFA cannot be enabled for a user whose identity comes from an identity provider")
		}
		if u.MFA != nil && !recreate {
			return errBadRequest(fmt.Sprintf("MFA is already enabled for user %q; send recreate=true to create a new secret key", u.Name))
		}
		m, err := newMFASecret(host, u.Name)
		if err != nil {
			return &apiError{http.StatusInternalServerError, CodeUnknownError, "secret generation failed"}
		}
		tok := opaqueToken()
		u.Pending = &pendingMFA{mfaSecret: m, Token: hashToken(tok)}
		out = AWSEnableMFA{
			UserName: u.Name,
			QRString: fmt.Sprintf("otpauth://totp/%s&40%s?secret=%s&issuer=%s",
				url.PathEscape(u.Name), url.PathEscape(host), m.Secret, url.QueryEscape(host)),
			SecretKey:    m.Secret,
			ScratchCodes: slices.Clone(m.Scratch),
			Token:        tok,
		}
		return nil
	})
	if e.writeUserErr(w, r, name, err) {
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) awsAcceptMFA(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.awsAuth(w, r)
	if !ok {
		return
	}
	name := r.PathValue("userId")
	if !awsMayManage(pr, name) {
		writeError(w, r, AWS, errForbidden("only a Portal Administrator may manage the MFA of other users"))
		return
	}
	var body struct {
		Code  json.RawMessage `json:"code"`
		Token string          `json:"token"`
	}
	if aerr := readJSON(r, &body, false); aerr != nil {
		writeError(w, r, AWS, aerr)
		return
	}
	code, ok := flexString(body.Code)
	if !ok || code == "" || body.Token == "" {
		writeError(w, r, AWS, errBadRequest("code and token are required"))
		return
	}
	now := e.clock.Now()
	err := e.st.withUser(AWS, name, func(u *user) error {
		if u.Pending == nil {
			return errBadRequest("no MFA enrollment is pending for this user; call enableMfa first")
		}
		if !equalHash(u.Pending.Token, hashToken(body.Token)) {
			return errBadRequest("token does not match the pending MFA enrollment")
		}
		if !validTOTP(code, u.Pending.Secret, now) {
			return errBadRequest("the verification code is not valid for the new secret key")
		}
		m := u.Pending.mfaSecret
		u.MFA = &m
		u.Pending = nil
		return nil
	})
	if e.writeUserErr(w, r, name, err) {
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (e *Emulator) awsDisableMFA(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.awsAuth(w, r)
	if !ok {
		return
	}
	name := r.PathValue("userId")
	if !awsMayManage(pr, name) {
		writeError(w, r, AWS, errForbidden("only a Portal Administrator may manage the MFA of other users"))
		return
	}
	drain(r)
	err := e.st.withUser(AWS, name, func(u *user) error {
		u.MFA = nil
		u.Pending = nil
		return nil
	})
	if e.writeUserErr(w, r, name, err) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
