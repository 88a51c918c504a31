package emulator_test

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// emHarness drives one Emulator's Enterprise Manager handler in process.
type emHarness struct {
	t     testing.TB
	e     *emulator.Emulator
	clock *emulator.Clock
	h     http.Handler
}

func newEMHarness(t testing.TB, mutate ...func(*emulator.Options)) *emHarness {
	t.Helper()
	h := newHarness(t, mutate...)
	return &emHarness{t: t, e: h.e, clock: h.clock, h: h.e.Handler(emulator.EM)}
}

// emReq is one Enterprise Manager request.
type emReq struct {
	method, url string // url may be a path or an absolute https:// URL (it sets Host and TLS)
	basic       [2]string
	rawAuth     string
	session     string // X-RestSvcSessionId
	cookie      string // X-RestSvcSessionId cookie
	accept      string
	contentType string
	body        string
}

func (h *emHarness) do(r emReq) *resp {
	h.t.Helper()
	var hr *http.Request
	if r.body != "" {
		hr = httptest.NewRequest(r.method, r.url, strings.NewReader(r.body))
	} else {
		hr = httptest.NewRequest(r.method, r.url, nil)
	}
	if r.basic[0] != "" {
		hr.SetBasicAuth(r.basic[0], r.basic[1])
	}
	if r.rawAuth != "" {
		hr.Header.Set("Authorization", r.rawAuth)
	}
	if r.session != "" {
		hr.Header.Set("X-RestSvcSessionId", r.session)
	}
	if r.cookie != "" {
		hr.AddCookie(&http.Cookie{Name: "X-RestSvcSessionId", Value: r.cookie})
	}
	if r.accept != "" {
		hr.Header.Set("Accept", r.accept)
	}
	if r.contentType != "" {
		hr.Header.Set("Content-Type", r.contentType)
	}
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, hr)
	// Canonicalise as an HTTP client would (the emulator writes X-RestSvcSessionId verbatim).
	hdr := http.Header{}
	for k, vs := range rec.Header() {
		for _, v := range vs {
			hdr.Add(k, v)
		}
	}
	return &resp{t: h.t, Status: rec.Code, Header: hdr, Body: rec.Body.Bytes()}
}

// logon creates a session for user (password Password1) with Basic credentials and returns
// its id and document.
func (h *emHarness) logon(user string) (string, emulator.EMLogonSession) {
	h.t.Helper()
	r := h.do(emReq{method: "POST", url: "/api/sessionMngr/?v=latest", basic: [2]string{user, "Password1"}}).want(http.StatusCreated)
	return r.Header.Get("X-RestSvcSessionId"), emDecode[emulator.EMLogonSession](r)
}

func emDecode[T any](r *resp) T {
	r.t.Helper()
	var v T
	if err := xml.Unmarshal(r.Body, &v); err != nil {
		r.t.Fatalf("decode %T: %v: %s", v, err, r.Body)
	}
	return v
}

// emErr asserts an Enterprise Manager XML error with status and returns its message.
func (r *resp) emErr(status int) string {
	r.t.Helper()
	r.want(status)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
		r.t.Fatalf("error Content-Type = %q, want application/xml", ct)
	}
	var x struct {
		XMLName    xml.Name
		Message    string `xml:"Message,attr"`
		StatusCode int    `xml:"StatusCode,attr"`
		Status     string `xml:"Status,attr"`
	}
	// RestAPI.xsd: Message, StatusCode and Status are all required.
	wantStatus := map[int]string{400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed", 413: "RequestEntityTooLarge", 500: "InternalServerError", 503: "ServiceUnavailable"}[status]
	if err := xml.Unmarshal(r.Body, &x); err != nil || x.XMLName.Local != "Error" || x.XMLName.Space != emulator.EMNamespace || x.StatusCode != status || x.Message == "" || x.Status != wantStatus {
		r.t.Fatalf("bad EM error body (%v): %s", err, r.Body)
	}
	if status == http.StatusUnauthorized && r.Header.Get("WWW-Authenticate") != "Basic Realm=RestSvc" {
		r.t.Fatalf("401 without WWW-Authenticate: Basic Realm=RestSvc: %q", r.Header.Get("WWW-Authenticate"))
	}
	return x.Message
}

