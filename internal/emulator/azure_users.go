package emulator

// Backup for Microsoft Azure users and their MFA (8.1): the User, PageOfUser
// and UserMfaData wire shapes and their handlers. A PortalAdmin may act on
// every user, other roles only on themselves.

import (
	"crypto/sha1"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// AzureLink is a LinkHAL.
type AzureLink struct {
	Href string `json:"href"`
}

// AzureUser is the User schema.
type AzureUser struct {
	ID          string               `json:"id"`
	Name        string               `json:"name"`
	Description string               `json:"description"`
	Role        string               `json:"role"`
	Type        string               `json:"type"`
	MFAEnabled  bool                 `json:"mfaEnabled"`
	IsDefault   bool                 `json:"isDefault"`
	Links       map[string]AzureLink `json:"_links"`
}

// AzureUserPage is PageOfUser, the answer of GET /api/v8.1/users.
type AzureUserPage struct {
	Offset     int                  `json:"offset"`
	Limit      int                  `json:"limit"`
	TotalCount int                  `json:"totalCount"`
	Results    []AzureUser          `json:"results"`
	Links      map[string]AzureLink `json:"_links"`
}

// AzureMFAData is UserMfaData, the answer of POST users/{id}/enableMfa.
type AzureMFAData struct {
	UserID string `json:"userId"`
	MFASetup
}

// azureUserMFA is enableMfa (UserMfaData), acceptMfa and disableMfa (both
// 204) of Backup for Microsoft Azure.
var azureUserMFA = userMFA{
	product:  AZURE,
	target:   (*Emulator).azureMFATarget,
	accepted: http.StatusNoContent,
	disabled: func(*http.Request) int { return http.StatusNoContent },
	enabled: func(userName string, setup MFASetup) any {
		return AzureMFAData{UserID: azureUserID(userName), MFASetup: setup}
	},
}

// azureUserID is the id of the user called name: the specification's ids
// are opaque strings; the emulator derives a UUID from the name so that it
// stays the same across restarts (DECISIONS.md).
func azureUserID(name string) string {
	sum := sha1.Sum([]byte("azure-user:" + strings.ToLower(name)))
	return core.UUID(sum[:16])
}

// azureUserNamed returns the account whose id is id.
func (e *Emulator) azureUserNamed(id string) (UserState, bool) {
	for _, u := range e.st.Users(AZURE) {
		if strings.EqualFold(azureUserID(u.Name), id) {
			return u, true
		}
	}
	return UserState{}, false
}

// azureTarget authenticates a request about the user {id}: a PortalAdmin
// may act on everyone, other roles only on themselves.
func (e *Emulator) azureTarget(w http.ResponseWriter, r *http.Request, what string) (UserState, bool) {
	pr, ok := e.authenticate(w, r, azureAuthScheme)
	if !ok {
		return UserState{}, false
	}
	id := r.PathValue("id")
	st, found := e.azureUserNamed(id)
	if pr.Role != "PortalAdmin" && (!found || !pr.Is(st.Name)) {
		writeError(w, r, AZURE, errForbidden("only a PortalAdmin may "+what))
		return UserState{}, false
	}
	if !found {
		writeError(w, r, AZURE, errNotFound("user "+strconv.Quote(id)+" not found"))
		return UserState{}, false
	}
	return st, true
}

func (e *Emulator) azureMFATarget(w http.ResponseWriter, r *http.Request) (string, bool) {
	st, ok := e.azureTarget(w, r, "manage the MFA of other users")
	return st.Name, ok
}

func azureUserBody(r *http.Request, s UserState) AzureUser {
	href := requestBase(r) + "/api/" + r.PathValue("version") + "/users/" + azureUserID(s.Name)
	return AzureUser{
		ID: azureUserID(s.Name), Name: s.Name, Description: s.Description, Role: s.Role, Type: "Internal",
		MFAEnabled: s.MFAEnabled, IsDefault: s.IsDefault,
		Links: map[string]AzureLink{"self": {Href: href}, "enableMfa": {Href: href + "/enableMfa"},
			"acceptMfa": {Href: href + "/acceptMfa"}, "disableMfa": {Href: href + "/disableMfa"}},
	}
}

func (e *Emulator) azureGetUser(w http.ResponseWriter, r *http.Request) {
	st, ok := e.azureTarget(w, r, "read other users")
	if ok {
		writeJSON(w, http.StatusOK, azureUserBody(r, st))
	}
}

// azureListUsers is GET /api/v8.1/users: NameFilter (one user by name),
// Offset and Limit (-1: all).
func (e *Emulator) azureListUsers(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.authenticate(w, r, azureAuthScheme)
	if !ok {
		return
	}
	if pr.Role != "PortalAdmin" {
		writeError(w, r, AZURE, errForbidden("only a PortalAdmin may list users"))
		return
	}
	q := r.URL.Query()
	offset, err1 := queryInt(q, "Offset")
	limit, err2 := queryInt(q, "Limit")
	if q.Get("Limit") == "-1" {
		limit, err2 = -1, nil
	}
	if err1 != nil || err2 != nil {
		writeError(w, r, AZURE, errBadRequest("Offset must be a non-negative integer and Limit -1 (all) or a non-negative integer"))
		return
	}
	users := e.st.Users(AZURE)
	if f := q.Get("NameFilter"); f != "" {
		users = slices.DeleteFunc(users, func(u UserState) bool { return !strings.EqualFold(u.Name, f) })
	}
	slices.SortStableFunc(users, func(a, b UserState) int { return core.CompareNames(a.Name, b.Name) })
	page := AzureUserPage{Offset: max(offset, 0), Limit: limit, TotalCount: len(users), Results: []AzureUser{},
		Links: map[string]AzureLink{"self": {Href: requestBase(r) + r.URL.Path + queryPart(r.URL)}}}
	users = users[min(max(offset, 0), len(users)):]
	if limit >= 0 {
		users = users[:min(limit, len(users))]
	}
	for _, u := range users {
		page.Results = append(page.Results, azureUserBody(r, u))
	}
	writeJSON(w, http.StatusOK, page)
}

// queryPart is "?query" of u, or "".
func queryPart(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	return "?" + u.RawQuery
}
