package core

import (
	"sync"
	"time"
)

// Clock is the emulator's notion of "now". Every expiry the emulator checks
// (access and refresh tokens, authorization codes, MFA tokens, TOTP codes,
// SAML messages) reads this clock, so a test can move time forward with
// Advance instead of sleeping.
//
// The zero value is a real clock (time.Now) with no offset. NewClock returns a
// frozen clock that moves only when Advance is called. Advance also works on
// a real clock: it adds a permanent offset. A Clock is safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	frozen bool
	t      time.Time     // frozen clocks: the current time
	offset time.Duration // real clocks: added to time.Now
}

// NewClock returns a frozen clock that reads t until Advance moves it.
func NewClock(t time.Time) *Clock {
	return &Clock{frozen: true, t: t}
}

// NewRealClock returns a clock that follows time.Now (plus whatever Advance
// adds).
func NewRealClock() *Clock { return &Clock{} }

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.t
	}
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d (backward when d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.t = c.t.Add(d)
		return
	}
	c.offset += d
}
