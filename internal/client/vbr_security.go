package client

// Backup & Replication's security endpoints (REST API 1.3-rev1 and later): users and their
// roles, MFA and service-account mode, and the global MFA switch. Every one needs the Backup
// Administrator role.

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// VBRSecurityRevision is the first revision with the security endpoints (Backup &
// Replication 13.0.1).
const VBRSecurityRevision = "1.3-rev1"

// VBRRole is a role as the security endpoints give it.
type VBRRole struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// IsBuiltIn is set from 1.3-rev2 on (nil before).
	IsBuiltIn *bool `json:"isBuiltIn,omitempty"`
}

// The user types of EUserType.
const (
	VBRInternalUser  = "InternalUser"
	VBRInternalGroup = "InternalGroup"
	VBRExternalUser  = "ExternalUser"
	VBRExternalGroup = "ExternalGroup"
)

// VBRSecurityUser is a user or group with access to Backup & Replication (UserModel).
type VBRSecurityUser struct {
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	Type             string    `json:"type"` // InternalUser, InternalGroup, ExternalUser or ExternalGroup
	IsServiceAccount bool      `json:"isServiceAccount"`
	Roles            []VBRRole `json:"roles"`
	// MFAEnabled is required from 1.3-rev2 on; nil when the server's revision has no such
	// field (1.3-rev1).
	MFAEnabled *bool `json:"mfaEnabled,omitempty"`
}

// RoleNames are the names of the user's roles.
func (u VBRSecurityUser) RoleNames() []string {
	out := make([]string, 0, len(u.Roles))
	for _, r := range u.Roles {
		out = append(out, r.Name)
	}
	return out
}

// VBRPagination says which part of a listing a page holds.
type VBRPagination struct {
	Total int `json:"total"`
	Count int `json:"count"`
	Skip  int `json:"skip"`
	Limit int `json:"limit"`
}

// VBRSecurityUserPage is one page of GET /api/v1/security/users (UsersResult).
type VBRSecurityUserPage struct {
	Data       []VBRSecurityUser `json:"data"`
	Pagination VBRPagination     `json:"pagination"`
}

// requireSecurity returns an *UnavailableError when the session speaks a revision older than
// 1.3-rev1; a 404 from such a server's security path is turned into the same error by
// securityCall.
func (c *VBRClient) requireSecurity(ctx context.Context, path string) error {
	ok, err := c.revisionAtLeast(ctx, VBRSecurityRevision)
	if err != nil || ok {
		return err
	}
	return c.securityUnavailable(ctx, path, nil)
}

func (c *VBRClient) securityUnavailable(ctx context.Context, path string, err error) error {
	return &UnavailableError{Product: VBR, Feature: "security endpoints (" + path + ")", AddedIn: VBRSecurityRevision, Server: c.ServerVersion(ctx), Err: err}
}

// securityCall sends r to a security endpoint and decodes the answer into out (nil: none).
func (c *VBRClient) securityCall(ctx context.Context, r Request, out any) error {
	if err := c.requireSecurity(ctx, r.Path); err != nil {
		return err
	}
	resp, err := c.Do(ctx, r)
	if err != nil {
		if IsNotFound(err) && strings.HasPrefix(r.Path, "/api/v1/security/") && !strings.HasPrefix(r.Path, "/api/v1/security/users/") {
			return c.securityUnavailable(ctx, r.Path, err)
		}
		return err
	}
	if out == nil {
		return nil
	}
	return resp.Decode(out)
}

