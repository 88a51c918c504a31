// Package emulator is an in-memory stand-in for the REST authentication and
// multi-factor authentication surfaces of five Veeam products: Backup for
// AWS, Backup & Replication, Recovery Orchestrator, Availability
// Orchestrator and Backup Enterprise Manager.
//
// One Emulator holds one store (accounts, sessions, single-use secrets,
// counters) guarded by one mutex, one Clock that every expiry reads, and one
// token issuer. Handler(p) returns the http.Handler of product p; serve each
// on its own listener (emulatortest.Start does that for tests,
// cmd/veeam-emulator for people).
//
// Tests move time with Options.Clock = NewClock(t0) and Clock().Advance(d)
// instead of sleeping, add accounts with AddUser, read account state with
// User or AWSUser, and assert traffic with Counters.
//
// Where the reference documents are silent the emulator makes a choice; every
// such choice is listed in DECISIONS.md beside this file.
//
// Each product's routes and wire formats live in its own file (aws.go,
// vbr.go, vro.go, vao.go, em.go); everything shared lives in store.go,
// clock.go, tokens.go, counters.go, errors.go, request.go, logging.go,
// control.go, state.go and emulator.go.
package emulator
