package emulator

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
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
	// Client marks a Recovery Orchestrator client account: Name is its
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

// DefaultSeed returns the accounts the emulator starts with when
// Options.Seed is nil:
//
//	aws: administrator/Password1 (Portal Administrator, isDefault),
//	     operator/Password1 (Portal Operator),
//	     restore/Password1 (Restore Operator),
//	     sara_baker@companymail.com/Admin345Dept01 (identity-provider user)
//	vbr, vro, em: administrator/Password1
//	vbr: administrator is a service account; jsmith/Password1 (Veeam Backup
//	     Operator, MFA enabled, not a service account)
//	vro: client account terraform-client/Client-Secret1 (client_credentials)
//	em: tenant01/Password1 (a tenant: LoginSpec logon only)
//	vao: VEEAM\administrator/Password1
func DefaultSeed() *Seed {
	return &Seed{Users: map[Product][]SeedUser{
		AWS: {
			{Name: "administrator", Password: "Password1", Role: RolePortalAdministrator, IsDefault: true, Description: "Default administrator"},
			{Name: "operator", Password: "Password1", Role: RolePortalOperator, Description: "Portal operator"},
			{Name: "restore", Password: "Password1", Role: RoleRestoreOperator, Description: "Restore operator"},
			{Name: "sara_baker@companymail.com", Password: "Admin345Dept01", Role: RolePortalAdministrator, IdentityProvider: true, Description: "Identity provider user"},
		},
		VBR: {
			{Name: "administrator", Password: "Password1", Role: "Veeam Backup Administrator", IsDefault: true, ServiceAccount: true},
			{Name: "jsmith", Password: "Password1", Role: "Veeam Backup Operator", MFASecret: "JBSWY3DPEHPK3PXP"},
		},
		VRO: {
			{Name: "administrator", Password: "Password1", Role: "Administrator", IsDefault: true},
			{Name: "terraform-client", Password: "Client-Secret1", Role: "Administrator", Client: true, Description: "Client account of administrator"},
		},
		VAO: {{Name: `VEEAM\administrator`, Password: "Password1", Role: "Administrator", IsDefault: true}},
		EM: {
			{Name: "administrator", Password: "Password1", Role: "Portal Administrator", IsDefault: true},
			{Name: "tenant01", Password: "Password1", Role: "Tenant", Tenant: true, Description: "Cloud Connect tenant"},
		},
	}}
}