var (
	emSessionIDRe = regexp.MustCompile(`^[A-Za-z0-9+/]{22}==$`) // base64 of 16 bytes, like O9Msj3rq7EGUhtSMBQx+mw==
	uuidRe        = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

func TestEMRootDocument(t *testing.T) {
	h := newEMHarness(t)
	r := h.do(emReq{method: "GET", url: "https://enterprise04.tech.local:9398/api/"}).want(200)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
		t.Fatalf("Content-Type = %q", ct)
	}
	body := string(r.Body)
	for _, want := range []string{
		`<?xml version="1.0" encoding="UTF-8"?>`,
		`<EnterpriseManager xmlns="http://www.veeam.com/ent/v1.0"`,
		`xmlns:xsd="http://www.w3.org/2001/XMLSchema"`,
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`,
		`<Link Href="https://enterprise04.tech.local:9398/api/logonSessions" Type="LogonSessionList" Rel="Down"></Link>`,
		`<Link Href="https://enterprise04.tech.local:9398/api/sessionMngr/?v=latest" Type="LogonSession" Rel="Create"></Link>`,
		`<SupportedVersion Name="v1_6">`,
		`<Link Href="https://enterprise04.tech.local:9398/api/sessionMngr/?v=v1_7" Type="LogonSession" Rel="Create"></Link>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /api/ lacks %s:\n%s", want, body)
		}
	}
	doc := emDecode[emulator.EMRoot](r)
	var names []string
	for _, v := range doc.SupportedVersions {
		names = append(names, v.Name)
		if len(v.Links) != 1 || v.Links[0].Href != "https://enterprise04.tech.local:9398/api/sessionMngr/?v="+v.Name {
			t.Errorf("version %s links %+v", v.Name, v.Links)
		}
	}
	if strings.Join(names, ",") != "v1_5,v1_6,v1_7" || strings.Join(emulator.EMVersions(), ",") != "v1_5,v1_6,v1_7" {
		t.Errorf("SupportedVersions = %v", names)
	}
	// Links follow the scheme and host the client used; /api works too; JSON on request.
	r = h.do(emReq{method: "GET", url: "http://10.0.0.5:9399/api", accept: "application/json"}).want(200)
	var j struct {
		Links             []map[string]string
		SupportedVersions []struct{ Name string }
	}
	if err := json.Unmarshal(r.Body, &j); err != nil || len(j.SupportedVersions) != 3 || j.Links[0]["Href"] != "http://10.0.0.5:9399/api/logonSessions" {
		t.Errorf("JSON root (%v): %s", err, r.Body)
	}
	// No credential is needed and none is counted as a login.
	if c := h.e.Counters(emulator.EM); c.Logins != 0 || c.Endpoints["GET /api/{$}"] != 1 || c.Endpoints["GET /api"] != 1 {
		t.Errorf("counters = %+v", c)
	}
}

