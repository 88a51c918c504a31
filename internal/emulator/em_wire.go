package emulator

// Enterprise Manager wire shapes: the XML (or JSON) documents it answers,
// the fixed backup server, and the logon credentials it reads (Basic and
// LoginSpec).

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"mime"
	"strings"
)

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
