package emulator

// Veeam Backup for Microsoft 365, REST API v8 (the published specification,
// openapi_schemas/vb365_rest_v8.json): POST /v8/token takes a form or a JSON
// body with the password, refresh_token, jwt-bearer and operator grants and
// answers OAuthTokenResponse; POST /v8/token/logout answers 204; POST
// /v8/token/AuthCode answers RESTAuthCode; failures are RESTExceptionInfo.
// Only v8 is served (see DECISIONS.md).

import (
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// The roles of Backup for Microsoft 365 accounts that are not Veeam users:
// the emulator cannot check a Microsoft identity platform assertion, so a
// restore operator or an application is a seeded account whose name is the
// client_id and whose password is the assertion (see DECISIONS.md).
const (
	M365RoleRestoreOperator = "Restore Operator" // grant_type=operator
	M365RoleApplication     = "Application"      // grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer
	// M365SeedOperator and M365SeedApplication are their default accounts'
	// client_id values (a restore operator's is userId.tenantId).
	M365SeedOperator    = "operator01.tenant01"
	M365SeedApplication = "terraform-app"
	m365JWTBearer       = "urn:ietf:params:oauth:grant-type:jwt-bearer"
)

// m365Wire is Backup for Microsoft 365 as the emulator serves it. Access
// tokens: 60 minutes (documented); refresh tokens: chosen.
var m365Wire = productWire{routes: (*Emulator).m365Routes, errorBody: m365ErrorBody, lifetimes: lifetimes(time.Hour, 24*time.Hour)}

// M365Token is OAuthTokenResponse, the answer of POST /v8/token.
type M365Token struct {
	BearerTokens
	UserName string `json:"userName"`
}

// M365AuthCode is RESTAuthCode, the answer of POST /v8/token/AuthCode.
type M365AuthCode struct {
	AuthCode string `json:"authCode"`
}

// M365Error is RESTExceptionInfo, every failure's body. ErrorCode is one of
// the specification's values or null.
type M365Error struct {
	Message    string  `json:"message"`
	ErrorCode  *string `json:"errorCode"`
	StackTrace *string `json:"stackTrace"`
}

func (e *Emulator) m365Routes(mux *http.ServeMux) {
	auth := bearerScheme(M365, "")
	rt := newRouter(mux, M365, nil)
	rt.handle("POST", "/v8/token", e.tokenHandler(tokenEndpoint{
		product: M365,
		grants: append(passwordAndRefresh(passwordRules{then: m365VeeamUser}),
			m365AssertionGrant(m365JWTBearer, M365RoleApplication), m365AssertionGrant("operator", M365RoleRestoreOperator)),
		readForm: m365Form,
		fail:     productErrors,
		write:    writeM365Token,
	}))
	rt.handle("POST", "/v8/token/logout", e.logoutHandler(auth, noContent))
	rt.handle("POST", "/v8/token/AuthCode", func(w http.ResponseWriter, r *http.Request) {
		drain(r)
		pr, ok := e.authenticate(w, r, auth)
		if !ok {
			return
		}
		writeJSON(w, http.StatusOK, M365AuthCode{AuthCode: e.issueAuthorizationCode(M365, pr.UserName)})
	})
	rt.finish()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, M365, errNotFound("no resource at "+r.URL.Path+"; this server serves REST API v8 (/v8/...)"))
	})
}

// m365VeeamUser logs in a Veeam user; a restore operator's or an
// application's account logs in only with its own grant.
func m365VeeamUser(c *tokenCall, st UserState) {
	if st.Role == M365RoleRestoreOperator || st.Role == M365RoleApplication {
		c.fail(badCredentials, errAccessDenied("the user name or password is incorrect"))
		return
	}
	c.login(st.Name, c.session())
}

// m365AssertionGrant is a grant of client_id and assertion (jwt-bearer:
// an application ID; operator: userId.tenantId), for accounts of role.
func m365AssertionGrant(name, role string) grant {
	return grant{name: name, run: func(c *tokenCall) {
		id, assertion := c.form.Get("client_id"), c.form.Get("assertion")
		if id == "" || assertion == "" {
			c.fail(badRequest, errBadRequest("client_id and assertion are required for grant_type="+name))
			return
		}
		infoOf(c.r).user = id
		st, ok := c.e.st.CheckPassword(M365, id, assertion)
		if !ok || st.Role != role {
			c.fail(badCredentials, errAccessDenied("the client_id or assertion is incorrect"))
			return
		}
		c.login(st.Name, c.session())
	}}
}

// m365Form reads the token request: a form, or the same fields as a JSON
// object (disable_antiforgery_token is a boolean there).
func m365Form(r *http.Request) (url.Values, *apiError) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		return readForm(r)
	}
	var body map[string]any
	if aerr := readJSON(r, &body, false); aerr != nil {
		return nil, aerr
	}
	form := url.Values{}
	for k, v := range body {
		switch v := v.(type) {
		case string:
			form.Set(k, v)
		case bool:
			form.Set(k, strconv.FormatBool(v))
		case nil:
		default:
			return nil, errBadRequest(k + " must be a string")
		}
	}
	return form, nil
}

func writeM365Token(w http.ResponseWriter, _ *http.Request, tp core.Tokens) {
	writeJSON(w, http.StatusOK, M365Token{BearerTokens: bearerTokens(tp, time.RFC3339), UserName: tp.UserName})
}

// m365ErrorCodes are the specification's errorCode values by status; other
// statuses answer errorCode null.
var m365ErrorCodes = map[int]string{
	http.StatusBadRequest:         "ParameterValidationFailure",
	http.StatusUnauthorized:       "ResourceAccessDenied",
	http.StatusForbidden:          "ResourceAccessDenied",
	http.StatusNotFound:           "ResourceNotFound",
	http.StatusConflict:           "OperationConflict",
	http.StatusServiceUnavailable: "HttpError",
}

// m365ErrorBody renders err as RESTExceptionInfo.
func m365ErrorBody(w http.ResponseWriter, _ *http.Request, err *apiError) {
	body := M365Error{Message: err.Detail}
	if code, ok := m365ErrorCodes[err.Status]; ok {
		body.ErrorCode = &code
	}
	writeJSON(w, err.Status, body)
}