func TestEMLogonMatchesTheDocument(t *testing.T) {
	h := newEMHarness(t)
	r := h.do(emReq{method: "POST", url: "https://srv12.tech.local:9398/api/sessionMngr/?v=v1_7", basic: [2]string{"administrator", "Password1"}}).want(http.StatusCreated)
	id := r.Header.Get("X-RestSvcSessionId")
	if !emSessionIDRe.MatchString(id) {
		t.Fatalf("X-RestSvcSessionId = %q, want base64 of 16 random bytes", id)
	}
	// On the wire the header is spelled as in the document.
	raw := httptest.NewRecorder()
	rq := httptest.NewRequest("POST", "/api/sessionMngr/?v=latest", nil)
	rq.SetBasicAuth("administrator", "Password1")
	h.h.ServeHTTP(raw, rq)
	if rawHeader(raw.Header(), "X-RestSvcSessionId") == nil {
		t.Errorf("header names %v: want X-RestSvcSessionId spelled as documented", raw.Header())
	}
	if got := r.Header.Get("Set-Cookie"); got != "X-RestSvcSessionId="+id+"; Path=/api" {
		t.Errorf("Set-Cookie = %q", got)
	}
	doc := emDecode[emulator.EMLogonSession](r)
	if !uuidRe.MatchString(doc.SessionID) || doc.Type != "LogonSession" || doc.UserName != "administrator" ||
		doc.Href != "https://srv12.tech.local:9398/api/logonSessions/"+doc.SessionID {
		t.Fatalf("LogonSession = %+v", doc)
	}
	if r.Header.Get("Location") != doc.Href {
		t.Errorf("Location = %q", r.Header.Get("Location"))
	}
	// The document's example has 54 links: Up, the resources, Delete last.
	if n := len(doc.Links); n != 54 {
		t.Errorf("%d links, want the document's 54", n)
	}
	first, last := doc.Links[0], doc.Links[len(doc.Links)-1]
	if first != (emulator.EMLink{Rel: "Up", Type: "EnterpriseManager", Href: "https://srv12.tech.local:9398/api/"}) ||
		last != (emulator.EMLink{Rel: "Delete", Href: doc.Href}) {
		t.Errorf("first %+v, last %+v", first, last)
	}
	if !strings.Contains(string(r.Body), `<Link Rel="Down" Type="Report" Href="https://srv12.tech.local:9398/api/reports/summary" Name="Summary"></Link>`) {
		t.Errorf("no Summary report link: %s", r.Body)
	}
	// The session id (not the SessionId uuid) is the credential.
	if doc.SessionID == id {
		t.Error("the session uuid equals the credential")
	}
	// Each logon is a new session.
	id2, doc2 := h.logon("Administrator")
	if id2 == id || doc2.SessionID == doc.SessionID || doc2.UserName != "administrator" {
		t.Errorf("second logon reused the first: %s %+v", id2, doc2)
	}
	c := h.e.Counters(emulator.EM)
	if c.Logins != 3 || c.Endpoints["POST /api/sessionMngr/{$} grant=basic"] != 3 {
		t.Errorf("counters = %+v", c)
	}
}

func TestEMLogonJSON(t *testing.T) {
	h := newEMHarness(t)
	r := h.do(emReq{method: "POST", url: "/api/sessionMngr/?v=latest", basic: [2]string{"administrator", "Password1"}, accept: "application/json"}).want(201)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q", ct)
	}
	var doc struct {
		Type, Href, UserName, SessionId string
		Links                           []emulator.EMLink
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil || doc.Type != "LogonSession" || !uuidRe.MatchString(doc.SessionId) ||
		doc.UserName != "administrator" || !strings.HasSuffix(doc.Href, "/api/logonSessions/"+doc.SessionId) || len(doc.Links) != 54 {
		t.Fatalf("JSON LogonSession (%v): %s", err, r.Body)
	}
	// Errors follow Accept too.
	r = h.do(emReq{method: "POST", url: "/api/sessionMngr/?v=latest", basic: [2]string{"administrator", "nope"}, accept: "application/json"}).want(401)
	var e struct {
		Message    string
		StatusCode int
		Status     string
	}
	if json.Unmarshal(r.Body, &e) != nil || e.StatusCode != 401 || e.Message == "" || e.Status != "Unauthorized" {
		t.Errorf("JSON error: %s", r.Body)
	}
}

func TestEMLogonVersions(t *testing.T) {
	h := newEMHarness(t)
	for _, q := range []string{"?v=latest", "?v=LATEST", "?v=v1_5", "?v=v1_6", "?v=v1_7", "", "?v="} {
		h.do(emReq{method: "POST", url: "/api/sessionMngr/" + q, basic: [2]string{"administrator", "Password1"}}).want(201)
	}
	// Without the trailing slash too (no redirect for a POST).
	h.do(emReq{method: "POST", url: "/api/sessionMngr?v=latest", basic: [2]string{"administrator", "Password1"}}).want(201)
	for _, q := range []string{"?v=v1_4", "?v=v1_8", "?v=2", "?v=latest2"} {
		msg := h.do(emReq{method: "POST", url: "/api/sessionMngr/" + q, basic: [2]string{"administrator", "Password1"}}).emErr(400)
		if !strings.Contains(msg, "v1_5, v1_6, v1_7") {
			t.Errorf("%s: message %q does not name the supported versions", q, msg)
		}
	}
	// The version is checked before the credentials.
	h.do(emReq{method: "POST", url: "/api/sessionMngr/?v=v9_9"}).emErr(400)
}

