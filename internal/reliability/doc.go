// Package reliability holds end-to-end reliability scenarios, as Go tests only, against the
// emulator in process, behind a recording front end that sees every status and every secret on
// the wire:
//
//   - an apply through injected faults (503s, dropped connections) ends with the emulator's MFA
//     state equal to Terraform's;
//   - 3-second access tokens at -parallelism=10: the apply succeeds, renewing proactively;
//   - a TF_LOG=TRACE run shows none of the secrets that crossed the wire;
//   - a configuration with ephemeral resources and write-only arguments leaves no password and
//     no token in the raw state;
//   - bad provider configurations and bad wire requests get messages that name the attribute or
//     field, and never a 500 or a panic.
//
// The fault, token-lifetime and bad-configuration scenarios serve the provider in process
// (providerserver, driven by the real terraform CLI through terraform-plugin-testing, as
// internal/provider does): fast, under the race detector, with the emulator's state at hand.
// The log and state scenarios build the provider binary and run the terraform CLI against it
// from a filesystem mirror, as a user would: they need several provider configurations (an
// authorization code handed from one to another, a user with MFA), and in process every
// configuration reaches the one provider server, where the last configured one wins; and the log
// must be the one Terraform writes, with the provider's lines arriving through go-plugin.
//
// `make test` runs them at small sizes; `make reliability` sets VEEAM_RELIABILITY_FULL=1 for
// the full sizes. The terraform CLI (TF_ACC=1, TF_ACC_TERRAFORM_PATH) is needed as for every
// acceptance test, and go on PATH to build the provider.
package reliability
