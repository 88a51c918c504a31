// Package core is the emulator's domain: accounts, logon sessions and their
// tokens, single-use values (authorization codes, mfa tokens, SAML
// messages, scratch codes), the MFA state machine, counters and the clock.
//
// It knows nothing of HTTP (a test keeps net/http out of its imports): its
// verbs (AddUser, Login, Refresh, Logout, EnableMFA, AcceptMFA, ...) take
// and return plain values and fail with *Error, whose Kind each product's
// wire file maps to its own error body. One Store serves every product; one
// mutex guards it.
package core