func TestEMLogonRejectsBadCredentials(t *testing.T) {
	h := newEMHarness(t)
	for name, r := range map[string]emReq{
		"wrong password":      {basic: [2]string{"administrator", "wrong"}},
		"unknown user":        {basic: [2]string{"nobody", "Password1"}},
		"no header":           {},
		"bearer":              {rawAuth: "Bearer abc"},
		"not base64":          {rawAuth: "Basic !!!"},
		"no colon":            {rawAuth: "Basic " + base64.StdEncoding.EncodeToString([]byte("administrator"))},
		"tenant by basic":     {basic: [2]string{"tenant01", "Password1"}},
		"session id, no auth": {session: "O9Msj3rq7EGUhtSMBQx+mw=="},
	} {
		r.method, r.url = "POST", "/api/sessionMngr/?v=latest"
		if msg := h.do(r).emErr(401); msg == "" {
			t.Errorf("%s: no message", name)
		}
	}
	if c := h.e.Counters(emulator.EM); c.Logins != 0 || c.Status4xx != 8 {
		t.Errorf("counters = %+v", c)
	}
	// Lenient Basic parsing: scheme case, blanks, unpadded base64.
	raw := base64.RawStdEncoding.EncodeToString([]byte("administrator:Password1"))
	h.do(emReq{method: "POST", url: "/api/sessionMngr/", rawAuth: "  basic   " + raw + " "}).want(201)
	for in, want := range map[string][3]string{
		"Basic " + base64.StdEncoding.EncodeToString([]byte(`SRV12\Administrator:p:a:ss`)): {`SRV12\Administrator`, "p:a:ss", "true"},
		"Basic " + base64.StdEncoding.EncodeToString([]byte(":pw")):                        {"", "", "false"},
		"Basic":    {"", "", "false"},
		"Digest x": {"", "", "false"},
	} {
		u, p, ok := emulator.ParseEMBasic(in)
		if u != want[0] || p != want[1] || (ok != (want[2] == "true")) {
			t.Errorf("ParseEMBasic(%q) = %q %q %v", in, u, p, ok)
		}
	}
}

const tenantSpec = `<?xml version="1.0" encoding="utf-8"?>
<LoginSpec xmlns="http://www.veeam.com/ent/v1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <TenantCredentials>
   <Username>%s</Username>
   <Password>%s</Password>
 </TenantCredentials>
</LoginSpec>`

func spec(user, pw string) string {
	return strings.Replace(strings.Replace(tenantSpec, "%s", user, 1), "%s", pw, 1)
}

func TestEMTenantLogon(t *testing.T) {
	h := newEMHarness(t)
	r := h.do(emReq{method: "POST", url: "https://localhost:9398/api/sessionMngr/?v=latest", contentType: "application/xml", body: spec("tenant01", "Password1")}).want(201)
	id := r.Header.Get("X-RestSvcSessionId")
	doc := emDecode[emulator.EMLogonSession](r)
	if !emSessionIDRe.MatchString(id) || doc.UserName != "tenant01" {
		t.Fatalf("tenant logon: %q %+v", id, doc)
	}
	want := []emulator.EMLink{
		{Rel: "Up", Type: "EnterpriseManager", Href: "https://localhost:9398/api/"},
		{Rel: "Down", Type: "CloudConnectService", Href: "https://localhost:9398/api/cloud"},
		{Rel: "Delete", Type: "LogonSession", Href: doc.Href},
	}
	if len(doc.Links) != 3 || doc.Links[0] != want[0] || doc.Links[1] != want[1] || doc.Links[2] != want[2] {
		t.Errorf("tenant links = %+v", doc.Links)
	}
	// Without a namespace, as JSON, and with an Authorization header that is ignored.
	h.do(emReq{method: "POST", url: "/api/sessionMngr/", body: "<LoginSpec><TenantCredentials><Username>TENANT01</Username><Password>Password1</Password></TenantCredentials></LoginSpec>"}).want(201)
	h.do(emReq{method: "POST", url: "/api/sessionMngr/", contentType: "application/json", body: `{"TenantCredentials":{"Username":"tenant01","Password":"Password1"}}`}).want(201)
	h.do(emReq{method: "POST", url: "/api/sessionMngr/", basic: [2]string{"administrator", "Password1"}, body: spec("tenant01", "wrong")}).emErr(401)
	// Wrong password, a non-tenant account, malformed bodies.
	h.do(emReq{method: "POST", url: "/api/sessionMngr/", body: spec("tenant01", "wrong")}).emErr(401)
	h.do(emReq{method: "POST", url: "/api/sessionMngr/", body: spec("administrator", "Password1")}).emErr(401)
	for _, b := range []string{"<LoginSpec/>", "<Other><TenantCredentials/></Other>", "<LoginSpec><TenantCredentials><Username>x</Username></TenantCredentials></LoginSpec>", "not xml", `{"x":1}`, `<LoginSpec xmlns="urn:other"><TenantCredentials><Username>tenant01</Username><Password>Password1</Password></TenantCredentials></LoginSpec>`} {
		if msg := h.do(emReq{method: "POST", url: "/api/sessionMngr/", body: b}).emErr(400); !strings.Contains(msg, "LoginSpec") {
			t.Errorf("%q: message %q does not show the LoginSpec shape", b, msg)
		}
	}
	if c := h.e.Counters(emulator.EM); c.Logins != 3 || c.Endpoints["POST /api/sessionMngr/{$} grant=tenant"] != 12 {
		t.Errorf("counters = %+v", c)
	}
	// A tenant cannot list backup servers.
	h.do(emReq{method: "GET", url: "/api/backupServers", session: id}).emErr(403)
}