// defaultRole is the role a user gets when SeedUser.Role is empty.
func defaultRole(p Product) string {
	switch p {
	case AWS:
		return RolePortalAdministrator
	case VBR:
		return "Veeam Backup Administrator"
	case EM:
		return "Portal Administrator"
	default:
		return "Administrator"
	}
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

// AWSUserState is the state of a Backup for AWS account.
type AWSUserState = UserState

// mfaSecret is a TOTP secret with its recovery codes.
type mfaSecret struct {
	Secret  string   `json:"secret"`
	Scratch []string `json:"scratch,omitempty"`
}

// pendingMFA is an enrollment started by enableMfa and not yet accepted.
type pendingMFA struct {
	mfaSecret
	Token tokenHash `json:"token"`
}

// user is one account. Passwords are kept as salted SHA-256.
type user struct {
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

func userKey(name string) string { return strings.ToLower(name) }

func (u *user) setPassword(pw string) {
	u.Salt = randomBytes(16)
	u.PasswordHash = sha256.Sum256(append(slices.Clone(u.Salt), pw...))
}

func (u *user) checkPassword(pw string) bool {
	h := sha256.Sum256(append(slices.Clone(u.Salt), pw...))
	return equalHash(h, u.PasswordHash)
}

func (u *user) state(p Product) UserState {
	s := UserState{
		Product: p, Name: u.Name, Role: u.Role, Description: u.Description,
		IsDefault: u.IsDefault, IdentityProvider: u.IdentityProvider, MFAEnabled: u.MFA != nil,
		Tenant: u.Tenant, Client: u.Client,
	}
	s.ServiceAccount = u.ServiceAccount
	if u.MFA != nil {
		s.MFASecret = u.MFA.Secret
		s.ScratchCodes = slices.Clone(u.MFA.Scratch)
	}
	if u.Pending != nil {
		s.PendingMFASecret = u.Pending.Secret
	}
	return s
}

// tokenKind tells access from refresh tokens in the token index.
type tokenKind int

const (
	kindAccess tokenKind = iota + 1
	kindRefresh
)

// tokenRec is one issued access or refresh token.
type tokenRec struct {
	hash tokenHash
	kind tokenKind
	sess *session
	exp  time.Time
}

// session is one logon: the chain of tokens that started with one login and
// continued through refreshes. Logout revokes the whole chain.
type session struct {
	id         string
	product    Product
	userKey    string
	userName   string
	role       string
	refreshTTL time.Duration
	tokens     []tokenHash // every token of the chain still indexed
	refresh    tokenHash   // the one refresh token that still works
	hasRefresh bool
	slide      time.Duration // > 0: access expiry slides by this on each use (EM)
	opaque     bool          // access tokens are random base64, not JWTs (EM session ids)
}

// Principal is who an authenticated request acts for.
type Principal struct {
	Product   Product
	UserName  string
	Role      string
	SessionID string
	userKey   string
}

// tokenPair is what a successful login or refresh hands out.
type tokenPair struct {
	Access     string
	Refresh    string
	Issued     time.Time
	AccessExp  time.Time
	RefreshExp time.Time
	UserName   string
	Role       string
	SessionID  string
}

// onceKind tells the single-use secrets apart.
type onceKind int

const (
	onceAuthCode onceKind = iota + 1
	onceMFAToken
	onceSAMLRequest
	onceSAMLResponse
)

// oneTime is a short-lived secret (authorization code, mfa_token, SAML
// message) bound to a user.
type oneTime struct {
	kind     onceKind
	product  Product
	userKey  string
	exp      time.Time
	attempts int
}

// maxMFAAttempts is how many wrong codes an mfa_token survives.
const maxMFAAttempts = 5

// pruneGrace is how long an expired token stays indexed so that it is
// answered with ExpiredToken rather than InvalidToken.
const pruneGrace = 24 * time.Hour

// store is the one in-memory state of the emulator, shared by every
// product; mu guards everything in it.
type store struct {
	mu       sync.Mutex
	iss      *issuer
	users    map[Product]map[string]*user
	tokens   map[tokenHash]*tokenRec
	sessions map[string]*session
	once     map[tokenHash]*oneTime
	ctr      map[Product]*Counters
	flags    map[Product]map[string]bool
	issued   int  // tokens minted since the last prune
	dirty    bool // accounts changed since the last save (Options.StatePath)
}

func newStore(iss *issuer) *store {
	s := &store{iss: iss}
	s.resetLocked()
	return s
}

func (s *store) resetLocked() {
	s.users = map[Product]map[string]*user{}
	s.tokens = map[tokenHash]*tokenRec{}
	s.sessions = map[string]*session{}
	s.once = map[tokenHash]*oneTime{}
	s.ctr = map[Product]*Counters{}
	s.flags = map[Product]map[string]bool{}
	s.issued = 0
	s.dirty = true
}

// flag returns p's product-wide switch name (false when never set).
func (s *store) flag(p Product, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flags[p][name]
}

// setFlag sets p's product-wide switch name. Switches are memory only, like
// sessions: Reset clears them and Options.StatePath does not keep them.
func (s *store) setFlag(p Product, name string, v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flags[p] == nil {
		s.flags[p] = map[string]bool{}
	}
	s.flags[p][name] = v
}

// counters returns p's live counters; the caller holds mu.
func (s *store) counters(p Product) *Counters {
	c := s.ctr[p]
	if c == nil {
		c = &Counters{Endpoints: map[string]int{}}
		s.ctr[p] = c
	}
	return c
}

var (
	errUserExists   = errors.New("user already exists")
	errUserNotFound = errors.New("user not found")
)

// validateSeedUser checks u for product p and fills the default role.
func validateSeedUser(p Product, u *SeedUser) error {
	if !p.valid() {
		return fmt.Errorf("emulator: unknown product %q", p)
	}
	if strings.TrimSpace(u.Name) == "" {
		return errors.New("emulator: user name is empty")
	}
	if u.Role == "" {
		u.Role = defaultRole(p)
	}
	if p == AWS && !validAWSRole(u.Role) {
		return fmt.Errorf("emulator: unknown Backup for AWS role %q", u.Role)
	}
	if u.MFASecret != "" {
		if _, err := decodeSecret(u.MFASecret); err != nil {
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
	if u.Client && (p != VRO || u.MFASecret != "" || u.IdentityProvider) {
		return fmt.Errorf("emulator: %q: client accounts exist only in Recovery Orchestrator (vro), without MFA or identity provider", u.Name)
	}
	return nil
}

func validAWSRole(r string) bool {
	switch r {
	case RolePortalAdministrator, RolePortalOperator, RoleRestoreOperator:
		return true
	}
	return false
}

// addUserLocked adds u; the caller holds mu and has validated u.
func (s *store) addUserLocked(p Product, u SeedUser) error {
	m := s.users[p]
	if m == nil {
		m = map[string]*user{}
		s.users[p] = m
	}
	k := userKey(u.Name)
	if _, ok := m[k]; ok {
		return errUserExists
	}
	nu := &user{
		Name: u.Name, Role: u.Role, Description: u.Description,
		IsDefault: u.IsDefault, IdentityProvider: u.IdentityProvider, Tenant: u.Tenant, Client: u.Client,
	}
	nu.ServiceAccount = u.ServiceAccount
	nu.setPassword(u.Password)
	if u.MFASecret != "" {
		nu.MFA = &mfaSecret{Secret: strings.ToUpper(u.MFASecret), Scratch: slices.Clone(u.ScratchCodes)}
	}
	m[k] = nu
	s.dirty = true
	return nil
}

// userLocked returns p's user called name; the caller holds mu.
func (s *store) userLocked(p Product, name string) *user {
	return s.users[p][userKey(name)]
}

// listUsers returns copies of p's users in name order.
func (s *store) listUsers(p Product) []UserState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]UserState, 0, len(s.users[p]))
	for _, u := range s.users[p] {
		out = append(out, u.state(p))
	}
	slices.SortFunc(out, func(a, b UserState) int { return compareNames(a.Name, b.Name) })
	return out
}

// compareNames orders names case-insensitively, then byte-wise.
func compareNames(a, b string) int {
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// getUser returns a copy of p's user called name.
func (s *store) getUser(p Product, name string) (UserState, bool) {
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
func (s *store) withUser(p Product, name string, fn func(u *user) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(p, name)
	if u == nil {
		return errUserNotFound
	}
	if err := fn(u); err != nil {
		return err
	}
	s.dirty = true
	return nil
}

// deleteUser removes p's user called name and revokes its sessions.
func (s *store) deleteUser(p Product, name string, guard func(u *user) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := userKey(name)
	u := s.users[p][k]
	if u == nil {
		return errUserNotFound
	}
	if guard != nil {
		if err := guard(u); err != nil {
			return err
		}
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

// checkPassword returns p's user called name when pw is its password.
func (s *store) checkPassword(p Product, name, pw string) (UserState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(p, name)
	if u == nil {
		// Spend the same work as a real check so timing does not tell
		// unknown users from wrong passwords.
		(&user{}).checkPassword(pw)
		return UserState{}, false
	}
	if !u.checkPassword(pw) {
		return UserState{}, false
	}
	return u.state(p), true
}

// ---- sessions and tokens ----

// loginOpts are the lifetimes and claims for one login.
type loginOpts struct {
	access, refresh time.Duration // refresh 0: no refresh token
	slide           bool          // access expiry slides on use (EM idle timeout)
	opaque          bool          // access token is base64 of 16 random bytes (EM X-RestSvcSessionId)
	accessClaims    map[string]any
	endOthers       bool // revoke the account's other sessions (VRO single-session mode)
}

// login starts a session for p's user called name.
func (s *store) login(p Product, name string, now time.Time, o loginOpts) (tokenPair, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(p, name)
	if u == nil {
		return tokenPair{}, errAccessDenied("the user no longer exists")
	}
	sess := &session{
		id: randomUUID(), product: p, userKey: userKey(u.Name), userName: u.Name,
		role: u.Role, refreshTTL: o.refresh, opaque: o.opaque,
	}
	if o.slide {
		sess.slide = o.access
	}
	if o.endOthers {
		for _, other := range s.sessions {
			if other.product == p && other.userKey == sess.userKey {
				s.revokeLocked(other)
			}
		}
	}
	s.sessions[sess.id] = sess
	return s.mintLocked(sess, now, o.access, o.accessClaims)
}

// mintLocked adds a new access token (and refresh token when the session
// has a refresh lifetime) to sess.
func (s *store) mintLocked(sess *session, now time.Time, access time.Duration, claims map[string]any) (tokenPair, *apiError) {
	s.issued++
	if s.issued >= 1024 {
		s.pruneLocked(now)
	}
	tp := tokenPair{Issued: now, AccessExp: now.Add(access), UserName: sess.userName, Role: sess.role, SessionID: sess.id}
	var err error
	if sess.opaque {
		tp.Access = base64.StdEncoding.EncodeToString(randomBytes(16))
	} else {
		tp.Access, err = s.iss.mint(sess.userName, "access", now, tp.AccessExp, claims)
	}
	if err != nil {
		return tokenPair{}, &apiError{500, CodeUnknownError, "token signing failed"}
	}
	ah := hashToken(tp.Access)
	s.tokens[ah] = &tokenRec{hash: ah, kind: kindAccess, sess: sess, exp: tp.AccessExp}
	sess.tokens = append(sess.tokens, ah)
	if sess.refreshTTL > 0 {
		tp.RefreshExp = now.Add(sess.refreshTTL)
		tp.Refresh, err = s.iss.mint(sess.userName, "refresh", now, tp.RefreshExp, map[string]any{"token_id": randomUUID()})
		if err != nil {
			return tokenPair{}, &apiError{500, CodeUnknownError, "token signing failed"}
		}
		rh := hashToken(tp.Refresh)
		s.tokens[rh] = &tokenRec{hash: rh, kind: kindRefresh, sess: sess, exp: tp.RefreshExp}
		sess.tokens = append(sess.tokens, rh)
		sess.refresh, sess.hasRefresh = rh, true
	}
	return tp, nil
}

// lookupLocked finds the token raw of kind in p's sessions.
func (s *store) lookupLocked(p Product, raw string, kind tokenKind, now time.Time) (*tokenRec, *apiError) {
	if raw == "" {
		return nil, errInvalidToken("the token is missing")
	}
	h := hashToken(raw)
	rec := s.tokens[h]
	if rec == nil || !equalHash(rec.hash, h) || rec.kind != kind || rec.sess.product != p {
		return nil, errInvalidToken("the token is not valid")
	}
	if !now.Before(rec.exp) {
		return nil, errExpiredToken("the token has expired")
	}
	return rec, nil
}

// refresh trades the refresh token raw for a new pair; raw stops working.
func (s *store) refresh(p Product, raw string, now time.Time, access time.Duration, claims map[string]any) (tokenPair, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, aerr := s.lookupLocked(p, raw, kindRefresh, now)
	if aerr != nil {
		return tokenPair{}, aerr
	}
	sess := rec.sess
	if !sess.hasRefresh || !equalHash(sess.refresh, rec.hash) {
		return tokenPair{}, errInvalidToken("the refresh token has already been used")
	}
	if s.users[p][sess.userKey] == nil {
		s.revokeLocked(sess)
		return tokenPair{}, errInvalidToken("the user no longer exists")
	}
	delete(s.tokens, rec.hash)
	sess.hasRefresh = false
	return s.mintLocked(sess, now, access, claims)
}

// authenticate resolves the access token raw to its principal.
func (s *store) authenticate(p Product, raw string, now time.Time) (Principal, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, aerr := s.lookupLocked(p, raw, kindAccess, now)
	if aerr != nil {
		return Principal{}, aerr
	}
	if rec.sess.slide > 0 {
		rec.exp = now.Add(rec.sess.slide)
	}
	return rec.sess.principal(), nil
}

func (sess *session) principal() Principal {
	return Principal{Product: sess.product, UserName: sess.userName, Role: sess.role, SessionID: sess.id, userKey: sess.userKey}
}

// logout revokes the session the access token raw belongs to.
func (s *store) logout(p Product, raw string, now time.Time) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, aerr := s.lookupLocked(p, raw, kindAccess, now)
	if aerr != nil {
		return aerr
	}
	s.revokeLocked(rec.sess)
	return nil
}

// revokeSession revokes p's session id; it reports whether one existed.
func (s *store) revokeSession(p Product, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[id]
	if sess == nil || sess.product != p {
		return false
	}
	s.revokeLocked(sess)
	return true
}

func (s *store) revokeLocked(sess *session) {
	for _, h := range sess.tokens {
		delete(s.tokens, h)
	}
	sess.tokens = nil
	sess.hasRefresh = false
	delete(s.sessions, sess.id)
}

// liveSessions counts p's sessions that still hold a token that works at now.
func (s *store) liveSessions(p Product, now time.Time) []Principal {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Principal
	for _, sess := range s.sessions {
		if sess.product != p {
			continue
		}
		for _, h := range sess.tokens {
			if rec := s.tokens[h]; rec != nil && now.Before(rec.exp) {
				out = append(out, sess.principal())
				break
			}
		}
	}
	return out
}

// pruneLocked drops tokens and one-time secrets long past their expiry.
func (s *store) pruneLocked(now time.Time) {
	s.issued = 0
	for h, rec := range s.tokens {
		if now.After(rec.exp.Add(pruneGrace)) {
			delete(s.tokens, h)
		}
	}
	for id, sess := range s.sessions {
		live := sess.tokens[:0]
		for _, h := range sess.tokens {
			if s.tokens[h] != nil {
				live = append(live, h)
			}
		}
		sess.tokens = live
		if len(live) == 0 {
			delete(s.sessions, id)
		}
	}
	for h, o := range s.once {
		if now.After(o.exp.Add(pruneGrace)) {
			delete(s.once, h)
		}
	}
}

// ---- single-use secrets ----

func (s *store) putOnce(kind onceKind, p Product, raw, userName string, exp time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.once[hashToken(raw)] = &oneTime{kind: kind, product: p, userKey: userKey(userName), exp: exp}
}

// takeOnce consumes the single-use secret raw and returns its user name.
func (s *store) takeOnce(kind onceKind, p Product, raw string, now time.Time) (string, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, aerr := s.findOnceLocked(kind, p, raw, now)
	if aerr != nil {
		return "", aerr
	}
	delete(s.once, hashToken(raw))
	return s.onceUserLocked(o)
}

// peekOnce checks raw without consuming it (SAML requests may be reused
// until they expire).
func (s *store) peekOnce(kind onceKind, p Product, raw string, now time.Time) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, aerr := s.findOnceLocked(kind, p, raw, now)
	return aerr
}

func (s *store) findOnceLocked(kind onceKind, p Product, raw string, now time.Time) (*oneTime, *apiError) {
	if raw == "" {
		return nil, errInvalidToken("the value is missing")
	}
	h := hashToken(raw)
	o := s.once[h]
	if o == nil || o.kind != kind || o.product != p {
		return nil, errInvalidToken("the value is not valid or has already been used")
	}
	if !now.Before(o.exp) {
		delete(s.once, h)
		return nil, errExpiredToken("the value has expired")
	}
	return o, nil
}

func (s *store) onceUserLocked(o *oneTime) (string, *apiError) {
	u := s.users[o.product][o.userKey]
	if u == nil {
		return "", errInvalidToken("the user no longer exists")
	}
	return u.Name, nil
}

// ---- MFA ----

// totpOpts are the TOTP parameters of Backup for AWS (Google Authenticator).
var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

func decodeSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.TrimSpace(secret))
	s = strings.TrimRight(s, "=")
	return base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
}

// validTOTP reports whether code is a TOTP of secret at now (±1 step).
func validTOTP(code, secret string, now time.Time) bool {
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return false
	}
	ok, err := totp.ValidateCustom(code, secret, now, totpOpts)
	return err == nil && ok
}

