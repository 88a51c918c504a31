package emulator

// Backup for AWS users and their MFA: the handlers call the core's account
// and MFA verbs and render the answers.

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// ---- users ----

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
	UserName string `json:"userName"`
	MFASetup
}

// awsAdmin authenticates a request only a Portal Administrator may make
// (what it does, for the error).
func (e *Emulator) awsAdmin(w http.ResponseWriter, r *http.Request, what string) (Principal, bool) {
	pr, ok := e.awsAuth(w, r)
	if ok && pr.Role != RolePortalAdministrator {
		writeError(w, r, AWS, errForbidden("only a Portal Administrator may "+what))
		return Principal{}, false
	}
	return pr, ok
}

// awsTarget authenticates a request about the user {userId}: Portal
// Administrators may manage everyone, other roles only themselves.
func (e *Emulator) awsTarget(w http.ResponseWriter, r *http.Request, what string) (Principal, string, bool) {
	pr, ok := e.awsAuth(w, r)
	if !ok {
		return Principal{}, "", false
	}
	name := r.PathValue("userId")
	if pr.Role != RolePortalAdministrator && !pr.Is(name) {
		writeError(w, r, AWS, errForbidden("only a Portal Administrator may "+what))
		return Principal{}, "", false
	}
	return pr, name, true
}

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

// awsUserSorts are the Sort values of GET /api/v1/users (the 1.0-rev0
// specification's eight), without their Asc/Desc suffix, lower case.
var awsUserSorts = map[string]func(a, b UserState) int{
	"name": func(a, b UserState) int { return core.CompareNames(a.Name, b.Name) },
	"description": func(a, b UserState) int {
		return strings.Compare(strings.ToLower(a.Description), strings.ToLower(b.Description))
	},
	"isdefault":  func(a, b UserState) int { return boolCmp(a.IsDefault, b.IsDefault) },
	"mfaenabled": func(a, b UserState) int { return boolCmp(a.MFAEnabled, b.MFAEnabled) },
}

// awsUserOrder is the order the Sort parameters ask for (repeatable: the
// first decides, later ones break ties, the name breaks the rest).
func awsUserOrder(sorts []string) (func(a, b UserState) int, *apiError) {
	var keys []func(a, b UserState) int
	for _, v := range sorts {
		lv := strings.ToLower(strings.TrimSpace(v))
		base, desc := strings.CutSuffix(lv, "desc")
		if !desc {
			base = strings.TrimSuffix(lv, "asc")
		}
		cmpFn, ok := awsUserSorts[base]
		if !ok || base == lv {
			return nil, errBadRequest(fmt.Sprintf("unsupported Sort %q; use nameAsc, nameDesc, descriptionAsc, descriptionDesc, isDefaultAsc, isDefaultDesc, mfaEnabledAsc or mfaEnabledDesc", v))
		}
		if desc {
			keys = append(keys, func(a, b UserState) int { return cmpFn(b, a) })
		} else {
			keys = append(keys, cmpFn)
		}
	}
	keys = append(keys, awsUserSorts["name"])
	return func(a, b UserState) int {
		for _, k := range keys {
			if c := k(a, b); c != 0 {
				return c
			}
		}
		return 0
	}, nil
}

func (e *Emulator) awsListUsers(w http.ResponseWriter, r *http.Request) {
	if _, ok := e.awsAdmin(w, r, "list users"); !ok {
		return
	}
	q := r.URL.Query()
	offset, err1 := queryInt(q, "Offset")
	limit, err2 := queryInt(q, "Limit")
	if q.Get("Limit") == "-1" { // the specification's minimum: every user
		limit, err2 = -1, nil
	}
	if err1 != nil || err2 != nil {
		writeError(w, r, AWS, errBadRequest("Offset must be a non-negative integer and Limit -1 (all) or a non-negative integer"))
		return
	}
	order, aerr := awsUserOrder(q["Sort"])
	if aerr != nil {
		writeError(w, r, AWS, aerr)
		return
	}
	users := e.st.Users(AWS)
	if pat := strings.ToLower(q.Get("SearchPattern")); pat != "" {
		users = slices.DeleteFunc(users, func(u UserState) bool {
			return !strings.Contains(strings.ToLower(u.Name), pat)
		})
	}
	slices.SortStableFunc(users, order)
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
	_, name, ok := e.awsTarget(w, r, "read other users")
	if !ok {
		return
	}
	st, ok := e.st.User(AWS, name)
	if !ok {
		writeError(w, r, AWS, errNotFound(fmt.Sprintf("user %q not found", name)))
		return
	}
	writeJSON(w, http.StatusOK, awsUserBody(st))
}

func (e *Emulator) awsCreateUser(w http.ResponseWriter, r *http.Request) {
	if _, ok := e.awsAdmin(w, r, "create users"); !ok {
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
	if !core.ValidAWSRole(role) {
		writeError(w, r, AWS, errBadRequest("role must be Portal Administrator, Portal Operator or Restore Operator"))
		return
	}
	su := SeedUser{Name: body.Name, Description: body.Description, Password: body.Password, Role: role}
	err := e.st.AddUser(AWS, su)
	if errors.Is(err, core.ErrUserExists) {
		writeError(w, r, AWS, errConflict(fmt.Sprintf("user %q already exists", body.Name)))
		return
	}
	st, _ := e.st.User(AWS, body.Name)
	w.Header().Set("Location", "/api/v1/users/"+url.PathEscape(st.Name))
	writeJSON(w, http.StatusCreated, awsUserBody(st))
}

func (e *Emulator) awsUpdateUser(w http.ResponseWriter, r *http.Request) {
	pr, name, ok := e.awsTarget(w, r, "change other users")
	if !ok {
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
	err := e.st.UpdateUser(AWS, name, core.UserChange{
		Description: body.Description, Password: body.Password, OldPassword: body.OldPassword, Self: pr.Is(name),
	})
	if userError(w, r, AWS, name, err) {
		return
	}
	st, _ := e.st.User(AWS, name)
	writeJSON(w, http.StatusOK, awsUserBody(st))
}

func (e *Emulator) awsDeleteUser(w http.ResponseWriter, r *http.Request) {
	pr, ok := e.awsAdmin(w, r, "delete users")
	if !ok {
		return
	}
	name := r.PathValue("userId")
	err := e.st.DeleteUser(AWS, name, pr.UserName)
	if userError(w, r, AWS, name, err) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ---- MFA ----

// awsUserMFA is enableMfa, acceptMfa (201) and disableMfa of Backup for AWS.
var awsUserMFA = userMFA{
	product: AWS,
	target:  (*Emulator).awsMFATarget,
	enabled: func(userName string, setup MFASetup) any {
		return AWSEnableMFA{UserName: userName, MFASetup: setup}
	},
	accepted: http.StatusCreated,
	// 1.0-rev0 answers 200 (its specification), the 1.7 document 204; the
	// switch is placed at 1.1-rev0 (DECISIONS.md).
	disabled: func(r *http.Request) int {
		if !revisionAtLeast(r, awsRenamedRevision) {
			return http.StatusOK
		}
		return http.StatusNoContent
	},
}

// awsMFATarget authenticates a request about the MFA of user {userId}.
func (e *Emulator) awsMFATarget(w http.ResponseWriter, r *http.Request) (string, bool) {
	_, name, ok := e.awsTarget(w, r, "manage the MFA of other users")
	return name, ok
}
