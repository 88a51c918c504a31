package core

// Kind is what went wrong, in domain terms; each product's wire file maps
// it to a status and an error body.
type Kind int

// The kinds of domain error.
const (
	Invalid      Kind = iota + 1 // the request breaks a rule (a missing or malformed value)
	Denied                       // the credentials or the code are wrong
	InvalidToken                 // a token or single-use value is unknown, spent or revoked
	Expired                      // a token or single-use value is past its lifetime
	Forbidden                    // the caller may not do this
	NotFound                     // no such account or session
	Conflict                     // the name is taken
	Internal                     // the emulator failed (a bug or the system's randomness)
)

// Error is a domain error: a kind and a sentence for the error body.
type Error struct {
	Kind   Kind
	Detail string
}

func (e *Error) Error() string { return e.Detail }

func fail(k Kind, detail string) *Error { return &Error{Kind: k, Detail: detail} }

// The account errors callers test with errors.Is.
var (
	ErrUserExists   = fail(Conflict, "user already exists")
	ErrUserNotFound = fail(NotFound, "user not found")
)
