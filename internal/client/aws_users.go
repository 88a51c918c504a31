package client

// Backup for AWS users (/api/v1/users) and their MFA (enableMfa, acceptMfa, disableMfa).

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// AWSUser is a Backup for AWS user account.
type AWSUser struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	MFAEnabled  bool   `json:"mfaEnabled"`
	IsDefault   bool   `json:"isDefault"`
	Role        string `json:"role,omitempty"`
	RoleName    string `json:"roleName,omitempty"`
}

// GetUser reads one user; IsNotFound(err) when there is none.
func (c *AWSClient) GetUser(ctx context.Context, name string) (*AWSUser, error) {
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: "/api/v1/users/" + url.PathEscape(name)})
	if err != nil {
		return nil, err
	}
	var u AWSUser
	return &u, resp.Decode(&u)
}

// AWSUserSortOrders are the values GET /api/v1/users accepts in Sort (the eight of the published
// spec, 1.0-rev0 and later).
var AWSUserSortOrders = []string{"nameAsc", "nameDesc", "descriptionAsc", "descriptionDesc", "mfaEnabledAsc", "mfaEnabledDesc", "isDefaultAsc", "isDefaultDesc"}

// AWSUserQuery filters and orders a user listing.
type AWSUserQuery struct {
	SearchPattern string
	Sort          string // one of AWSUserSortOrders
	Offset, Limit int
}

// AWSUserPage is one page of users.
type AWSUserPage struct {
	TotalCount int       `json:"totalCount"`
	Results    []AWSUser `json:"results"`
}

// ListUsers lists users with the server's filtering, sorting and paging.
func (c *AWSClient) ListUsers(ctx context.Context, q AWSUserQuery) (*AWSUserPage, error) {
	v := url.Values{}
	if q.SearchPattern != "" {
		v.Set("SearchPattern", q.SearchPattern)
	}
	if q.Sort != "" {
		v.Set("Sort", q.Sort)
	}
	if q.Offset > 0 {
		v.Set("Offset", strconv.Itoa(q.Offset))
	}
	if q.Limit > 0 {
		v.Set("Limit", strconv.Itoa(q.Limit))
	}
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: "/api/v1/users", Query: v})
	if err != nil {
		return nil, err
	}
	var p AWSUserPage
	return &p, resp.Decode(&p)
}

// ListAllUsers pages through every user matching q.
func (c *AWSClient) ListAllUsers(ctx context.Context, q AWSUserQuery) ([]AWSUser, error) {
	const page = 100
	var all []AWSUser
	for off := 0; ; off += page {
		q.Offset, q.Limit = off, page
		p, err := c.ListUsers(ctx, q)
		if err != nil {
			return nil, err
		}
		all = append(all, p.Results...)
		if len(p.Results) < page || len(all) >= p.TotalCount {
			return all, nil
		}
	}
}

// CreateUser adds a user (POST is not retried after a lost connection: a second POST would
// answer 409 for the user the first one created).
func (c *AWSClient) CreateUser(ctx context.Context, name, description, password string) (*AWSUser, error) {
	resp, err := c.Do(ctx, Request{Method: http.MethodPost, Path: "/api/v1/users", JSON: map[string]string{"name": name, "description": description, "password": password}})
	if err != nil {
		return nil, err
	}
	var u AWSUser
	return &u, resp.Decode(&u)
}

// UpdateUser changes a user's description and, when password is set, password.
func (c *AWSClient) UpdateUser(ctx context.Context, name, description, password, oldPassword string) (*AWSUser, error) {
	body := map[string]string{"description": description}
	if password != "" {
		body["password"] = password
		if oldPassword != "" {
			// An administrator sets another user's password without it; a user changing
			// their own password must send it.
			body["oldPassword"] = oldPassword
		}
	}
	resp, err := c.Do(ctx, Request{Method: http.MethodPut, Path: "/api/v1/users/" + url.PathEscape(name), JSON: body})
	if err != nil {
		return nil, err
	}
	var u AWSUser
	if len(resp.Body) == 0 {
		return c.GetUser(ctx, name)
	}
	return &u, resp.Decode(&u)
}

// DeleteUser removes a user.
func (c *AWSClient) DeleteUser(ctx context.Context, name string) error {
	_, err := c.Do(ctx, Request{Method: http.MethodDelete, Path: "/api/v1/users/" + url.PathEscape(name)})
	return err
}

// mfa is the MFA of user.
func (c *AWSClient) mfa(user string) userMFA {
	return userMFA{s: c.Session, user: "/api/v1/users/" + url.PathEscape(user), mfaOn: func(ctx context.Context) bool { return c.mfaEnabled(ctx, user) }}
}

// EnableMFA starts an MFA enrollment (retry-safe; see userMFA.enable).
func (c *AWSClient) EnableMFA(ctx context.Context, user string, recreate bool) (*MFAEnrollment, error) {
	return c.mfa(user).enable(ctx, recreate)
}

// AcceptMFA confirms an enrollment with a code computed from its secret.
func (c *AWSClient) AcceptMFA(ctx context.Context, user, code, token string) error {
	return c.mfa(user).accept(ctx, code, token)
}

// DisableMFA turns MFA off for a user.
func (c *AWSClient) DisableMFA(ctx context.Context, user string) error {
	return c.mfa(user).disable(ctx)
}

// EnrollMFA enables (or, with recreate, re-creates) MFA for user with a computed code; the
// outcomes of lost and refused answers are userMFA.enroll's.
func (c *AWSClient) EnrollMFA(ctx context.Context, user string, recreate bool) (*MFAEnrollment, error) {
	return c.mfa(user).enroll(ctx, recreate)
}

// UserMFAEnabled reads whether user has MFA on; IsNotFound(err) when there is no such user.
func (c *AWSClient) UserMFAEnabled(ctx context.Context, user string) (bool, error) {
	u, err := c.GetUser(ctx, user)
	if err != nil {
		return false, err
	}
	return u.MFAEnabled, nil
}

// mfaEnabled reads whether user has MFA on now; false when the read fails.
func (c *AWSClient) mfaEnabled(ctx context.Context, user string) bool {
	u, err := c.GetUser(ctx, user)
	return err == nil && u.MFAEnabled
}

// PasswordLogsIn reports whether password is user's password, by logging in as user with it in
// a separate session, which it logs out at once. For a user with MFA the server asks for the
// second factor only after accepting the password: that proves it too, and opens no session.
// It is the proof that an account is the one a create whose answer was lost made.
func (c *AWSClient) PasswordLogsIn(ctx context.Context, user, password string) (bool, error) {
	cfg := c.Config()
	cfg.Credentials = Credentials{Username: user, Password: password}
	probe, err := NewAWS(cfg)
	if err != nil {
		return false, err
	}
	_, err = probe.Credential(ctx)
	var ce *ConfigError
	switch {
	case err == nil:
		return true, probe.Logout(ctx)
	case errors.As(err, &ce) && ce.Field == FieldTOTPSecret:
		return true, nil
	case IsAuthenticationFailed(err):
		return false, nil
	}
	return false, err
}
