package emulator

// Veeam Backup Enterprise Manager: routes, logon and logon sessions. XML by
// default, JSON when the client accepts JSON and not XML; the documents are
// in em_wire.go. The domain (sessions, idle expiry) is package core.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// emWire is Enterprise Manager as the emulator serves it: its sessions are
// logon session ids, not bearer tokens, and have no refresh.
var emWire = productWire{routes: (*Emulator).emRoutes, errorBody: emErrorBody,
	sessionIDs: true, lifetimes: lifetimes(15*time.Minute, 0), accountFlags: []string{"tenant"}}

// EMNamespace is the XML namespace of every Enterprise Manager document.
const EMNamespace = "http://www.veeam.com/ent/v1.0"

// EMSessionHeader carries the logon session id, in both directions. The
// same value is also set (and accepted) as a cookie of that name.
const EMSessionHeader = "X-RestSvcSessionId"

// emVersions are the REST API versions the emulated Enterprise Manager
// supports, oldest first (the reference document's list).
var emVersions = []string{"v1_5", "v1_6", "v1_7"}

// EMVersions returns the API versions GET /api/ lists, oldest first.
func EMVersions() []string { return slices.Clone(emVersions) }

func (e *Emulator) emRoutes(mux *http.ServeMux) {
	rt := newRouter(mux, EM, nil)
	rt.handle("GET", "/api/{$}", e.emRoot)
	rt.handle("GET", "/api", e.emRoot)
	rt.handle("POST", "/api/sessionMngr/{$}", e.tokenHandler(e.emLogon()))
	rt.handle("POST", "/api/sessionMngr", e.tokenHandler(e.emLogon()))
	rt.handle("GET", "/api/logonSessions", e.emListSessions)
	rt.handle("GET", "/api/logonSessions/{id}", e.emGetSession)
	rt.handle("DELETE", "/api/logonSessions/{id}", e.emDeleteSession)
	rt.handle("GET", "/api/backupServers", e.emBackupServers)
	rt.handle("GET", "/api/backupServers/{id}", e.emGetBackupServer)
	rt.finish()
	mux.HandleFunc("/", notFound(EM))
}

// emWrite answers v as XML, or as JSON when the client asks for JSON only.
func emWrite(w http.ResponseWriter, r *http.Request, status int, v any) {
	if wantsJSON(r) {
		writeJSON(w, status, v)
		return
	}
	out, err := xml.MarshalIndent(v, "", " ")
	if err != nil { // only for values the emulator builds itself: a bug
		writeError(w, r, EM, &apiError{Status: http.StatusInternalServerError, Code: CodeUnknownError, Detail: "response encoding failed"})
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(xml.Header)+len(out)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, xml.Header)
	_, _ = w.Write(out)
}

// ---- GET /api/ ----

func (e *Emulator) emRoot(w http.ResponseWriter, r *http.Request) {
	base := requestBase(r) + "/api"
	doc := EMRoot{
		XSD: "http://www.w3.org/2001/XMLSchema",
		XSI: "http://www.w3.org/2001/XMLSchema-instance",
		Links: []EMRootLink{
			{Href: base + "/logonSessions", Type: "LogonSessionList", Rel: "Down"},
			{Href: base + "/sessionMngr/?v=latest", Type: "LogonSession", Rel: "Create"},
		},
	}
	for _, v := range emVersions {
		doc.SupportedVersions = append(doc.SupportedVersions, EMSupportedVersion{
			Name:  v,
			Links: []EMRootLink{{Href: base + "/sessionMngr/?v=" + v, Type: "LogonSession", Rel: "Create"}},
		})
	}
	emWrite(w, r, http.StatusOK, doc)
}

// ---- logon ----