func TestEMLogonSessions(t *testing.T) {
	h := newEMHarness(t)
	admin, adminDoc := h.logon("administrator")
	r := h.do(emReq{method: "POST", url: "/api/sessionMngr/", body: spec("tenant01", "Password1")}).want(201)
	tenant, tenantDoc := r.Header.Get("X-RestSvcSessionId"), emDecode[emulator.EMLogonSession](r)

	// The list needs a session; an administrator sees every session, a tenant its own.
	h.do(emReq{method: "GET", url: "/api/logonSessions"}).emErr(401)
	list := emDecode[emulator.EMLogonSessionList](h.do(emReq{method: "GET", url: "/api/logonSessions", session: admin}).want(200))
	if len(list.LogonSessions) != 2 || list.LogonSessions[0].SessionID != adminDoc.SessionID || list.LogonSessions[1].SessionID != tenantDoc.SessionID {
		t.Fatalf("admin list = %+v", list)
	}
	list = emDecode[emulator.EMLogonSessionList](h.do(emReq{method: "GET", url: "/api/logonSessions", session: tenant}).want(200))
	if len(list.LogonSessions) != 1 || list.LogonSessions[0].UserName != "tenant01" {
		t.Fatalf("tenant list = %+v", list)
	}
	// One session, by id.
	got := emDecode[emulator.EMLogonSession](h.do(emReq{method: "GET", url: "/api/logonSessions/" + adminDoc.SessionID, session: admin}).want(200))
	if got.SessionID != adminDoc.SessionID || got.UserName != "administrator" {
		t.Errorf("get = %+v", got)
	}
	h.do(emReq{method: "GET", url: "/api/logonSessions/" + adminDoc.SessionID, session: tenant}).emErr(404)
	h.do(emReq{method: "GET", url: "/api/logonSessions/nope", session: admin}).emErr(404)
	h.do(emReq{method: "DELETE", url: "/api/logonSessions/" + adminDoc.SessionID, session: tenant}).emErr(404)
	// The session is also accepted from the cookie; when both are sent the
	// cookie wins and the header is ignored.
	h.do(emReq{method: "GET", url: "/api/logonSessions/" + adminDoc.SessionID, cookie: admin}).want(200)
	h.do(emReq{method: "GET", url: "/api/logonSessions/" + adminDoc.SessionID, cookie: admin, session: "not-a-session"}).want(200)
	h.do(emReq{method: "GET", url: "/api/logonSessions/" + adminDoc.SessionID, cookie: "not-a-session", session: admin}).emErr(401)
	// DELETE logs out: 204, then the id stops working.
	h.do(emReq{method: "DELETE", url: "/api/logonSessions/" + adminDoc.SessionID, session: admin}).want(204)
	if msg := h.do(emReq{method: "GET", url: "/api/backupServers", session: admin}).emErr(401); !strings.Contains(msg, "log on again") {
		t.Errorf("message after logout = %q", msg)
	}
	h.do(emReq{method: "DELETE", url: "/api/logonSessions/" + adminDoc.SessionID, session: admin}).emErr(401)
	// An administrator may end someone else's session.
	admin2, _ := h.logon("administrator")
	h.do(emReq{method: "DELETE", url: "/api/logonSessions/" + tenantDoc.SessionID, session: admin2}).want(204)
	h.do(emReq{method: "GET", url: "/api/logonSessions", session: tenant}).emErr(401)
	if c := h.e.Counters(emulator.EM); c.Logouts != 2 || c.Logins != 3 {
		t.Errorf("counters = %+v", c)
	}
	if n := len(h.e.Sessions(emulator.EM)); n != 1 {
		t.Errorf("live sessions = %d, want 1", n)
	}
	// Wrong method: 405 in the EM format.
	r = h.do(emReq{method: "PUT", url: "/api/logonSessions/" + adminDoc.SessionID, session: admin2})
	r.emErr(405)
	if r.Header.Get("Allow") != "GET, DELETE" {
		t.Errorf("Allow = %q", r.Header.Get("Allow"))
	}
	h.do(emReq{method: "GET", url: "/api/nothing/here", session: admin2}).emErr(404)
}

