package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// EM is Veeam Backup Enterprise Manager.
const EM Product = "em"

// Veeam Backup Enterprise Manager: a logon session. Login discovers the API versions the server
// offers (GET /api/, no credential), picks one, and POSTs /api/sessionMngr/?v=… with Basic
// authentication (or, for a tenant, a LoginSpec body). The session id comes back in the
// X-RestSvcSessionId header and travels in that header on every later request; logout DELETEs
// the session's Href. There is no refresh.
//
// The server ends a session after 15 minutes without requests, and every request restarts that
// timeout. The token's Expiry is set once, to login + 15 minutes, so the lifecycle logs in again
// a minute before then even when the session was used meanwhile: a little early, never late. A
// session that ends sooner (logged out elsewhere, server restarted) answers 401, and the
// lifecycle logs in again and resends the call once.

const (
	// EMSessionHeader carries the logon session id.
	EMSessionHeader = "X-RestSvcSessionId"
	// EMIdleTimeout is how long an Enterprise Manager session lives without requests.
	EMIdleTimeout = 15 * time.Minute
	// EMLatest asks the server for its newest API version without checking it first.
	EMLatest = "latest"

	emXML = "application/xml"
)

// EMKnownVersions are the Enterprise Manager API versions this client speaks, oldest first.
var EMKnownVersions = []string{"v1_5", "v1_6", "v1_7"}

// EMFlavor describes Enterprise Manager to the lifecycle.
var EMFlavor = registered(&Flavor{
	Product:          EM,
	Title:            "Veeam Backup Enterprise Manager",
	DefaultPort:      9398,
	VersionHeader:    "", // the version is the ?v= of the logon
	DefaultVersion:   "", // "": the newest version both sides know
	CredentialHeader: EMSessionHeader,
	CredentialPrefix: "",
	DecodeError:      decodeEMError,
	CheckCredentials: requirePassword,
	Login:            emLogin,
	Refresh:          nil,
	Logout:           emLogout,
})

// emLogonSession is the LogonSession document (XML; JSON uses the same names).
type emLogonSession struct {
	Href      string `xml:"Href,attr" json:"Href"`
	UserName  string `xml:"UserName" json:"UserName"`
	SessionID string `xml:"SessionId" json:"SessionId"`
}

// emLoginSpec is the body of a tenant logon.
type emLoginSpec struct {
	XMLName  xml.Name `xml:"http://www.veeam.com/ent/v1.0 LoginSpec"`
	Username string   `xml:"TenantCredentials>Username"`
	Password string   `xml:"TenantCredentials>Password"`
}

func emLogin(ctx context.Context, s *Session) (*Token, error) {
	c := s.cfg.Credentials
	version, err := emChooseVersion(ctx, s)
	if err != nil {
		return nil, err
	}
	req := Request{
		Method:    http.MethodPost,
		Path:      "/api/sessionMngr/",
		Query:     url.Values{"v": {version}},
		Accept:    emXML,
		RetrySafe: true, // a repeated logon opens a second session at worst; it ends after 15 idle minutes
	}
	if c.Tenant {
		body, err := xml.Marshal(emLoginSpec{Username: c.Username, Password: c.Password})
		if err != nil {
			return nil, err
		}
		req.Body, req.ContentType = body, emXML
	} else {
		req.Header = http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(c.Username+":"+c.Password))}}
	}
	resp, err := s.Send(ctx, req, nil)
	if err != nil {
		return nil, err
	}
	id := strings.TrimSpace(resp.Header.Get(EMSessionHeader))
	if id == "" {
		return nil, fmt.Errorf("%s: POST /api/sessionMngr/ answered %d without an %s header", EM.Title(), resp.Status, EMSessionHeader)
	}
	t := &Token{AccessToken: id, Expiry: s.Now().Add(EMIdleTimeout), Username: c.Username}
	var doc emLogonSession
	if decodeEMBody(resp, &doc) == nil {
		if doc.UserName != "" {
			t.Username = doc.UserName
		}
		t.SessionHref = doc.Href
		if t.SessionHref == "" && doc.SessionID != "" {
			t.SessionHref = "/api/logonSessions/" + url.PathEscape(doc.SessionID)
		}
	}
	tflog.Debug(ctx, "Enterprise Manager logon session created", map[string]any{"api_version": version, "tenant": c.Tenant})
	return t, nil
}