// emVersion resolves the v query parameter of POST /api/sessionMngr/:
// "latest" (any case) is the newest version, a missing v the oldest.
func emVersion(r *http.Request) (string, *apiError) {
	v := strings.TrimSpace(r.URL.Query().Get("v"))
	switch {
	case v == "":
		return emVersions[0], nil
	case strings.EqualFold(v, "latest"):
		return emVersions[len(emVersions)-1], nil
	}
	for _, s := range emVersions {
		if strings.EqualFold(v, s) {
			return s, nil
		}
	}
	return "", errBadRequest(fmt.Sprintf("unsupported API version %q in ?v=; supported versions: %s (or latest)",
		truncateString(v, 40), strings.Join(emVersions, ", ")))
}

// truncateString shortens s for an error message.
func truncateString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// emLogon is POST /api/sessionMngr/?v=…: a logon with Basic
// authentication, or a tenant's LoginSpec body, for a logon session whose
// id (X-RestSvcSessionId) expires when idle.
func (e *Emulator) emLogon() tokenEndpoint {
	return tokenEndpoint{
		product:  EM,
		readForm: emLogonVersion,
		exchange: emLogonExchange,
		fail:     productErrors,
		write:    e.emLogonAnswer,
		idle:     true,
	}
}

// emLogonVersion checks the v query parameter. The version only selects
// which resources a real session sees; the logon itself is the same in
// every version. The body is read by emLogonExchange.
func emLogonVersion(r *http.Request) (url.Values, *apiError) {
	if _, aerr := emVersion(r); aerr != nil {
		drain(r)
		return nil, aerr
	}
	return url.Values{}, nil
}

// emLogonExchange checks the credentials: a body means a tenant logon (the
// Authorization header is then ignored), no body Basic authentication.
func emLogonExchange(c *tokenCall) {
	body, aerr := readBody(c.r)
	if aerr != nil {
		c.fail(badRequest, aerr)
		return
	}
	info := infoOf(c.r)
	if len(bytes.TrimSpace(body)) > 0 {
		info.grant = "tenant"
		tc, perr := ParseEMLoginSpec(c.r.Header.Get("Content-Type"), body)
		if perr != nil {
			c.fail(badRequest, errBadRequest(perr.Error()))
			return
		}
		info.user = tc.Username
		st, ok := c.e.st.CheckPassword(EM, tc.Username, tc.Password)
		if !ok || !st.Tenant {
			c.fail(badCredentials, errAccessDenied("the tenant user name or password is incorrect"))
			return
		}
		c.login(st.Name, c.session())
		return
	}
	info.grant = "basic"
	name, pw, found := ParseEMBasic(c.r.Header.Get("Authorization"))
	if !found {
		info.grant = "(none)"
		c.fail(badCredentials, errAccessDenied("logon needs an Authorization: Basic base64(user:password) header, or a LoginSpec body with TenantCredentials for a tenant"))
		return
	}
	info.user = name
	st, ok := c.e.st.CheckPassword(EM, name, pw)
	if !ok || st.Tenant {
		c.fail(badCredentials, errAccessDenied("the user name or password is incorrect"))
		return
	}
	c.login(st.Name, c.session())
}

// emLogonAnswer answers a logon: 201, the LogonSession document, and the
// session id in the header and a cookie.
func (e *Emulator) emLogonAnswer(w http.ResponseWriter, r *http.Request, tp core.Tokens) {
	doc := emSessionDoc(requestBase(r), tp.SessionID, tp.UserName, e.emTenant(tp.UserName))
	w.Header()[EMSessionHeader] = []string{tp.Access} // the document's spelling, not Go's canonical X-Restsvcsessionid
	w.Header().Add("Set-Cookie", EMSessionHeader+"="+tp.Access+"; Path=/api")
	w.Header().Set("Location", doc.Href)
	emWrite(w, r, http.StatusCreated, doc)
}

