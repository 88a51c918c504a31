package emulator

// Veeam Backup Enterprise Manager: routes and wire formats. XML by default,
// JSON when the client accepts JSON and not XML. The shared machinery
// (sessions, idle expiry, counters, errors) lives in the other files.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

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

// EMLink is one <Link> of a Links element, attributes in the order the
// LogonSession example prints them.
type EMLink struct {
	Rel  string `xml:"Rel,attr,omitempty" json:"Rel,omitempty"`
	Type string `xml:"Type,attr,omitempty" json:"Type,omitempty"`
	Href string `xml:"Href,attr" json:"Href"`
	Name string `xml:"Name,attr,omitempty" json:"Name,omitempty"`
}

// EMRootLink is a <Link> of the EnterpriseManager document, attributes in
// the order that example prints them.
type EMRootLink struct {
	Href string `xml:"Href,attr" json:"Href"`
	Type string `xml:"Type,attr,omitempty" json:"Type,omitempty"`
	Rel  string `xml:"Rel,attr,omitempty" json:"Rel,omitempty"`
}

// EMSupportedVersion is one <SupportedVersion> of GET /api/.
type EMSupportedVersion struct {
	Name  string       `xml:"Name,attr" json:"Name"`
	Links []EMRootLink `xml:"Links>Link" json:"Links"`
}

// EMRoot is the EnterpriseManager document GET /api/ answers.
type EMRoot struct {
	XMLName           xml.Name             `xml:"http://www.veeam.com/ent/v1.0 EnterpriseManager" json:"-"`
	XSD               string               `xml:"xmlns:xsd,attr" json:"-"`
	XSI               string               `xml:"xmlns:xsi,attr" json:"-"`
	Links             []EMRootLink         `xml:"Links>Link" json:"Links"`
	SupportedVersions []EMSupportedVersion `xml:"SupportedVersions>SupportedVersion" json:"SupportedVersions"`
}

// EMLogonSession is the LogonSession document POST /api/sessionMngr/ and
// GET /api/logonSessions/{id} answer.
type EMLogonSession struct {
	XMLName   xml.Name `xml:"http://www.veeam.com/ent/v1.0 LogonSession" json:"-"`
	Type      string   `xml:"Type,attr" json:"Type"`
	Href      string   `xml:"Href,attr" json:"Href"`
	Links     []EMLink `xml:"Links>Link" json:"Links"`
	UserName  string   `xml:"UserName" json:"UserName"`
	SessionID string   `xml:"SessionId" json:"SessionId"`
}

// EMLogonSessionList is the answer of GET /api/logonSessions.
type EMLogonSessionList struct {
	XMLName       xml.Name         `xml:"http://www.veeam.com/ent/v1.0 LogonSessions" json:"-"`
	LogonSessions []EMLogonSession `xml:"LogonSession" json:"LogonSessions"`
}

// EMRef is one <Ref> of an EntityReferences list.
type EMRef struct {
	UID   string   `xml:"UID,attr" json:"UID"`
	Name  string   `xml:"Name,attr" json:"Name"`
	Href  string   `xml:"Href,attr" json:"Href"`
	Type  string   `xml:"Type,attr" json:"Type"`
	Links []EMLink `xml:"Links>Link" json:"Links"`
}

// EMEntityReferences is the answer of GET /api/backupServers.
type EMEntityReferences struct {
	XMLName xml.Name `xml:"http://www.veeam.com/ent/v1.0 EntityReferences" json:"-"`
	Refs    []EMRef  `xml:"Ref" json:"Refs"`
}

// EMBackupServer is the BackupServer entity (GET /api/backupServers/{id},
// and the items of ?format=Entity).
type EMBackupServer struct {
	XMLName     xml.Name `xml:"http://www.veeam.com/ent/v1.0 BackupServer" json:"-"`
	Href        string   `xml:"Href,attr" json:"Href"`
	Type        string   `xml:"Type,attr" json:"Type"`
	Name        string   `xml:"Name,attr" json:"Name"`
	UID         string   `xml:"UID,attr" json:"UID"`
	Links       []EMLink `xml:"Links>Link" json:"Links"`
	Description string   `xml:"Description" json:"Description"`
	Port        int      `xml:"Port" json:"Port"`
	Version     string   `xml:"Version" json:"Version"`
}

// EMBackupServerList is the answer of GET /api/backupServers?format=Entity.
type EMBackupServerList struct {
	XMLName       xml.Name         `xml:"http://www.veeam.com/ent/v1.0 BackupServers" json:"-"`
	BackupServers []EMBackupServer `xml:"BackupServer" json:"BackupServers"`
}

// emBackupServer is the one backup server the emulated Enterprise Manager
// knows (fixed, so tests and users can rely on it).
var emBackupServer = struct {
	ID, Name, Description, Version string
	Port                           int
}{"a4c1e2f0-6b3d-4e5a-9f17-2d8c0b7e4a61", "backup01.tech.local", "Emulated backup server", "12.3.0.310", 9392}