// TOTPCode returns the 6-digit code of the base32 secret at t, as an
// authenticator application would show it (SHA1, 30 s, 6 digits).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts)
}

// checkCodeLocked checks code against m: a TOTP or an unused scratch code,
// which it consumes.
func checkCodeLocked(m *mfaSecret, code string, now time.Time) bool {
	code = strings.TrimSpace(code)
	switch len(code) {
	case 6:
		return validTOTP(code, m.Secret, now)
	case 8:
		for i, sc := range m.Scratch {
			if equalSecret(sc, code) {
				m.Scratch = slices.Delete(m.Scratch, i, i+1)
				return true
			}
		}
	}
	return false
}

// mfaLogin checks the mfa_token and code; on success it consumes the token
// and returns the user's name. A wrong code leaves the token usable until
// maxMFAAttempts wrong codes.
func (s *store) mfaLogin(p Product, mfaToken, code string, now time.Time) (string, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, aerr := s.findOnceLocked(onceMFAToken, p, mfaToken, now)
	if aerr != nil {
		return "", aerr
	}
	u := s.users[p][o.userKey]
	if u == nil {
		delete(s.once, hashToken(mfaToken))
		return "", errInvalidToken("the user no longer exists")
	}
	if u.MFA == nil {
		// MFA was turned off after the password step: the password
		// already proved the user.
		delete(s.once, hashToken(mfaToken))
		return u.Name, nil
	}
	if !checkCodeLocked(u.MFA, code, now) {
		o.attempts++
		if o.attempts >= maxMFAAttempts {
			delete(s.once, hashToken(mfaToken))
		}
		return "", errAccessDenied("the verification code is not valid")
	}
	delete(s.once, hashToken(mfaToken))
	s.dirty = true // a scratch code may have been used
	return u.Name, nil
}

// newMFASecret makes a TOTP secret (16 random bytes, base32 without padding,
// as long as the documented example) and five 8-digit scratch codes.
func newMFASecret(issuer, account string) (mfaSecret, error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: issuer, AccountName: account, SecretSize: 16,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Period: 30,
	})
	if err != nil {
		return mfaSecret{}, err
	}
	m := mfaSecret{Secret: key.Secret()}
	for range 5 {
		m.Scratch = append(m.Scratch, randomDigits(8))
	}
	return m, nil
}