// emSessionDoc is the LogonSession representation of session id.
func emSessionDoc(base, id, userName string, tenant bool) EMLogonSession {
	href := base + "/api/logonSessions/" + id
	doc := EMLogonSession{Type: "LogonSession", Href: href, UserName: userName, SessionID: id}
	doc.Links = append(doc.Links, EMLink{Rel: "Up", Type: "EnterpriseManager", Href: base + "/api/"})
	if tenant {
		doc.Links = append(doc.Links,
			EMLink{Rel: "Down", Type: "CloudConnectService", Href: base + "/api/cloud"},
			EMLink{Rel: "Delete", Type: "LogonSession", Href: href})
		return doc
	}
	for _, l := range emSessionLinks {
		doc.Links = append(doc.Links, EMLink{Rel: l[0], Type: l[1], Href: base + l[2], Name: l[3]})
	}
	doc.Links = append(doc.Links, EMLink{Rel: "Delete", Href: href})
	return doc
}

// ---- authenticated requests ----

// emSessionID is the logon session id of the request: the
// X-RestSvcSessionId cookie, else the header of that name. When both are
// sent the cookie wins and the header is ignored (the guide's HTTP
// authentication page).
func emSessionID(r *http.Request) string {
	if c, err := r.Cookie(EMSessionHeader); err == nil && strings.TrimSpace(c.Value) != "" {
		return strings.TrimSpace(c.Value)
	}
	return strings.TrimSpace(r.Header.Get(EMSessionHeader))
}

// emCaller is an authenticated request's principal and whether it is a tenant.
type emCaller struct {
	Principal
	tenant bool
}

// emAuthScheme is how Enterprise Manager requests carry their logon
// session: the session id header or cookie. Each success restarts the
// session's idle timeout.
func (e *Emulator) emAuthScheme() authScheme {
	return authScheme{
		product:    EM,
		credential: emSessionID,
		missing:    "the " + EMSessionHeader + " header is required: log on with POST /api/sessionMngr/?v=latest first",
		rejected: func(aerr *apiError) *apiError {
			if aerr.Code == CodeExpiredToken {
				return errExpiredToken(fmt.Sprintf("the logon session expired after %s without requests: log on again", e.Lifetimes(EM).AccessToken))
			}
			return errInvalidToken("the " + EMSessionHeader + " is not a current logon session (it may have been logged out): log on again")
		},
	}
}

// emAuth authenticates the request's logon session.
func (e *Emulator) emAuth(w http.ResponseWriter, r *http.Request) (emCaller, bool) {
	pr, ok := e.authenticate(w, r, e.emAuthScheme())
	if !ok {
		return emCaller{}, false
	}
	st, found := e.st.User(EM, pr.UserName)
	return emCaller{Principal: pr, tenant: !found || st.Tenant}, true
}

// emVisibleSessions are the live sessions c may see: every session for an
// administrator, its own account's for a tenant; by user name, then id.
func (e *Emulator) emVisibleSessions(c emCaller) []Principal {
	all := e.st.LiveSessions(EM, e.clock.Now())
	if c.tenant {
		all = slices.DeleteFunc(all, func(p Principal) bool { return !p.Is(c.UserName) })
	}
	slices.SortFunc(all, func(a, b Principal) int {
		if n := core.CompareNames(a.UserName, b.UserName); n != 0 {
			return n
		}
		return strings.Compare(a.SessionID, b.SessionID)
	})
	return all
}

// emFindSession authenticates the request and returns the session {id}
// when the caller may see it, or answers 404.
func (e *Emulator) emFindSession(w http.ResponseWriter, r *http.Request) (Principal, bool) {
	c, ok := e.emAuth(w, r)
	if !ok {
		return Principal{}, false
	}
	id := r.PathValue("id")
	for _, p := range e.emVisibleSessions(c) {
		if p.SessionID == id {
			return p, true
		}
	}
	writeError(w, r, EM, errNotFound(fmt.Sprintf("logon session %q not found", truncateString(id, 64))))
	return Principal{}, false
}

func (e *Emulator) emTenant(name string) bool {
	st, ok := e.st.User(EM, name)
	return ok && st.Tenant
}