// emSessionLinks are the Down links of an administrator's LogonSession, in
// the reference document's order: {Rel, Type, path, Name}.
var emSessionLinks = [][4]string{
	{"Down", "BackupServerReferenceList", "/api/backupServers", ""},
	{"Down", "ManagedServerReferenceList", "/api/managedServers", ""},
	{"Down", "JobReferenceList", "/api/jobs", ""},
	{"Down", "FailoverPlanReferenceList", "/api/failoverPlans", ""},
	{"Down", "HierarchyRootReferenceList", "/api/hierarchyRoots", ""},
	{"Down", "RepositoryReferenceList", "/api/repositories", ""},
	{"Down", "BackupReferenceList", "/api/backups", ""},
	{"Down", "RestorePointReferenceList", "/api/restorePoints", ""},
	{"Down", "VmRestorePointReferenceList", "/api/vmRestorePoints", ""},
	{"Down", "VAppRestorePointReferenceList", "/api/vAppRestorePoints", ""},
	{"Down", "ReplicaReferenceList", "/api/replicas", ""},
	{"Down", "VmReplicaPointReferenceList", "/api/vmReplicaPoints", ""},
	{"Down", "CatalogVmReferenceList", "/api/catalog/vms", ""},
	{"Down", "BackupJobSessionReferenceList", "/api/backupSessions", ""},
	{"Down", "RestoreSessionReferenceList", "/api/restoreSessions", ""},
	{"Down", "ReplicaJobSessionReferenceList", "/api/replicaSessions", ""},
	{"Down", "BackupTaskSessionReferenceList", "/api/backupTaskSessions", ""},
	{"Down", "ReplicaTaskSessionReferenceList", "/api/replicaTaskSessions", ""},
	{"Down", "EnterpriseSecuritySettings", "/api/security", ""},
	{"Down", "WanAcceleratorReferenceList", "/api/wanAccelerators", ""},
	{"Down", "BackupFileReferenceList", "/api/backupFiles", ""},
	{"Down", "ExternalRepositoryReferenceList", "/api/externalRepositories", ""},
	{"Down", "TaskList", "/api/tasks", ""},
	{"Down", "QueryService", "/api/querySvc", ""},
	{"Down", "LookupService", "/api/lookupSvc", ""},
	{"Down", "Report", "/api/reports/summary", "Summary"},
	{"Down", "BackupServerList", "/api/backupServers?format=Entity", ""},
	{"Down", "ManagedServerList", "/api/managedServers?format=Entity", ""},
	{"Create", "", "/api/backupServers?action=create", ""},
	{"Down", "JobList", "/api/jobs?format=Entity", ""},
	{"Down", "FailoverPlanList", "/api/failoverPlans?format=Entity", ""},
	{"Down", "HierarchyRootList", "/api/hierarchyRoots?format=Entity", ""},
	{"Down", "RepositoryList", "/api/repositories?format=Entity", ""},
	{"Down", "BackupList", "/api/backups?format=Entity", ""},
	{"Down", "RestorePointList", "/api/restorePoints?format=Entity", ""},
	{"Down", "VmRestorePointList", "/api/vmRestorePoints?format=Entity", ""},
	{"Down", "VAppRestorePointList", "/api/vAppRestorePoints?format=Entity", ""},
	{"Down", "ReplicaList", "/api/replicas?format=Entity", ""},
	{"Down", "VmReplicaPointList", "/api/vmReplicaPoints?format=Entity", ""},
	{"Down", "CatalogVmList", "/api/catalog/vms?format=Entity", ""},
	{"Down", "BackupJobSessionList", "/api/backupSessions?format=Entity", ""},
	{"Down", "RestoreSessionList", "/api/restoreSessions?format=Entity", ""},
	{"Down", "ReplicaJobSessionList", "/api/replicaSessions?format=Entity", ""},
	{"Down", "BackupTaskSessionList", "/api/backupTaskSessions?format=Entity", ""},
	{"Down", "ReplicaTaskSessionList", "/api/replicaTaskSessions?format=Entity", ""},
	{"Down", "WanAcceleratorList", "/api/wanAccelerators?format=Entity", ""},
	{"Down", "VCloudService", "/api/vCloud", ""},
	{"Down", "BackupFileList", "/api/backupFiles?format=Entity", ""},
	{"Down", "AgentsService", "/api/agents", ""},
	{"Down", "VSphereSelfService", "/api/selfService/vSphere", ""},
	{"Down", "ExternalRepositoryList", "/api/externalRepositories?format=Entity", ""},
	{"Down", "NasService", "/api/nas", ""},
}

