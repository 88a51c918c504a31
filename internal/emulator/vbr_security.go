package emulator

// Backup & Replication's Users and Roles area (REST API 1.3-rev1 and later):
// GET /api/v1/security/users (+ /{id}), the global security settings,
// resetMFA and changeServiceAccountMode. Every one is Backup Administrator
// only. Shapes follow the 1.3-rev1 and 1.3-rev2 specifications; choices
// they leave open are in DECISIONS.md.

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// vbrSecurityRevision is the revision that added Users and Roles, and
// vbrMFAFieldRevision the one that added mfaEnabled to UserModel (with its
// MfaEnabled order column and mfaEnabledFilter).
const (
	vbrSecurityRevision = "1.3-rev1"
	vbrMFAFieldRevision = "1.3-rev2"
)

// vbrDefaultUserLimit is the page size of GET /api/v1/security/users when
// the request sets no limit (the specification's default).
const vbrDefaultUserLimit = 200

// VBRRoleAdministrator is the Backup & Replication role that may use the
// Users and Roles area.
const VBRRoleAdministrator = "Veeam Backup Administrator"

// vbrFlagMFA is the store flag that holds the global MFA setting.
const vbrFlagMFA = "mfaEnabled"

// VBRRole is a RoleModel: a role a user holds. IsBuiltIn exists from
// 1.3-rev2 (nil before).
type VBRRole struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	IsBuiltIn   *bool  `json:"isBuiltIn,omitempty"`
}

// VBRSecurityUser is a UserModel. Type is InternalUser, InternalGroup,
// ExternalUser or ExternalGroup; MFAEnabled exists from 1.3-rev2 (nil
// before).
type VBRSecurityUser struct {
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	Type             string    `json:"type"`
	Roles            []VBRRole `json:"roles"`
	IsServiceAccount bool      `json:"isServiceAccount"`
	MFAEnabled       *bool     `json:"mfaEnabled,omitempty"`
}

// VBRPagination is a PaginationResult.
type VBRPagination struct {
	Total int `json:"total"`
	Count int `json:"count"`
	Skip  int `json:"skip"`
	Limit int `json:"limit"`
}

// VBRSecurityUsers is a UsersResult, the answer of GET /api/v1/security/users.
type VBRSecurityUsers struct {
	Data       []VBRSecurityUser `json:"data"`
	Pagination VBRPagination     `json:"pagination"`
}

// VBRSecuritySettings is a UserRoleSettingsModel, the body of GET and PUT
// /api/v1/security/settings.
type VBRSecuritySettings struct {
	MFAEnabled bool `json:"mfaEnabled"`
}

// vbrBuiltInRoles are the built-in roles and their descriptions (the
// administrator's is the specification's example; the others are ours).
var vbrBuiltInRoles = map[string]string{
	VBRRoleAdministrator:           "Built-in role with full privileges",
	"Veeam Backup Operator":        "Built-in role that can start and stop jobs",
	"Veeam Restore Operator":       "Built-in role that can restore data",
	"Veeam Backup Viewer":          "Built-in role with read-only access",
	"Veeam Tape Operator":          "Built-in role that can manage tapes",
	"Veeam Security Administrator": "Built-in role that manages security settings",
}

func (e *Emulator) vbrSecurityRoutes(rt *router) {
	since := func(h http.HandlerFunc) http.HandlerFunc { return e.vbrSince(vbrSecurityRevision, h) }
	rt.handle("GET", "/api/v1/security/users", since(e.vbrListUsers))
	rt.handle("GET", "/api/v1/security/users/{id}", since(e.vbrGetUser))
	rt.handle("POST", "/api/v1/security/users/{id}/resetMFA", since(e.vbrResetMFA))
	rt.handle("POST", "/api/v1/security/users/{id}/changeServiceAccountMode", since(e.vbrChangeServiceAccountMode))
	rt.handle("GET", "/api/v1/security/settings", since(e.vbrGetSettings))
	rt.handle("PUT", "/api/v1/security/settings", since(e.vbrPutSettings))
}

// vbrAdmin authenticates the request and requires the administrator role
// (every operation of the area is "Available to: Backup Administrator").
func (e *Emulator) vbrAdmin(w http.ResponseWriter, r *http.Request, what string) bool {
	pr, ok := e.vbrAuth(w, r)
	if !ok {
		return false
	}
	if pr.Role != VBRRoleAdministrator {
		drain(r)
		writeError(w, r, VBR, errForbidden(fmt.Sprintf("only a user with the %s role may %s; %q has the %s role", VBRRoleAdministrator, what, pr.UserName, pr.Role)))
		return false
	}
	return true
}

// vbrUserID is the stable id of a user: a UUID (version 4 layout) derived
// from the product and the case-folded name, so it survives restarts with
// Options.StatePath.
func vbrUserID(name string) string {
	sum := sha256.Sum256([]byte("vbr-user\x00" + core.UserKey(name)))
	return core.UUID(sum[:])
}

// VBRUserID returns the id GET /api/v1/security/users reports for the user
// called name.
func VBRUserID(name string) string { return vbrUserID(name) }