func (e *Emulator) emListSessions(w http.ResponseWriter, r *http.Request) {
	c, ok := e.emAuth(w, r)
	if !ok {
		return
	}
	out := EMLogonSessionList{LogonSessions: []EMLogonSession{}}
	base := requestBase(r)
	for _, p := range e.emVisibleSessions(c) {
		out.LogonSessions = append(out.LogonSessions, emSessionDoc(base, p.SessionID, p.UserName, e.emTenant(p.UserName)))
	}
	emWrite(w, r, http.StatusOK, out)
}

func (e *Emulator) emGetSession(w http.ResponseWriter, r *http.Request) {
	p, ok := e.emFindSession(w, r)
	if !ok {
		return
	}
	emWrite(w, r, http.StatusOK, emSessionDoc(requestBase(r), p.SessionID, p.UserName, e.emTenant(p.UserName)))
}

func (e *Emulator) emDeleteSession(w http.ResponseWriter, r *http.Request) {
	p, ok := e.emFindSession(w, r)
	if !ok {
		return
	}
	if !e.st.EndSession(EM, p.SessionID) {
		writeError(w, r, EM, errNotFound(fmt.Sprintf("logon session %q not found", p.SessionID)))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ---- backup servers ----

func emBackupServerRef(base string) EMRef {
	s := emBackupServer
	href := base + "/api/backupServers/" + s.ID
	return EMRef{
		UID: "urn:veeam:BackupServer:" + s.ID, Name: s.Name, Href: href, Type: "BackupServerReference",
		Links: []EMLink{{Rel: "Alternate", Type: "BackupServer", Href: href + "?format=Entity", Name: s.Name}},
	}
}

func emBackupServerEntity(base string) EMBackupServer {
	s := emBackupServer
	href := base + "/api/backupServers/" + s.ID
	return EMBackupServer{
		Href: href + "?format=Entity", Type: "BackupServer", Name: s.Name, UID: "urn:veeam:BackupServer:" + s.ID,
		Links:       []EMLink{{Rel: "Alternate", Type: "BackupServerReference", Href: href, Name: s.Name}},
		Description: s.Description, Port: s.Port, Version: s.Version,
	}
}

// emAdmin authenticates a request that tenants may not make.
func (e *Emulator) emAdmin(w http.ResponseWriter, r *http.Request) bool {
	c, ok := e.emAuth(w, r)
	if !ok {
		return false
	}
	if c.tenant {
		writeError(w, r, EM, errForbidden("a tenant logon session can use the Cloud Connect resources (/api/cloud) only"))
		return false
	}
	return true
}

func (e *Emulator) emBackupServers(w http.ResponseWriter, r *http.Request) {
	if !e.emAdmin(w, r) {
		return
	}
	base := requestBase(r)
	switch f := r.URL.Query().Get("format"); {
	case f == "" || strings.EqualFold(f, "References"):
		emWrite(w, r, http.StatusOK, EMEntityReferences{Refs: []EMRef{emBackupServerRef(base)}})
	case strings.EqualFold(f, "Entity"):
		emWrite(w, r, http.StatusOK, EMBackupServerList{BackupServers: []EMBackupServer{emBackupServerEntity(base)}})
	default:
		writeError(w, r, EM, errBadRequest("format must be References or Entity"))
	}
}

func (e *Emulator) emGetBackupServer(w http.ResponseWriter, r *http.Request) {
	if !e.emAdmin(w, r) {
		return
	}
	id := r.PathValue("id")
	if !strings.EqualFold(id, emBackupServer.ID) && !strings.EqualFold(id, "urn:veeam:BackupServer:"+emBackupServer.ID) {
		writeError(w, r, EM, errNotFound(fmt.Sprintf("backup server %q not found", truncateString(id, 64))))
		return
	}
	emWrite(w, r, http.StatusOK, emBackupServerEntity(requestBase(r)))
}