func TestEMSessionsExpireWhenIdle(t *testing.T) {
	h := newEMHarness(t)
	id, _ := h.logon("administrator")
	probe := func() *resp { return h.do(emReq{method: "GET", url: "/api/backupServers", session: id}) }
	// Every authenticated request restarts the 15-minute idle timeout.
	for range 4 {
		h.clock.Advance(14 * time.Minute)
		probe().want(200)
	}
	if n := len(h.e.Sessions(emulator.EM)); n != 1 {
		t.Fatalf("live sessions after 56 busy minutes = %d", n)
	}
	// GET /api/ is not authenticated and does not keep the session alive.
	h.clock.Advance(10 * time.Minute)
	h.do(emReq{method: "GET", url: "/api/", session: id}).want(200)
	h.clock.Advance(5*time.Minute + time.Second)
	if msg := probe().emErr(401); !strings.Contains(msg, "expired") {
		t.Errorf("message = %q", msg)
	}
	if n := len(h.e.Sessions(emulator.EM)); n != 0 {
		t.Errorf("live sessions = %d, want 0", n)
	}
	// The idle timeout follows Options.Lifetimes.AccessToken.
	h2 := newEMHarness(t, func(o *emulator.Options) { o.Lifetimes.AccessToken = time.Minute })
	id2, _ := h2.logon("administrator")
	h2.clock.Advance(59 * time.Second)
	h2.do(emReq{method: "GET", url: "/api/logonSessions", session: id2}).want(200)
	h2.clock.Advance(61 * time.Second)
	h2.do(emReq{method: "GET", url: "/api/logonSessions", session: id2}).emErr(401)
}

func TestEMBackupServers(t *testing.T) {
	h := newEMHarness(t)
	id, _ := h.logon("administrator")
	h.do(emReq{method: "GET", url: "/api/backupServers"}).emErr(401)
	h.do(emReq{method: "GET", url: "/api/backupServers", session: "O9Msj3rq7EGUhtSMBQx+mw=="}).emErr(401)
	r := h.do(emReq{method: "GET", url: "https://em.example.com:9398/api/backupServers", session: id}).want(200)
	refs := emDecode[emulator.EMEntityReferences](r)
	if len(refs.Refs) != 1 {
		t.Fatalf("refs = %s", r.Body)
	}
	ref := refs.Refs[0]
	if ref.Type != "BackupServerReference" || !strings.HasPrefix(ref.UID, "urn:veeam:BackupServer:") || ref.Name == "" ||
		!strings.HasPrefix(ref.Href, "https://em.example.com:9398/api/backupServers/") {
		t.Errorf("ref = %+v", ref)
	}
	ents := emDecode[emulator.EMBackupServerList](h.do(emReq{method: "GET", url: "/api/backupServers?format=Entity", session: id}).want(200))
	if len(ents.BackupServers) != 1 || ents.BackupServers[0].Port != 9392 || ents.BackupServers[0].Name != ref.Name {
		t.Errorf("entities = %+v", ents)
	}
	srvID := ref.Href[strings.LastIndexByte(ref.Href, '/')+1:]
	one := emDecode[emulator.EMBackupServer](h.do(emReq{method: "GET", url: "/api/backupServers/" + srvID, session: id}).want(200))
	if one.UID != ref.UID {
		t.Errorf("one = %+v", one)
	}
	h.do(emReq{method: "GET", url: "/api/backupServers/" + ref.UID, session: id}).want(200)
	h.do(emReq{method: "GET", url: "/api/backupServers/nope", session: id}).emErr(404)
	h.do(emReq{method: "GET", url: "/api/backupServers?format=Weird", session: id}).emErr(400)
	var j struct{ Refs []emulator.EMRef }
	r = h.do(emReq{method: "GET", url: "/api/backupServers", session: id, accept: "application/json"}).want(200)
	if json.Unmarshal(r.Body, &j) != nil || len(j.Refs) != 1 || j.Refs[0].UID != ref.UID {
		t.Errorf("JSON refs: %s", r.Body)
	}
}

