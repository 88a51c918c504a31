package core

import (
	"encoding/base64"
	"time"
)

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

// Is reports whether the principal is the account called name.
func (pr Principal) Is(name string) bool { return pr.userKey == UserKey(name) }

func (sess *session) principal() Principal {
	return Principal{Product: sess.product, UserName: sess.userName, Role: sess.role, SessionID: sess.id, userKey: sess.userKey}
}

// Tokens is what a successful login or refresh hands out.
type Tokens struct {
	Access     string
	Refresh    string // "" when the session has no refresh lifetime
	Issued     time.Time
	AccessExp  time.Time
	RefreshExp time.Time
	UserName   string
	Role       string
	SessionID  string
}

// LoginOptions are the lifetimes and rules of one login.
type LoginOptions struct {
	Access, Refresh time.Duration // Refresh 0: no refresh token
	Slide           bool          // access expiry slides on use (EM idle timeout)
	Opaque          bool          // access token is base64 of 16 random bytes (EM X-RestSvcSessionId)
	EndOthers       bool          // revoke the account's other sessions (VRO single-session mode)
}

// pruneGrace is how long an expired token stays indexed so that it is
// answered with ExpiredToken rather than InvalidToken.
const pruneGrace = 24 * time.Hour

// Login starts a session for p's user called name and counts the login.
func (s *Store) Login(p Product, name string, now time.Time, o LoginOptions) (Tokens, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(p, name)
	if u == nil {
		return Tokens{}, fail(Denied, "the user no longer exists")
	}
	sess := &session{
		id: RandomUUID(), product: p, userKey: UserKey(u.Name), userName: u.Name,
		role: u.Role, refreshTTL: o.Refresh, opaque: o.Opaque,
	}
	if o.Slide {
		sess.slide = o.Access
	}
	if o.EndOthers {
		for _, other := range s.sessions {
			if other.product == p && other.userKey == sess.userKey {
				s.revokeLocked(other)
			}
		}
	}
	s.sessions[sess.id] = sess
	tp, err := s.mintLocked(sess, now, o.Access)
	if err == nil {
		s.counters(p).Logins++
	}
	return tp, err
}

// mintLocked adds a new access token (and refresh token when the session
// has a refresh lifetime) to sess.
func (s *Store) mintLocked(sess *session, now time.Time, access time.Duration) (Tokens, error) {
	s.issued++
	if s.issued >= 1024 {
		s.pruneLocked(now)
	}
	tp := Tokens{Issued: now, AccessExp: now.Add(access), UserName: sess.userName, Role: sess.role, SessionID: sess.id}
	var err error
	if sess.opaque {
		tp.Access = base64.StdEncoding.EncodeToString(RandomBytes(16))
	} else {
		tp.Access, err = s.iss.mint(sess.userName, "access", now, tp.AccessExp, nil)
	}
	if err != nil {
		return Tokens{}, fail(Internal, "token signing failed")
	}
	ah := hashToken(tp.Access)
	s.tokens[ah] = &tokenRec{hash: ah, kind: kindAccess, sess: sess, exp: tp.AccessExp}
	sess.tokens = append(sess.tokens, ah)
	if sess.refreshTTL > 0 {
		tp.RefreshExp = now.Add(sess.refreshTTL)
		tp.Refresh, err = s.iss.mint(sess.userName, "refresh", now, tp.RefreshExp, map[string]any{"token_id": RandomUUID()})
		if err != nil {
			return Tokens{}, fail(Internal, "token signing failed")
		}
		rh := hashToken(tp.Refresh)
		s.tokens[rh] = &tokenRec{hash: rh, kind: kindRefresh, sess: sess, exp: tp.RefreshExp}
		sess.tokens = append(sess.tokens, rh)
		sess.refresh, sess.hasRefresh = rh, true
	}
	return tp, nil
}

// lookupLocked finds the token raw of kind in p's sessions.
func (s *Store) lookupLocked(p Product, raw string, kind tokenKind, now time.Time) (*tokenRec, error) {
	if raw == "" {
		return nil, fail(InvalidToken, "the token is missing")
	}
	h := hashToken(raw)
	rec := s.tokens[h]
	if rec == nil || !equalHash(rec.hash, h) || rec.kind != kind || rec.sess.product != p {
		return nil, fail(InvalidToken, "the token is not valid")
	}
	if !now.Before(rec.exp) {
		return nil, fail(Expired, "the token has expired")
	}
	return rec, nil
}

// Refresh trades the refresh token raw for new tokens whose access token
// lives access; raw stops working (rotation). It counts the refresh.
func (s *Store) Refresh(p Product, raw string, now time.Time, access time.Duration) (Tokens, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.lookupLocked(p, raw, kindRefresh, now)
	if err != nil {
		return Tokens{}, err
	}
	sess := rec.sess
	if !sess.hasRefresh || !equalHash(sess.refresh, rec.hash) {
		return Tokens{}, fail(InvalidToken, "the refresh token has already been used")
	}
	if s.users[p][sess.userKey] == nil {
		s.revokeLocked(sess)
		return Tokens{}, fail(InvalidToken, "the user no longer exists")
	}
	delete(s.tokens, rec.hash)
	sess.hasRefresh = false
	tp, err := s.mintLocked(sess, now, access)
	if err == nil {
		s.counters(p).Refreshes++
	}
	return tp, err
}

// Authenticate resolves the access token raw to its principal; a sliding
// session's expiry moves on.
func (s *Store) Authenticate(p Product, raw string, now time.Time) (Principal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.lookupLocked(p, raw, kindAccess, now)
	if err != nil {
		return Principal{}, err
	}
	if rec.sess.slide > 0 {
		rec.exp = now.Add(rec.sess.slide)
	}
	return rec.sess.principal(), nil
}

// Logout revokes the session the access token raw belongs to and counts
// the logout.
func (s *Store) Logout(p Product, raw string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.lookupLocked(p, raw, kindAccess, now)
	if err != nil {
		return err
	}
	s.revokeLocked(rec.sess)
	s.counters(p).Logouts++
	return nil
}

// EndSession revokes p's session id and counts the logout; it reports
// whether one existed.
func (s *Store) EndSession(p Product, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[id]
	if sess == nil || sess.product != p {
		return false
	}
	s.revokeLocked(sess)
	s.counters(p).Logouts++
	return true
}

func (s *Store) revokeLocked(sess *session) {
	for _, h := range sess.tokens {
		delete(s.tokens, h)
	}
	sess.tokens = nil
	sess.hasRefresh = false
	delete(s.sessions, sess.id)
}

// LiveSessions returns the principals of p's sessions that still hold a
// token that works at now.
func (s *Store) LiveSessions(p Product, now time.Time) []Principal {
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

// pruneLocked drops tokens and single-use values long past their expiry.
func (s *Store) pruneLocked(now time.Time) {
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
