package core

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// SeedUser describes an account the emulator knows at start (Options.Seed)
// or gets through AddUser.
type SeedUser struct {
	Name        string `json:"name"`
	Password    string `json:"password"`
	Role        string `json:"role,omitempty"` // "": the product's default role
	Description string `json:"description,omitempty"`
	// MFASecret, when set, turns MFA on with this base32 TOTP secret.
	MFASecret string `json:"mfaSecret,omitempty"`
	// ScratchCodes are the 8-digit recovery codes that go with MFASecret.
	ScratchCodes []string `json:"scratchCodes,omitempty"`
	// IdentityProvider marks a user that lives at the identity provider
	// (Backup for AWS SSO): it logs on through SAML, never with the
	// password grant, and cannot enable MFA.
	IdentityProvider bool `json:"identityProvider,omitempty"`
	// IsDefault marks the appliance's built-in account (it cannot be deleted).
	IsDefault bool `json:"isDefault,omitempty"`
	// Tenant marks an Enterprise Manager tenant account: it logs on with a
	// LoginSpec body, never with Basic authentication. Other products ignore it.
	Tenant bool `json:"tenant,omitempty"`
	// Client marks an orchestrator (VRO, VAO 3.0) client account: Name is its
	// client_id and Password its client_secret; it logs in with the
	// client_credentials grant only. Other products reject it.
	Client bool `json:"client,omitempty"`
	// ServiceAccount marks a Backup & Replication account used for automation
	// (REST, PowerShell): exempt from MFA. Other products ignore it.
	ServiceAccount bool `json:"serviceAccount,omitempty"`
}

// Seed is the set of accounts each product starts with.
type Seed struct {
	Users map[Product][]SeedUser `json:"users"`
}

// The Backup for AWS roles.
const (
	RolePortalAdministrator = "Portal Administrator"
	RolePortalOperator      = "Portal Operator"
	RoleRestoreOperator     = "Restore Operator"
)

// DefaultRole is the role a user gets when SeedUser.Role is empty.
func DefaultRole(p Product) string {
	switch p {
	case AWS:
		return RolePortalAdministrator
	case VBR:
		return "Veeam Backup Administrator"
	case EM:
		return "Portal Administrator"
	case AZURE:
		return "PortalAdmin"
	default:
		return "Administrator"
	}
}

// ValidAWSRole reports whether r is a Backup for AWS role.
func ValidAWSRole(r string) bool {
	switch r {
	case RolePortalAdministrator, RolePortalOperator, RoleRestoreOperator:
		return true
	}
	return false
}

// UserState is a read-only copy of an account, for tests and the control API.
type UserState struct {
	Product          Product  `json:"product"`
	Name             string   `json:"name"`
	Role             string   `json:"role"`
	Description      string   `json:"description"`
	IsDefault        bool     `json:"isDefault"`
	IdentityProvider bool     `json:"identityProvider"`
	Tenant           bool     `json:"tenant,omitempty"` // EM tenant account
	ServiceAccount   bool     `json:"serviceAccount,omitempty"`
	Client           bool     `json:"client,omitempty"` // VRO client account (client_credentials)
	MFAEnabled       bool     `json:"mfaEnabled"`
	MFASecret        string   `json:"mfaSecret,omitempty"`    // the secret logins are checked against
	ScratchCodes     []string `json:"scratchCodes,omitempty"` // unused recovery codes
	// PendingMFASecret is the secret of an enrollment (enableMfa) that
	// acceptMfa has not confirmed yet; "" when there is none.
	PendingMFASecret string `json:"pendingMfaSecret,omitempty"`
}

