// Package emulator is an in-memory stand-in for the REST authentication and
// multi-factor authentication surfaces of ten Veeam products: Backup for
// AWS, Backup & Replication, Recovery Orchestrator, Availability
// Orchestrator, Backup Enterprise Manager, Backup for Microsoft 365, Veeam
// ONE, Service Provider Console, Backup for Microsoft Azure and Backup for
// Google Cloud.
//
// One Emulator holds one core.Store (accounts, sessions, single-use
// secrets, counters) guarded by one mutex, one Clock that every expiry
// reads, and one token issuer. Handler(p) returns the http.Handler of
// product p; serve each on its own listener (emulatortest.Start does that
// for tests, cmd/veeam-emulator for people).
//
// Tests move time with Options.Clock = NewClock(t0) and Clock().Advance(d)
// instead of sleeping, add accounts with AddUser, read account state with
// User or AWSUser, and assert traffic with Counters.
//
// Where the reference documents are silent the emulator makes a choice; every
// such choice is listed in DECISIONS.md beside this file.
//
// The domain (accounts, sessions and tokens, single-use values, the MFA
// state machine, counters, the clock) lives in package core, which knows no
// HTTP. Each product's routes and wire formats live in its own files (aws*.go,
// vbr*.go, vro.go, vao.go, orchestrator.go for what the two orchestrators
// share, em*.go, m365.go, one.go, spc.go, azure*.go, gcp.go); each describes
// itself as a productWire (routes, error body, lifetimes, account flags),
// listed once in the wires table of routing.go, beside namesAndPorts (each
// product's name in messages and veeam-emulator's default port). Every token
// endpoint, bearer check and logout runs through token_endpoint.go and
// grants.go: a product describes its endpoint as a tokenEndpoint value and
// its session as an authScheme. builds.go holds the published builds of
// each product (Options.Builds): which API revisions each accepts; wires ask
// the request's revision (revisionAtLeast) where endpoints or shapes differ.
// request.go is the one place request bodies are read (size limit, UTF-8,
// one JSON value). The rest is plumbing: emulator.go (assembly),
// middleware.go, routing.go, errors.go, logging.go, control.go, state.go,
// seed*.go.
//
// The tests check every endpoint at every claimed revision against JSON
// schemas written from Veeam's published specifications
// (testdata/schemas; spec_conformance_test.go), and generate the endpoint ×
// revision × status table of the emulator guide from the same calls.
package emulator