// FuzzEMBasicAuth sends arbitrary Authorization headers to the logon: never
// a 5xx, and every error is a well-formed Enterprise Manager error.
func FuzzEMBasicAuth(f *testing.F) {
	for _, s := range []string{
		"Basic YWRtaW5pc3RyYXRvcjpQYXNzd29yZDE=", "Basic YWRtaW5pc3RyYXRvcjpQYXNzd29yZDE", "basic   Og==", "Basic",
		"Basic %%%", "Bearer x", "", "Basic " + base64.StdEncoding.EncodeToString([]byte("\x00:\xff")), "Basic \x00\n",
	} {
		f.Add(s)
	}
	e, err := emulator.New(emulator.Options{Clock: emulator.NewClock(t0)})
	if err != nil {
		f.Fatal(err)
	}
	h := e.Handler(emulator.EM)
	f.Fuzz(func(t *testing.T, auth string) {
		r := httptest.NewRequest("POST", "/api/sessionMngr/?v=latest", nil)
		r.Header["Authorization"] = []string{auth}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		checkEMAnswer(t, rec, auth)
		if u, p, ok := emulator.ParseEMBasic(auth); ok && u == "" {
			t.Fatalf("ParseEMBasic(%q) accepted an empty user (password %q)", auth, p)
		}
	})
}

// FuzzEMLoginSpec sends arbitrary tenant logon bodies.
func FuzzEMLoginSpec(f *testing.F) {
	for _, s := range []struct{ body, ct string }{
		{spec("tenant01", "Password1"), "application/xml"},
		{spec("tenant01", "x"), ""},
		{`{"TenantCredentials":{"Username":"tenant01","Password":"Password1"}}`, "application/json"},
		{"<LoginSpec><TenantCredentials>", "text/xml"},
		{"<!DOCTYPE x [<!ENTITY a 'b'>]><LoginSpec>&a;</LoginSpec>", ""},
		{strings.Repeat("<a>", 200), ""},
		{"\x00\xff", "application/octet-stream"},
		{"{", "application/json; charset=%%"},
	} {
		f.Add(s.body, s.ct)
	}
	e, err := emulator.New(emulator.Options{Clock: emulator.NewClock(t0)})
	if err != nil {
		f.Fatal(err)
	}
	h := e.Handler(emulator.EM)
	f.Fuzz(func(t *testing.T, body, ct string) {
		r := httptest.NewRequest("POST", "/api/sessionMngr/?v=latest", strings.NewReader(body))
		if ct != "" {
			r.Header["Content-Type"] = []string{ct}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		checkEMAnswer(t, rec, body)
	})
}

func checkEMAnswer(t *testing.T, rec *httptest.ResponseRecorder, input string) {
	t.Helper()
	switch {
	case rec.Code >= 500:
		t.Fatalf("status %d for %q: %s", rec.Code, input, rec.Body)
	case rec.Code == http.StatusCreated:
		if v := rawHeader(rec.Header(), "X-RestSvcSessionId"); len(v) != 1 || !emSessionIDRe.MatchString(v[0]) {
			t.Fatalf("201 without a session id for %q", input)
		}
	case rec.Code >= 400:
		var x struct {
			XMLName    xml.Name
			StatusCode int `xml:"StatusCode,attr"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &x); err != nil || x.XMLName.Local != "Error" || x.StatusCode != rec.Code {
			t.Fatalf("bad error body for %q: %s", input, rec.Body)
		}
	default:
		t.Fatalf("unexpected status %d for %q", rec.Code, input)
	}
}

// rawHeader returns the values stored under exactly name (no canonicalisation).
func rawHeader(h http.Header, name string) []string {
	for k, v := range h {
		if k == name {
			return v
		}
	}
	return nil
}
