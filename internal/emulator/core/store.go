package core

import (
	"encoding/base64"
	"sync"
)

// Store is the one in-memory state of the emulator, shared by every
// product; mu guards everything in it.
type Store struct {
	mu       sync.Mutex
	iss      *issuer
	users    map[Product]map[string]*Account
	tokens   map[tokenHash]*tokenRec
	sessions map[string]*session
	once     map[tokenHash]*oneTime
	ctr      map[Product]*Counters
	flags    map[Product]map[string]bool
	issued   int  // tokens minted since the last prune
	dirty    bool // accounts changed since the last Snapshot
}

// NewStore returns an empty store with a fresh signing key.
func NewStore() (*Store, error) {
	iss, err := newIssuer()
	if err != nil {
		return nil, err
	}
	s := &Store{iss: iss}
	s.Reset()
	return s, nil
}

// Reset forgets every account, session, token, single-use value, switch and
// counter. The signing key stays.
func (s *Store) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users = map[Product]map[string]*Account{}
	s.tokens = map[tokenHash]*tokenRec{}
	s.sessions = map[string]*session{}
	s.once = map[tokenHash]*oneTime{}
	s.ctr = map[Product]*Counters{}
	s.flags = map[Product]map[string]bool{}
	s.issued = 0
	s.dirty = true
}

// Flag returns p's product-wide switch name (false when never set).
func (s *Store) Flag(p Product, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flags[p][name]
}

// SetFlag sets p's product-wide switch name. Switches are memory only, like
// sessions: Reset clears them and the state file does not keep them.
func (s *Store) SetFlag(p Product, name string, v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flags[p] == nil {
		s.flags[p] = map[string]bool{}
	}
	s.flags[p][name] = v
}

// Seal returns a value derived from data under the store's signing key
// (URL-safe base64 of an HMAC): stable for one Store, different for every
// Store. Backup & Replication's platform service tokens are made with it.
func (s *Store) Seal(data string) string {
	return base64.RawURLEncoding.EncodeToString(s.iss.mac(data))
}

// Dirty reports whether the accounts changed since the last Snapshot.
func (s *Store) Dirty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dirty
}

// MarkDirty records that the last Snapshot was not saved.
func (s *Store) MarkDirty() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dirty = true
}

// Snapshot returns a copy of every product's accounts (keyed by UserKey)
// and clears the dirty mark.
func (s *Store) Snapshot() map[Product]map[string]*Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[Product]map[string]*Account{}
	for p, m := range s.users {
		cp := map[string]*Account{}
		for k, u := range m {
			c := *u
			cp[k] = &c
		}
		out[p] = cp
	}
	s.dirty = false
	return out
}

// Restore replaces p's accounts with users (as a Snapshot gave them; the
// keys are ignored).
func (s *Store) Restore(p Product, users map[string]*Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := map[string]*Account{}
	for _, u := range users {
		if u != nil && u.Name != "" {
			m[UserKey(u.Name)] = u
		}
	}
	s.users[p] = m
}
