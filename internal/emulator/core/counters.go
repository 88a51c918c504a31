package core

import "maps"

// Counters is a snapshot of what one product's listener has served since
// the emulator started (or since the last Reset). Requests to the /emulator/
// control API are not counted.
type Counters struct {
	// Endpoints counts every request by "METHOD PATTERN", where PATTERN is the
	// route as registered (e.g. "DELETE /api/v1/token",
	// "GET /api/v1/users/{userId}"). Token endpoints add the grant:
	// "POST /api/v1/token grant=password". Known grants are spelled in lower
	// case; an unknown one is "grant=(other)", a missing one "grant=(none)".
	// Requests that match no route count as "METHOD (unmatched)".
	Endpoints map[string]int `json:"endpoints"`
	// Logins counts successful logins that yielded tokens or a session
	// (password without MFA, mfa, authorization_code, SAML, client
	// credentials, Enterprise Manager logons). A password grant that only
	// yields an mfa_token is not a login.
	Logins int `json:"logins"`
	// Refreshes counts successful refresh_token grants.
	Refreshes int `json:"refreshes"`
	// Logouts counts successful logouts.
	Logouts int `json:"logouts"`
	// Status4xx and Status5xx count responses by status class.
	Status4xx int `json:"status4xx"`
	Status5xx int `json:"status5xx"`
	// Dropped counts connections dropped on purpose by Faults.DropRate.
	Dropped int `json:"dropped"`
}

// clone returns a deep copy (the map is copied).
func (c *Counters) clone() Counters {
	out := *c
	out.Endpoints = maps.Clone(c.Endpoints)
	if out.Endpoints == nil {
		out.Endpoints = map[string]int{}
	}
	return out
}

// counters returns p's live counters; the caller holds mu.
func (s *Store) counters(p Product) *Counters {
	c := s.ctr[p]
	if c == nil {
		c = &Counters{Endpoints: map[string]int{}}
		s.ctr[p] = c
	}
	return c
}

// CountRequest records one finished request for p under key (the route,
// see Counters.Endpoints).
func (s *Store) CountRequest(p Product, key string, status int, dropped bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counters(p)
	c.Endpoints[key]++
	switch {
	case dropped:
		c.Dropped++
	case status >= 500:
		c.Status5xx++
	case status >= 400:
		c.Status4xx++
	}
}

// Counters returns a snapshot of p's counters. The caller owns the copy.
func (s *Store) Counters(p Product) Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counters(p).clone()
}
