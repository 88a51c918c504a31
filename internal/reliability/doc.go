// Package reliability holds end-to-end reliability scenarios (issue #12), as Go tests only,
// against the emulator in process, behind a recording front end that sees every status and
// every secret on the wire:
//
//   - lost answers: behind a proxy that answers 10% of requests 503 and resets 5% of
//     connections before and 5% after forwarding (deterministic per seed), create, rotate,
//     create users with a password and destroy end with 0 failed commands, Terraform's state
//     equal to the appliance's record, every secret in state logging in, and no session left
//     open (lost_answers_test.go, proxy_test.go, appliance_test.go);
//   - an apply and a destroy through the emulator's own injected faults (503s, dropped
//     connections) with the default max_retries (faults_test.go);
//   - 3-second access tokens: at -parallelism=10 the apply succeeds, renewing proactively; at
//     1 s latency no 401 reaches the user and no session is left open;
//   - a TOTP code logs in once: two logins of one MFA user in one step both succeed, the
//     second after the client waits for the next step;
//   - a TF_LOG=TRACE run shows none of the secrets that crossed the wire;
//   - a configuration with ephemeral resources and write-only arguments leaves no password and
//     no token in the raw state;
//   - bad provider configurations, resource arguments, imports and wire requests get messages
//     that name the attribute or field, and never a 5xx or a panic; user names with a space,
//     non-ASCII letters, +, %, #, ? or / go through create, read, MFA, import and destroy.
//
// Some scenarios serve the provider in process (providerserver, driven by the real terraform
// CLI through terraform-plugin-testing, as internal/provider does): fast, under the race
// detector, with the emulator's state at hand. The others build the provider binary and run the
// terraform CLI against it from a filesystem mirror, as a user would: they need several
// provider configurations (an authorization code handed from one to another, a user with MFA),
// the provider's logout when Terraform stops it (open sessions are counted), or the log
// Terraform writes; in process every configuration reaches the one provider server, where the
// last configured one wins.
//
// `make test` runs them at small sizes; `make reliability` sets VEEAM_RELIABILITY_FULL=1 for
// the full sizes and VEEAM_RELIABILITY_REPORT=docs/reliability.md, where the figures of each
// scenario and seed are written (report_test.go). The terraform CLI (TF_ACC=1,
// TF_ACC_TERRAFORM_PATH) is needed as for every acceptance test, and go on PATH to build the
// provider.
package reliability