// Account is one stored account, as the state file (Options.StatePath)
// holds it. Passwords are kept as salted SHA-256.
type Account struct {
	Name             string      `json:"name"`
	Role             string      `json:"role"`
	Description      string      `json:"description,omitempty"`
	IsDefault        bool        `json:"isDefault,omitempty"`
	IdentityProvider bool        `json:"identityProvider,omitempty"`
	Tenant           bool        `json:"tenant,omitempty"`
	ServiceAccount   bool        `json:"serviceAccount,omitempty"`
	Client           bool        `json:"client,omitempty"`
	Salt             []byte      `json:"salt"`
	PasswordHash     tokenHash   `json:"passwordHash"`
	MFA              *mfaSecret  `json:"mfa,omitempty"`
	Pending          *pendingMFA `json:"pending,omitempty"`
}

// UserKey is the case-folded name accounts are found by.
func UserKey(name string) string { return strings.ToLower(name) }

func (u *Account) setPassword(pw string) {
	u.Salt = RandomBytes(16)
	u.PasswordHash = sha256.Sum256(append(slices.Clone(u.Salt), pw...))
}

func (u *Account) checkPassword(pw string) bool {
	h := sha256.Sum256(append(slices.Clone(u.Salt), pw...))
	return equalHash(h, u.PasswordHash)
}

func (u *Account) state(p Product) UserState {
	s := UserState{
		Product: p, Name: u.Name, Role: u.Role, Description: u.Description,
		IsDefault: u.IsDefault, IdentityProvider: u.IdentityProvider, MFAEnabled: u.MFA != nil,
		Tenant: u.Tenant, Client: u.Client, ServiceAccount: u.ServiceAccount,
	}
	if u.MFA != nil {
		s.MFASecret = u.MFA.Secret
		s.ScratchCodes = slices.Clone(u.MFA.Scratch)
	}
	if u.Pending != nil {
		s.PendingMFASecret = u.Pending.Secret
	}
	return s
}

// ValidateSeedUser checks u for product p and fills the default role.
func ValidateSeedUser(p Product, u *SeedUser) error {
	if !p.Valid() {
		return fmt.Errorf("emulator: unknown product %q", p)
	}
	if strings.TrimSpace(u.Name) == "" {
		return errors.New("emulator: user name is empty")
	}
	if !utf8.ValidString(u.Name) || !utf8.ValidString(u.Password) {
		return fmt.Errorf("emulator: user name %q or its password is not valid UTF-8", u.Name)
	}
	if u.Role == "" {
		u.Role = DefaultRole(p)
	}
	if p == AWS && !ValidAWSRole(u.Role) {
		return fmt.Errorf("emulator: unknown Backup for AWS role %q", u.Role)
	}
	if u.MFASecret != "" {
		if _, err := DecodeSecret(u.MFASecret); err != nil {
			return fmt.Errorf("emulator: MFASecret of %q is not base32: %w", u.Name, err)
		}
		if u.IdentityProvider {
			return fmt.Errorf("emulator: identity-provider user %q cannot have MFA", u.Name)
		}
	}
	for _, c := range u.ScratchCodes {
		if len(c) != 8 || strings.Trim(c, "0123456789") != "" {
			return fmt.Errorf("emulator: scratch code %q of %q is not 8 digits", c, u.Name)
		}
	}
	if u.Client && ((p != VRO && p != VAO) || u.MFASecret != "" || u.IdentityProvider) {
		return fmt.Errorf("emulator: %q: client accounts exist only in the orchestrators (vro, vao), without MFA or identity provider", u.Name)
	}
	return nil
}

// AddUser adds u, which ValidateSeedUser has accepted, to product p. It
// fails with ErrUserExists when the name is taken.
func (s *Store) AddUser(p Product, u SeedUser) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addUserLocked(p, u)
}

func (s *Store) addUserLocked(p Product, u SeedUser) error {
	m := s.users[p]
	if m == nil {
		m = map[string]*Account{}
		s.users[p] = m
	}
	k := UserKey(u.Name)
	if _, ok := m[k]; ok {
		return ErrUserExists
	}
	nu := &Account{
		Name: u.Name, Role: u.Role, Description: u.Description, IsDefault: u.IsDefault,
		IdentityProvider: u.IdentityProvider, Tenant: u.Tenant, Client: u.Client, ServiceAccount: u.ServiceAccount,
	}
	nu.setPassword(u.Password)
	if u.MFASecret != "" {
		nu.MFA = &mfaSecret{Secret: strings.ToUpper(u.MFASecret), Scratch: slices.Clone(u.ScratchCodes)}
	}
	m[k] = nu
	s.dirty = true
	return nil
}