// emChooseVersion is the ?v= of the logon: Config.APIVersion when the server offers it
// ("latest" is sent as is), else the newest version both the server and this client know.
func emChooseVersion(ctx context.Context, s *Session) (string, error) {
	want := strings.TrimSpace(s.cfg.APIVersion)
	if strings.EqualFold(want, EMLatest) {
		return EMLatest, nil
	}
	info, err := emAPIInfo(ctx, s)
	if err != nil {
		return "", err
	}
	offered := strings.Join(info.SupportedVersions, ", ")
	if want != "" {
		for _, v := range info.SupportedVersions {
			if strings.EqualFold(v, want) {
				return v, nil
			}
		}
		return "", &ConfigError{Field: FieldAPIVersion, Reason: ReasonUnsupported, Detail: fmt.Sprintf("%q is not offered by %s at %s, which supports %s (or %q, the newest)",
			want, EM.Title(), s.baseURL.Host, offered, EMLatest)}
	}
	for _, v := range slices.Backward(EMKnownVersions) {
		for _, o := range info.SupportedVersions {
			if strings.EqualFold(o, v) {
				return o, nil
			}
		}
	}
	return "", &ConfigError{Field: FieldAPIVersion, Reason: ReasonUnsupported, Detail: fmt.Sprintf("%s at %s supports API versions %s, and this provider knows %s: none match; one of the server's versions (or %q) may work anyway",
		EM.Title(), s.baseURL.Host, offered, strings.Join(EMKnownVersions, ", "), EMLatest)}
}

// emLogout deletes the logon session. A session that is already gone (401, 404) counts as
// logged out.
func emLogout(ctx context.Context, s *Session, t *Token) error {
	p, err := emSessionPath(s, t.SessionHref)
	if err != nil {
		return err
	}
	_, err = s.Send(ctx, Request{Method: http.MethodDelete, Path: p, Accept: emXML}, t)
	var apiErr *APIError
	if errors.As(err, &apiErr) && (apiErr.Status == http.StatusUnauthorized || apiErr.Status == http.StatusNotFound) {
		return nil
	}
	return err
}

// emSessionPath turns a LogonSession Href into a path under the session's base URL. Only
// /logonSessions/ paths are accepted, so a strange answer cannot aim the DELETE elsewhere.
func emSessionPath(s *Session, href string) (string, error) {
	if href == "" {
		return "", fmt.Errorf("%s: the logon session has no Href to DELETE; it ends by itself after %s without requests", EM.Title(), EMIdleTimeout)
	}
	u, err := url.Parse(href)
	if err != nil || !strings.Contains(u.Path, "/logonSessions/") {
		return "", fmt.Errorf("%s: %q is not a logon session URL; the session ends by itself after %s without requests", EM.Title(), href, EMIdleTimeout)
	}
	p := u.EscapedPath()
	if base := s.baseURL.Path; base != "" && strings.HasPrefix(p, base+"/") {
		p = strings.TrimPrefix(p, base)
	}
	return p, nil // escaped, as Request.Path wants it
}

// decodeEMError reads Enterprise Manager's error body: <Error Message="…" StatusCode="…"/>
// (also with the message as a child element), or {"Message": …} as JSON. It has no code.
func decodeEMError(_ int, _ string, body []byte) (string, string) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return "", ""
	}
	if b[0] == '{' {
		var e struct {
			Message string `json:"Message"`
		}
		if json.Unmarshal(b, &e) == nil && e.Message != "" {
			return "", e.Message
		}
		return "", truncate(string(b), 200)
	}
	var e struct {
		XMLName xml.Name
		Attr    string `xml:"Message,attr"`
		Elem    string `xml:"Message"`
	}
	if xml.Unmarshal(b, &e) == nil && e.XMLName.Local == "Error" {
		if e.Attr != "" {
			return "", e.Attr
		}
		return "", strings.TrimSpace(e.Elem)
	}
	return "", truncate(string(b), 200)
}

// decodeEMBody decodes an XML (or, when the server chose it, JSON) answer into out.
func decodeEMBody(resp *Response, out any) error {
	b := bytes.TrimSpace(resp.Body)
	if len(b) == 0 {
		return fmt.Errorf("empty response body, expected XML")
	}
	if strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "json") || b[0] == '{' {
		return resp.Decode(out)
	}
	if err := xml.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decoding response: %w", err)
	}
	return nil
}

// EMClient is the typed Enterprise Manager API over one Session.
type EMClient struct{ *Session }

// NewEM opens (lazily) an Enterprise Manager session.
func NewEM(cfg Config) (*EMClient, error) {
	return newClient[EMClient](EMFlavor, cfg)
}