// VBRRoleID returns the id of the role called name.
func VBRRoleID(name string) string {
	sum := sha256.Sum256([]byte("vbr-role\x00" + strings.ToLower(name)))
	return core.UUID(sum[:])
}

// vbrUserBody is s as UserModel of the request's revision.
func vbrUserBody(r *http.Request, s UserState) VBRSecurityUser {
	role := VBRRole{ID: VBRRoleID(s.Role), Name: s.Role, Description: vbrBuiltInRoles[s.Role]}
	u := VBRSecurityUser{ID: vbrUserID(s.Name), Name: s.Name, Type: "InternalUser", Roles: []VBRRole{role}, IsServiceAccount: s.ServiceAccount}
	if revisionAtLeast(r, vbrMFAFieldRevision) {
		_, builtIn := vbrBuiltInRoles[s.Role]
		mfa := s.MFAEnabled
		u.Roles[0].IsBuiltIn, u.MFAEnabled = &builtIn, &mfa
	}
	return u
}

// vbrUserByID returns the user whose id is id (case-insensitive).
func (e *Emulator) vbrUserByID(id string) (UserState, bool) {
	for _, u := range e.st.Users(VBR) {
		if strings.EqualFold(vbrUserID(u.Name), id) {
			return u, true
		}
	}
	return UserState{}, false
}

// vbrUserNotFound is the 404 of an unknown user id, with resourceId.
func vbrUserNotFound(w http.ResponseWriter, id string) {
	writeJSON(w, http.StatusNotFound, VBRError{ErrorCode: string(CodeNotFound), Message: fmt.Sprintf("there is no user with id %q", id), ResourceID: id})
}

// vbrUserOrder are the orderColumn values and what they sort by.
var vbrUserOrder = map[string]func(a, b UserState) int{
	"name":             func(a, b UserState) int { return core.CompareNames(a.Name, b.Name) },
	"type":             func(a, b UserState) int { return 0 }, // every user is an InternalUser
	"isserviceaccount": func(a, b UserState) int { return boolCmp(a.ServiceAccount, b.ServiceAccount) },
	"mfaenabled":       func(a, b UserState) int { return boolCmp(a.MFAEnabled, b.MFAEnabled) },
}

func (e *Emulator) vbrListUsers(w http.ResponseWriter, r *http.Request) {
	if !e.vbrAdmin(w, r, "list users") {
		return
	}
	q := r.URL.Query()
	skip, err1 := queryInt(q, "skip")
	limit, err2 := queryInt(q, "limit")
	if err1 != nil || err2 != nil {
		writeError(w, r, VBR, errBadRequest("skip and limit must be non-negative integers"))
		return
	}
	skip = max(skip, 0)
	if limit < 0 {
		limit = vbrDefaultUserLimit
	}
	users, aerr := vbrFilterUsers(r, q, e.st.Users(VBR)) // name order
	if aerr != nil {
		writeError(w, r, VBR, aerr)
		return
	}
	page := VBRSecurityUsers{Data: []VBRSecurityUser{}, Pagination: VBRPagination{Total: len(users), Skip: skip, Limit: limit}}
	users = users[min(skip, len(users)):]
	users = users[:min(limit, len(users))]
	for _, u := range users {
		page.Data = append(page.Data, vbrUserBody(r, u))
	}
	page.Pagination.Count = len(page.Data)
	writeJSON(w, http.StatusOK, page)
}

// vbrFilterUsers applies the listing's filters and order (orderColumn,
// orderAsc, nameFilter, typeFilter, roleIdFilter, roleNameFilter,
// isServiceAccountFilter and, from 1.3-rev2, mfaEnabledFilter).
func vbrFilterUsers(r *http.Request, q url.Values, users []UserState) ([]UserState, *apiError) {
	rev2 := revisionAtLeast(r, vbrMFAFieldRevision)
	columns := "Name, Type, IsServiceAccount"
	if rev2 {
		columns += ", MfaEnabled"
	}
	order := vbrUserOrder["name"]
	if c := q.Get("orderColumn"); c != "" {
		order = vbrUserOrder[strings.ToLower(c)]
		if order == nil || (!rev2 && strings.EqualFold(c, "MfaEnabled")) {
			return nil, errBadRequest(fmt.Sprintf("unsupported orderColumn %q; supported: %s", c, columns))
		}
	}
	keep := []func(UserState) bool{}
	if f := strings.ToLower(strings.ReplaceAll(q.Get("nameFilter"), "*", "")); f != "" {
		// "*" is the wildcard of Backup & Replication's filters; the match
		// is a case-insensitive substring either way.
		keep = append(keep, func(u UserState) bool { return strings.Contains(strings.ToLower(u.Name), f) })
	}
	if types := q["typeFilter"]; len(types) > 0 {
		keep = append(keep, func(UserState) bool { return slices.ContainsFunc(types, isInternalUserType) })
	}
	if id := q.Get("roleIdFilter"); id != "" {
		keep = append(keep, func(u UserState) bool { return strings.EqualFold(VBRRoleID(u.Role), id) })
	}
	if n := q.Get("roleNameFilter"); n != "" {
		keep = append(keep, func(u UserState) bool { return strings.EqualFold(u.Role, n) })
	}
	bools := map[string]func(UserState) bool{"isServiceAccountFilter": func(u UserState) bool { return u.ServiceAccount }}
	if rev2 {
		bools["mfaEnabledFilter"] = func(u UserState) bool { return u.MFAEnabled }
	}
	for name, field := range bools {
		if v := q.Get(name); v != "" {
			want, err := strconv.ParseBool(v)
			if err != nil {
				return nil, errBadRequest(name + " must be true or false")
			}
			keep = append(keep, func(u UserState) bool { return field(u) == want })
		}
	}
	asc := true
	if v := q.Get("orderAsc"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, errBadRequest("orderAsc must be true or false")
		}
		asc = b
	}
	users = slices.DeleteFunc(users, func(u UserState) bool {
		return slices.ContainsFunc(keep, func(k func(UserState) bool) bool { return !k(u) })
	})
	slices.SortStableFunc(users, order)
	if !asc {
		slices.Reverse(users)
	}
	return users, nil
}

