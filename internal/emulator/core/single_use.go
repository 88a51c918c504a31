package core

import "time"

// SingleUse tells the single-use values apart.
type SingleUse int

// The single-use values.
const (
	AuthorizationCode SingleUse = iota + 1 // traded once for tokens (authorization_code grant)
	MFAToken                               // between the password and the code step of an MFA login
	SAMLRequest                            // from signOnUrl to the identity provider; reusable until it expires
	SAMLResponse                           // from the identity provider, traded once for tokens
)

// oneTime is a short-lived value bound to a user.
type oneTime struct {
	kind     SingleUse
	product  Product
	userKey  string
	exp      time.Time
	attempts int
}

// Put records raw as a value of kind for p's user userName until exp.
func (s *Store) Put(kind SingleUse, p Product, raw, userName string, exp time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.once[hashToken(raw)] = &oneTime{kind: kind, product: p, userKey: UserKey(userName), exp: exp}
}

// IssueAuthorizationCode hands out a code shaped like the documented ones
// for p's user userName, valid until exp.
func (s *Store) IssueAuthorizationCode(p Product, userName string, exp time.Time) string {
	code := authorizationCode()
	s.Put(AuthorizationCode, p, code, userName, exp)
	return code
}

// IssueMFAToken hands out an mfa_token (base64 of 64 hexadecimal digits, as
// documented) for p's user userName, valid until exp.
func (s *Store) IssueMFAToken(p Product, userName string, exp time.Time) string {
	tok := opaqueToken()
	s.Put(MFAToken, p, tok, userName, exp)
	return tok
}

// Take consumes the value raw of kind and returns its user's name.
func (s *Store) Take(kind SingleUse, p Product, raw string, now time.Time) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.findOnceLocked(kind, p, raw, now)
	if err != nil {
		return "", err
	}
	delete(s.once, hashToken(raw))
	u := s.users[o.product][o.userKey]
	if u == nil {
		return "", fail(InvalidToken, "the user no longer exists")
	}
	return u.Name, nil
}

// Peek checks raw without consuming it (SAML requests may be reused until
// they expire).
func (s *Store) Peek(kind SingleUse, p Product, raw string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.findOnceLocked(kind, p, raw, now)
	return err
}

func (s *Store) findOnceLocked(kind SingleUse, p Product, raw string, now time.Time) (*oneTime, error) {
	if raw == "" {
		return nil, fail(InvalidToken, "the value is missing")
	}
	h := hashToken(raw)
	o := s.once[h]
	if o == nil || o.kind != kind || o.product != p {
		return nil, fail(InvalidToken, "the value is not valid or has already been used")
	}
	if !now.Before(o.exp) {
		delete(s.once, h)
		return nil, fail(Expired, "the value has expired")
	}
	return o, nil
}
