// Command veeam-emulator serves in-memory stand-ins for the REST
// authentication surfaces of Veeam Backup for AWS, Backup & Replication,
// Recovery Orchestrator, Availability Orchestrator and Backup Enterprise
// Manager, one listener per product. Run it with -h for the flags.
//
// flags.go reads the flags and the environment, tls.go makes the
// certificate, serve.go runs one listener per product until a signal.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// version and commit are set by goreleaser (-ldflags "-X main.version=... -X main.commit=...").
var (
	version = "dev"
	commit  = "none"
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "veeam-emulator: %v\n", err)
		return 2
	}
	if c.version {
		fmt.Fprintf(stdout, "veeam-emulator %s (%s)\n", version, commit)
		return 0
	}
	seed, err := c.seed()
	if err != nil {
		fmt.Fprintf(stderr, "veeam-emulator: %v\n", err)
		return 2
	}
	if c.printSeed {
		out, err := json.MarshalIndent(seed, "", "  ")
		if err != nil {
			fmt.Fprintf(stderr, "veeam-emulator: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s\n", out)
		return 0
	}
	if c.statePath != "" && (c.configPath != "" || len(c.users.vals) > 0) {
		if _, err := os.Stat(c.statePath); err == nil {
			fmt.Fprintf(stderr, "veeam-emulator: -state %s exists: its accounts are used and the -config/-user accounts are ignored (delete the file, or POST /emulator/reset with -control, to start from them)\n", c.statePath)
		}
	}
	opts := emulator.Options{
		Lifetimes: c.lifetimes, Seed: seed, Control: c.control, Faults: c.faults, StatePath: c.statePath,
		VROSingleSession: c.vroSingleSession, Builds: c.builds,
	}
	if c.awsVersions != "" {
		for _, v := range strings.Split(c.awsVersions, ",") {
			if v = strings.TrimSpace(v); v != "" {
				opts.AWSVersions = append(opts.AWSVersions, v)
			}
		}
		if len(opts.AWSVersions) == 0 {
			fmt.Fprintln(stderr, "veeam-emulator: -aws-versions lists no version")
			return 2
		}
	}
	if c.logRequests {
		opts.Logger = slog.New(slog.NewJSONHandler(stderr, nil))
	}
	e, err := emulator.New(opts)
	if err != nil {
		fmt.Fprintf(stderr, "veeam-emulator: %v\n", err)
		return 2
	}
	defer func() {
		if err := e.Close(); err != nil {
			fmt.Fprintf(stderr, "veeam-emulator: %v\n", err)
		}
	}()

	tlsConf, status := c.tlsConfig(stderr)
	if status != 0 {
		return status
	}
	return serve(ctx, c, e, tlsConf, stdout, stderr)
}