// isInternalUserType reports whether a typeFilter value (a comma-separated
// list is split too) names InternalUser, the type of every emulated user.
func isInternalUserType(v string) bool {
	return slices.ContainsFunc(strings.Split(v, ","), func(t string) bool { return strings.EqualFold(strings.TrimSpace(t), "InternalUser") })
}

func (e *Emulator) vbrGetUser(w http.ResponseWriter, r *http.Request) {
	if !e.vbrAdmin(w, r, "read users") {
		return
	}
	u, ok := e.vbrUserByID(r.PathValue("id"))
	if !ok {
		vbrUserNotFound(w, r.PathValue("id"))
		return
	}
	writeJSON(w, http.StatusOK, vbrUserBody(r, u))
}

func (e *Emulator) vbrResetMFA(w http.ResponseWriter, r *http.Request) {
	if !e.vbrAdmin(w, r, "reset the MFA of users") {
		return
	}
	drain(r)
	u, ok := e.vbrUserByID(r.PathValue("id"))
	if !ok || e.st.DisableMFA(VBR, u.Name) != nil {
		vbrUserNotFound(w, r.PathValue("id"))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// vbrChangeServiceAccountMode is POST …/users/{id}/changeServiceAccountMode
// {isServiceAccountEnable} → 200 UserModel; turning it on turns the user's
// MFA off (the 1.3-rev2 description).
func (e *Emulator) vbrChangeServiceAccountMode(w http.ResponseWriter, r *http.Request) {
	if !e.vbrAdmin(w, r, "change the service account mode of users") {
		return
	}
	var body struct {
		On json.RawMessage `json:"isServiceAccountEnable"`
	}
	if aerr := readJSON(r, &body, false); aerr != nil {
		writeError(w, r, VBR, aerr)
		return
	}
	on, ok := jsonBool(body.On)
	if !ok {
		writeError(w, r, VBR, errBadRequest("isServiceAccountEnable is required and must be true or false"))
		return
	}
	u, found := e.vbrUserByID(r.PathValue("id"))
	if !found || e.st.SetServiceAccount(VBR, u.Name, on) != nil {
		vbrUserNotFound(w, r.PathValue("id"))
		return
	}
	u, _ = e.st.User(VBR, u.Name)
	writeJSON(w, http.StatusOK, vbrUserBody(r, u))
}

func (e *Emulator) vbrGetSettings(w http.ResponseWriter, r *http.Request) {
	if !e.vbrAdmin(w, r, "read security settings") {
		return
	}
	writeJSON(w, http.StatusOK, VBRSecuritySettings{MFAEnabled: e.VBRMFAEnabled()})
}

func (e *Emulator) vbrPutSettings(w http.ResponseWriter, r *http.Request) {
	if !e.vbrAdmin(w, r, "change security settings") {
		return
	}
	var body struct {
		MFAEnabled json.RawMessage `json:"mfaEnabled"`
	}
	if aerr := readJSON(r, &body, false); aerr != nil {
		writeError(w, r, VBR, aerr)
		return
	}
	on, ok := jsonBool(body.MFAEnabled)
	if !ok {
		writeError(w, r, VBR, errBadRequest("mfaEnabled is required and must be true or false"))
		return
	}
	e.st.SetFlag(VBR, vbrFlagMFA, on)
	writeJSON(w, http.StatusOK, VBRSecuritySettings{MFAEnabled: on})
}

// jsonBool reads a required JSON boolean (missing, null or another type:
// false).
func jsonBool(raw json.RawMessage) (v, ok bool) {
	if s := strings.TrimSpace(string(raw)); s == "" || s == "null" {
		return false, false
	}
	return v, json.Unmarshal(raw, &v) == nil
}

// VBRMFAEnabled reports Backup & Replication's global MFA setting.
func (e *Emulator) VBRMFAEnabled() bool { return e.st.Flag(VBR, vbrFlagMFA) }