// get reads the document at path (GET, XML asked for) into doc.
func (c *EMClient) get(ctx context.Context, path string, doc any) error {
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: path, Accept: emXML})
	if err != nil {
		return err
	}
	if err := decodeEMBody(resp, doc); err != nil {
		return fmt.Errorf("%s: GET %s: %w", EM.Title(), path, err)
	}
	return nil
}

// EMAPIInfo is what GET /api/ says about the server.
type EMAPIInfo struct {
	// SupportedVersions are the API versions the server offers, in its order.
	SupportedVersions []string
	// Latest is the newest of them (by version number).
	Latest string
}

// APIInfo reads the server's supported API versions. It needs no credential and does not log in.
func (c *EMClient) APIInfo(ctx context.Context) (*EMAPIInfo, error) { return emAPIInfo(ctx, c.Session) }

func emAPIInfo(ctx context.Context, s *Session) (*EMAPIInfo, error) {
	resp, err := s.Send(ctx, Request{Method: http.MethodGet, Path: "/api/", Accept: emXML}, nil)
	if err != nil {
		return nil, err
	}
	var doc struct {
		XMLName  xml.Name
		Versions []struct {
			Name string `xml:"Name,attr" json:"Name"`
		} `xml:"SupportedVersions>SupportedVersion" json:"SupportedVersions"`
	}
	if err := decodeEMBody(resp, &doc); err != nil {
		return nil, fmt.Errorf("%s: GET /api/: %w", EM.Title(), err)
	}
	if doc.XMLName.Local != "" && doc.XMLName.Local != "EnterpriseManager" {
		return nil, fmt.Errorf("%s at %s: GET /api/ answered <%s>, not <EnterpriseManager>: is host an Enterprise Manager REST API (default port 9398)?", EM.Title(), s.baseURL.Host, doc.XMLName.Local)
	}
	info := &EMAPIInfo{}
	for _, v := range doc.Versions {
		if n := strings.TrimSpace(v.Name); n != "" {
			info.SupportedVersions = append(info.SupportedVersions, n)
		}
	}
	if len(info.SupportedVersions) == 0 {
		return nil, fmt.Errorf("%s at %s: GET /api/ lists no SupportedVersion: is host an Enterprise Manager REST API (default port 9398)?", EM.Title(), s.baseURL.Host)
	}
	info.Latest = slices.MaxFunc(info.SupportedVersions, compareEMVersions)
	return info, nil
}

// compareEMVersions orders "v1_5" < "v1_10" by number; other spellings sort before, by text.
func compareEMVersions(a, b string) int {
	pa, oka := parseEMVersion(a)
	pb, okb := parseEMVersion(b)
	switch {
	case oka && okb:
		return slices.Compare(pa, pb)
	case oka:
		return 1
	case okb:
		return -1
	}
	return strings.Compare(a, b)
}

func parseEMVersion(v string) ([]int, bool) {
	rest, ok := strings.CutPrefix(strings.ToLower(v), "v")
	if !ok {
		return nil, false
	}
	var out []int
	for _, part := range strings.Split(rest, "_") {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// EMLogonSession is one logon session the server reports.
type EMLogonSession struct {
	SessionID string // the session's uuid (not its X-RestSvcSessionId)
	UserName  string
	Href      string
}

// LogonSessions lists the logon sessions this session may see (all of them for an
// administrator, its own for a tenant).
func (c *EMClient) LogonSessions(ctx context.Context) ([]EMLogonSession, error) {
	var doc struct {
		Sessions []emLogonSession `xml:"LogonSession" json:"LogonSessions"`
	}
	if err := c.get(ctx, "/api/logonSessions", &doc); err != nil {
		return nil, err
	}
	out := make([]EMLogonSession, 0, len(doc.Sessions))
	for _, s := range doc.Sessions {
		out = append(out, EMLogonSession{SessionID: s.SessionID, UserName: s.UserName, Href: s.Href})
	}
	return out, nil
}

// EMBackupServer is a backup server reference.
type EMBackupServer struct {
	UID  string `xml:"UID,attr" json:"UID"`
	Name string `xml:"Name,attr" json:"Name"`
	Href string `xml:"Href,attr" json:"Href"`
}

// BackupServers lists the backup servers Enterprise Manager manages (GET /api/backupServers).
func (c *EMClient) BackupServers(ctx context.Context) ([]EMBackupServer, error) {
	var doc struct {
		Refs []EMBackupServer `xml:"Ref" json:"Refs"`
	}
	if err := c.get(ctx, "/api/backupServers", &doc); err != nil {
		return nil, err
	}
	if doc.Refs == nil {
		doc.Refs = []EMBackupServer{}
	}
	return doc.Refs, nil
}