// userLocked returns p's user called name; the caller holds mu.
func (s *Store) userLocked(p Product, name string) *Account {
	return s.users[p][UserKey(name)]
}

// Users returns copies of p's users in name order.
func (s *Store) Users(p Product) []UserState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]UserState, 0, len(s.users[p]))
	for _, u := range s.users[p] {
		out = append(out, u.state(p))
	}
	slices.SortFunc(out, func(a, b UserState) int { return CompareNames(a.Name, b.Name) })
	return out
}

// CompareNames orders names case-insensitively, then byte-wise.
func CompareNames(a, b string) int {
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// User returns a copy of p's user called name.
func (s *Store) User(p Product, name string) (UserState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(p, name)
	if u == nil {
		return UserState{}, false
	}
	return u.state(p), true
}

// withUser runs fn on p's user called name under the lock; a nil result
// marks the accounts as changed.
func (s *Store) withUser(p Product, name string, fn func(u *Account) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(p, name)
	if u == nil {
		return ErrUserNotFound
	}
	if err := fn(u); err != nil {
		return err
	}
	s.dirty = true
	return nil
}

// UserChange is an update of an account; nil fields stay as they are.
type UserChange struct {
	Description *string
	Password    *string
	// OldPassword must match the current password when the account changes
	// its own password (Self).
	OldPassword *string
	Self        bool
}

// UpdateUser applies c to p's user called name.
func (s *Store) UpdateUser(p Product, name string, c UserChange) error {
	return s.withUser(p, name, func(u *Account) error {
		if c.Password != nil {
			if *c.Password == "" {
				return fail(Invalid, "password must not be empty")
			}
			if u.IdentityProvider {
				return fail(Invalid, "the password of an identity provider user is managed by the identity provider")
			}
			if c.Self && (c.OldPassword == nil || !u.checkPassword(*c.OldPassword)) {
				return fail(Invalid, "oldPassword is missing or does not match the current password")
			}
		}
		if c.Description != nil {
			u.Description = *c.Description
		}
		if c.Password != nil {
			u.setPassword(*c.Password)
		}
		return nil
	})
}

// SetServiceAccount switches the service-account mode of p's user called
// name (Backup & Replication's changeServiceAccountMode). Turning it on also
// turns the user's MFA off: service accounts cannot use MFA.
func (s *Store) SetServiceAccount(p Product, name string, on bool) error {
	return s.withUser(p, name, func(u *Account) error {
		u.ServiceAccount = on
		if on {
			u.MFA, u.Pending = nil, nil
		}
		return nil
	})
}

// DeleteUser removes p's user called name on behalf of the account actor
// and revokes its sessions. The built-in account and the actor's own stay.
func (s *Store) DeleteUser(p Product, name, actor string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := UserKey(name)
	u := s.users[p][k]
	switch {
	case u == nil:
		return ErrUserNotFound
	case u.IsDefault:
		return fail(Invalid, "the default user cannot be deleted")
	case k == UserKey(actor):
		return fail(Invalid, "users cannot delete themselves")
	}
	delete(s.users[p], k)
	s.dirty = true
	for _, sess := range s.sessions {
		if sess.product == p && sess.userKey == k {
			s.revokeLocked(sess)
		}
	}
	return nil
}

// CheckPassword returns p's user called name when pw is its password.
func (s *Store) CheckPassword(p Product, name, pw string) (UserState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(p, name)
	if u == nil {
		// Spend the same work as a real check so timing does not tell
		// unknown users from wrong passwords.
		(&Account{}).checkPassword(pw)
		return UserState{}, false
	}
	if !u.checkPassword(pw) {
		return UserState{}, false
	}
	return u.state(p), true
}