func (e *Emulator) emRoutes(mux *http.ServeMux) {
	rt := newRouter(mux, EM, nil)
	rt.handle("GET", "/api/{$}", e.emRoot)
	rt.handle("GET", "/api", e.emRoot)
	rt.handle("POST", "/api/sessionMngr/{$}", e.emLogon)
	rt.handle("POST", "/api/sessionMngr", e.emLogon)
	rt.handle("GET", "/api/logonSessions", e.emListSessions)
	rt.handle("GET", "/api/logonSessions/{id}", e.emGetSession)
	rt.handle("DELETE", "/api/logonSessions/{id}", e.emDeleteSession)
	rt.handle("GET", "/api/backupServers", e.emBackupServers)
	rt.handle("GET", "/api/backupServers/{id}", e.emGetBackupServer)
	rt.finish()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, EM, errNotFound("no resource at "+r.URL.Path))
	})
}

// emWrite answers v as XML, or as JSON when the client asks for JSON only.
func emWrite(w http.ResponseWriter, r *http.Request, status int, v any) {
	if wantsJSON(r) {
		writeJSON(w, status, v)
		return
	}
	out, err := xml.MarshalIndent(v, "", " ")
	if err != nil { // only for values the emulator builds itself: a bug
		writeError(w, r, EM, &apiError{http.StatusInternalServerError, CodeUnknownError, "response encoding failed"})
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

// ParseEMBasic reads an "Authorization: Basic base64(user:password)"
// header. The scheme is case-insensitive, surrounding blanks are ignored and
// unpadded base64 is accepted. ok is false for anything else, or an empty
// user name.
func ParseEMBasic(h string) (user, password string, ok bool) {
	scheme, rest, found := strings.Cut(strings.TrimSpace(h), " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	rest = strings.TrimSpace(rest)
	raw, err := base64.StdEncoding.DecodeString(rest)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(rest); err != nil {
			return "", "", false
		}
	}
	user, password, found = strings.Cut(string(raw), ":")
	if !found || user == "" {
		return "", "", false
	}
	return user, password, true
}

// EMTenantCredentials is the TenantCredentials element of a LoginSpec.
type EMTenantCredentials struct {
	Username string `xml:"Username" json:"Username"`
	Password string `xml:"Password" json:"Password"`
}

// EMLoginSpec is the body of a tenant logon.
type EMLoginSpec struct {
	XMLName           xml.Name             `xml:"LoginSpec" json:"-"` // any namespace; checked in ParseEMLoginSpec
	TenantCredentials *EMTenantCredentials `xml:"TenantCredentials" json:"TenantCredentials"`
}

const emLoginSpecShape = "<LoginSpec xmlns=\"" + EMNamespace + "\"><TenantCredentials><Username>…</Username><Password>…</Password></TenantCredentials></LoginSpec>"

// ParseEMLoginSpec reads a tenant logon body: the LoginSpec XML document
// (in the Enterprise Manager namespace or none), or the same as JSON when
// contentType says JSON. It fails with a message that shows the expected shape.
func ParseEMLoginSpec(contentType string, body []byte) (EMTenantCredentials, error) {
	var spec EMLoginSpec
	body = bytes.TrimSpace(body)
	mt, _, _ := mime.ParseMediaType(contentType)
	if strings.Contains(mt, "json") || (len(body) > 0 && body[0] == '{') {
		if err := json.Unmarshal(body, &spec); err != nil {
			return EMTenantCredentials{}, fmt.Errorf(`the body is not a JSON LoginSpec {"TenantCredentials":{"Username":…,"Password":…}}`)
		}
	} else {
		dec := xml.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&spec); err != nil {
			return EMTenantCredentials{}, fmt.Errorf("the body is not a LoginSpec document %s", emLoginSpecShape)
		}
		if ns := spec.XMLName.Space; ns != "" && ns != EMNamespace {
			return EMTenantCredentials{}, fmt.Errorf("the LoginSpec namespace must be %s", EMNamespace)
		}
	}
	tc := spec.TenantCredentials
	if tc == nil || strings.TrimSpace(tc.Username) == "" || tc.Password == "" {
		return EMTenantCredentials{}, fmt.Errorf("LoginSpec needs TenantCredentials with a Username and a Password: %s", emLoginSpecShape)
	}
	return *tc, nil
}

func (e *Emulator) emLogon(w http.ResponseWriter, r *http.Request) {
	info := infoOf(r)
	// The version only selects which resources a real session sees; the
	// logon itself is the same in every version.
	if _, aerr := emVersion(r); aerr != nil {
		drain(r)
		writeError(w, r, EM, aerr)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, r, EM, errBadRequest("the request body could not be read (it may exceed 1 MiB)"))
		return
	}
	var st UserState
	var ok bool
	if len(bytes.TrimSpace(body)) > 0 {
		// A body means a tenant logon; the Authorization header is ignored.
		info.grant = "tenant"
		tc, perr := ParseEMLoginSpec(r.Header.Get("Content-Type"), body)
		if perr != nil {
			writeError(w, r, EM, errBadRequest(perr.Error()))
			return
		}
		info.user = tc.Username
		st, ok = e.st.checkPassword(EM, tc.Username, tc.Password)
		if !ok || !st.Tenant {
			writeError(w, r, EM, errAccessDenied("the tenant user name or password is incorrect"))
			return
		}
	} else {
		info.grant = "basic"
		name, pw, found := ParseEMBasic(r.Header.Get("Authorization"))
		if !found {
			info.grant = "(none)"
			writeError(w, r, EM, errAccessDenied("logon needs an Authorization: Basic base64(user:password) header, or a LoginSpec body with TenantCredentials for a tenant"))
			return
		}
		info.user = name
		st, ok = e.st.checkPassword(EM, name, pw)
		if !ok || st.Tenant {
			writeError(w, r, EM, errAccessDenied("the user name or password is incorrect"))
			return
		}
	}
	now := e.clock.Now()
	tp, aerr := e.st.login(EM, st.Name, now, loginOpts{access: e.Lifetimes(EM).AccessToken, slide: true, opaque: true})
	if aerr != nil {
		writeError(w, r, EM, aerr)
		return
	}
	info.user = tp.UserName
	e.countEvent(EM, eventLogin)
	doc := emSessionDoc(requestBase(r), tp.SessionID, tp.UserName, st.Tenant)
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
// X-RestSvcSessionId header, else the cookie of that name.
func emSessionID(r *http.Request) string {
	if v := strings.TrimSpace(r.Header.Get(EMSessionHeader)); v != "" {
		return v
	}
	if c, err := r.Cookie(EMSessionHeader); err == nil {
		return strings.TrimSpace(c.Value)
	}
	return ""
}

// emCaller is an authenticated request's principal and whether it is a tenant.
type emCaller struct {
	Principal
	tenant bool
}

// emAuth authenticates the request's session id; each success restarts
// the session's idle timeout.
func (e *Emulator) emAuth(w http.ResponseWriter, r *http.Request) (emCaller, bool) {
	id := emSessionID(r)
	if id == "" {
		writeError(w, r, EM, errAccessDenied("the "+EMSessionHeader+" header is required: log on with POST /api/sessionMngr/?v=latest first"))
		return emCaller{}, false
	}
	pr, aerr := e.st.authenticate(EM, id, e.clock.Now())
	if aerr != nil {
		switch aerr.Code {
		case CodeExpiredToken:
			aerr = errExpiredToken(fmt.Sprintf("the logon session expired after %s without requests: log on again", e.Lifetimes(EM).AccessToken))
		default:
			aerr = errInvalidToken("the " + EMSessionHeader + " is not a current logon session (it may have been logged out): log on again")
		}
		writeError(w, r, EM, aerr)
		return emCaller{}, false
	}
	infoOf(r).user = pr.UserName
	st, ok := e.st.getUser(EM, pr.UserName)
	return emCaller{Principal: pr, tenant: !ok || st.Tenant}, true
}

// emVisibleSessions are the live sessions c may see: every session for an
// administrator, its own account's for a tenant; by user name, then id.
func (e *Emulator) emVisibleSessions(c emCaller) []Principal {
	all := e.st.liveSessions(EM, e.clock.Now())
	if c.tenant {
		all = slices.DeleteFunc(all, func(p Principal) bool { return p.userKey != c.userKey })
	}
	slices.SortFunc(all, func(a, b Principal) int {
		if n := compareNames(a.UserName, b.UserName); n != 0 {
			return n
		}
		return strings.Compare(a.SessionID, b.SessionID)
	})
	return all
}

// emFindSession returns the visible session id, or answers 404.
func (e *Emulator) emFindSession(w http.ResponseWriter, r *http.Request, c emCaller) (Principal, bool) {
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
	st, ok := e.st.getUser(EM, name)
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
	c, ok := e.emAuth(w, r)
	if !ok {
		return
	}
	p, ok := e.emFindSession(w, r, c)
	if !ok {
		return
	}
	emWrite(w, r, http.StatusOK, emSessionDoc(requestBase(r), p.SessionID, p.UserName, e.emTenant(p.UserName)))
}

func (e *Emulator) emDeleteSession(w http.ResponseWriter, r *http.Request) {
	c, ok := e.emAuth(w, r)
	if !ok {
		return
	}
	p, ok := e.emFindSession(w, r, c)
	if !ok {
		return
	}
	if !e.st.revokeSession(EM, p.SessionID) {
		writeError(w, r, EM, errNotFound(fmt.Sprintf("logon session %q not found", p.SessionID)))
		return
	}
	e.countEvent(EM, eventLogout)
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