// ListSecurityUsers lists users whose name contains filter (case-insensitively; "" for all),
// ordered by name, skipping skip and returning at most limit (0: the server's default).
func (c *VBRClient) ListSecurityUsers(ctx context.Context, filter string, skip, limit int) (*VBRSecurityUserPage, error) {
	q := url.Values{"orderColumn": {"Name"}, "orderAsc": {"true"}}
	if filter != "" {
		q.Set("nameFilter", filter)
	}
	if skip > 0 {
		q.Set("skip", strconv.Itoa(skip))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var p VBRSecurityUserPage
	if err := c.securityCall(ctx, Request{Method: http.MethodGet, Path: "/api/v1/security/users", Query: q}, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ListAllSecurityUsers pages through every user whose name contains filter.
func (c *VBRClient) ListAllSecurityUsers(ctx context.Context, filter string) ([]VBRSecurityUser, error) {
	const page = 100
	all := []VBRSecurityUser{}
	for skip := 0; ; skip += page {
		p, err := c.ListSecurityUsers(ctx, filter, skip, page)
		if err != nil {
			return nil, err
		}
		all = append(all, p.Data...)
		if len(p.Data) < page || len(all) >= p.Pagination.Total {
			return all, nil
		}
	}
}

// SecurityUser reads the user with id (a UUID).
func (c *VBRClient) SecurityUser(ctx context.Context, id string) (*VBRSecurityUser, error) {
	var u VBRSecurityUser
	if err := c.securityCall(ctx, Request{Method: http.MethodGet, Path: "/api/v1/security/users/" + url.PathEscape(id)}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// SecurityUserByName finds the user or group called name (case-insensitively, as the server
// compares account names); nil when there is none.
func (c *VBRClient) SecurityUserByName(ctx context.Context, name string) (*VBRSecurityUser, error) {
	users, err := c.ListAllSecurityUsers(ctx, name)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if strings.EqualFold(u.Name, name) {
			return &u, nil
		}
	}
	return nil, nil
}

// LoginUser is the account this session logs in as (logging in first when needed), as the
// security endpoints list it; nil when they list no account of that name (for example a user
// with access through a group).
func (c *VBRClient) LoginUser(ctx context.Context) (name string, u *VBRSecurityUser, err error) {
	tok, err := c.Credential(ctx)
	if err != nil {
		return "", nil, err
	}
	name = tok.Username
	if name == "" {
		return "", nil, nil
	}
	u, err = c.SecurityUserByName(ctx, name)
	return name, u, err
}

// ChangeServiceAccountMode makes the user with id a service account (on) or an ordinary one,
// and returns the user as the server then has it. Making a user a service account switches
// its MFA off (1.3-rev2). Retry-safe: setting the same mode twice leaves the same state.
func (c *VBRClient) ChangeServiceAccountMode(ctx context.Context, id string, on bool) (*VBRSecurityUser, error) {
	var u VBRSecurityUser
	body := struct {
		IsServiceAccountEnable bool `json:"isServiceAccountEnable"`
	}{on}
	err := c.securityCall(ctx, Request{Method: http.MethodPost, Path: "/api/v1/security/users/" + url.PathEscape(id) + "/changeServiceAccountMode", JSON: body, RetrySafe: true}, &u)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// ResetMFA turns MFA off for the user with id: the user enrolls again at the next console
// logon. Retry-safe: resetting twice leaves the same state.
func (c *VBRClient) ResetMFA(ctx context.Context, id string) error {
	return c.securityCall(ctx, Request{Method: http.MethodPost, Path: "/api/v1/security/users/" + url.PathEscape(id) + "/resetMFA", RetrySafe: true}, nil)
}

// VBRSecuritySettings are the server's security settings.
type VBRSecuritySettings struct {
	// MFAEnabled is the global switch: MFA for every user that is not a service account.
	MFAEnabled bool `json:"mfaEnabled"`
}

// GetSecuritySettings reads the security settings.
func (c *VBRClient) GetSecuritySettings(ctx context.Context) (*VBRSecuritySettings, error) {
	var s VBRSecuritySettings
	if err := c.securityCall(ctx, Request{Method: http.MethodGet, Path: "/api/v1/security/settings"}, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// SetMFAEnabled turns the global MFA switch on or off and returns the settings in force.
func (c *VBRClient) SetMFAEnabled(ctx context.Context, on bool) (*VBRSecuritySettings, error) {
	if err := c.requireSecurity(ctx, "/api/v1/security/settings"); err != nil {
		return nil, err
	}
	resp, err := c.Do(ctx, Request{Method: http.MethodPut, Path: "/api/v1/security/settings", JSON: VBRSecuritySettings{MFAEnabled: on}})
	if err != nil {
		return nil, err
	}
	if resp.Status == http.StatusNoContent || len(resp.Body) == 0 {
		return c.GetSecuritySettings(ctx)
	}
	var s VBRSecuritySettings
	return &s, resp.Decode(&s)
}
