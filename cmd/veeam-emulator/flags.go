package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// listFlag is a repeatable string flag; each value may hold several
// comma-separated items when split is set.
type listFlag struct {
	vals  []string
	split bool
}

func (l *listFlag) String() string { return strings.Join(l.vals, ",") }
func (l *listFlag) Set(v string) error {
	if !l.split {
		l.vals = append(l.vals, v)
		return nil
	}
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			l.vals = append(l.vals, s)
		}
	}
	return nil
}

// buildsFlag is the repeatable -build PRODUCT=BUILD flag.
type buildsFlag map[emulator.Product]string

func (b buildsFlag) String() string {
	var out []string
	for _, p := range emulator.AllProducts() {
		if v, ok := b[p]; ok {
			out = append(out, string(p)+"="+v)
		}
	}
	return strings.Join(out, ",")
}

func (b buildsFlag) Set(v string) error {
	ps, build, ok := strings.Cut(v, "=")
	p := emulator.Product(strings.ToLower(strings.TrimSpace(ps)))
	build = strings.TrimSpace(build)
	if !ok || !p.Valid() || build == "" {
		return fmt.Errorf("want PRODUCT=BUILD with PRODUCT one of %s", productList())
	}
	if !slices.Contains(emulator.KnownBuilds(p), build) {
		return fmt.Errorf("%s has no build %q; known: %s", p, build, strings.Join(emulator.KnownBuilds(p), ", "))
	}
	b[p] = build
	return nil
}

// productList is "aws, vbr, vro, vao, em".
func productList() string {
	var out []string
	for _, p := range emulator.AllProducts() {
		out = append(out, string(p))
	}
	return strings.Join(out, ", ")
}

// buildsUsage describes -build: every product's builds, default last.
func buildsUsage() string {
	var out []string
	for _, p := range emulator.AllProducts() {
		out = append(out, string(p)+" "+strings.Join(emulator.KnownBuilds(p), ", ")+" (default "+emulator.DefaultBuild(p)+")")
	}
	return "play this published `PRODUCT=BUILD` (repeatable, e.g. -build vbr=12.3 -build aws=1.0); the build decides the API revisions accepted and the endpoints served. Builds: " + strings.Join(out, "; ")
}

// config is everything the flags and environment say.
type config struct {
	version     bool // -version
	addrs       map[emulator.Product]string
	plainHTTP   bool
	tlsHosts    listFlag
	caCertOut   string
	users       listFlag
	lifetimes   emulator.Lifetimes
	awsVersions string
	builds      buildsFlag
	control     bool
	logRequests bool
	statePath   string
	faults      emulator.Faults
	configPath  string // -config: the seed file that replaces the default accounts
	printSeed   bool   // -print-seed: print the resulting seed and exit
	flags       *flag.FlagSet
	// vroSingleSession: a Recovery Orchestrator password login ends the user's other sessions.
	vroSingleSession bool
}

const usageHead = `veeam-emulator serves in-memory emulations of the REST authentication and MFA
surfaces of eight Veeam products, one listener per product (an empty address
disables a product). It prints one line per product,
  veeam-emulator: aws listening on https://127.0.0.1:11005
and stops cleanly on SIGINT or SIGTERM.

Default accounts: aws administrator/Password1 (Portal Administrator),
operator/Password1 (Portal Operator), restore/Password1 (Restore Operator),
identity-provider user sara_baker@companymail.com/Admin345Dept01;
vbr, vro, em, m365, one, spc administrator/Password1;
vao VEEAM\administrator/Password1;
vro client account terraform-client/Client-Secret1 (client_credentials);
em tenant account tenant01/Password1 (LoginSpec logon only); m365 restore
operator operator01.tenant01 and application terraform-app (operator and
jwt-bearer grants, assertions Operator-Assertion1 and App-Assertion1)
(the full list: veeam-emulator -print-seed). -config FILE replaces them with
the accounts of a JSON seed file (format: examples/emulator/seed.json in the
source); -user flags add Backup for AWS accounts on top of either.

Environment (flags win): VEEAM_ACCESS_TOKEN_LIFETIME_SEC (seconds),
VEEAM_REFRESH_TOKEN_LIFETIME_DAYS (days, may be fractional),
VEEAM_AUTHORIZATION_CODE_LIFETIME_SECONDS (seconds).

Flags:
`

func parse(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("veeam-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.PrintDefaults()
	}
	c := &config{addrs: map[emulator.Product]string{}, tlsHosts: listFlag{split: true}, builds: buildsFlag{}, flags: fs}
	addrs := map[emulator.Product]*string{}
	for _, p := range emulator.AllProducts() {
		port, doc := emulator.ListenerDefault(p)
		addrs[p] = fs.String(string(p), fmt.Sprintf("127.0.0.1:%d", port), "listen `ADDR` for "+doc+"; \"\" disables it; port 0 picks a free port")
	}
	fs.BoolVar(&c.plainHTTP, "plain-http", false, "serve plain HTTP instead of HTTPS")
	fs.BoolVar(&c.version, "version", false, "print the version and exit")
	fs.Var(&c.tlsHosts, "tls-host", "extra DNS `NAME` or IP for the self-signed certificate, which always covers 127.0.0.1, ::1 and localhost (repeatable, comma-separated)")
	fs.StringVar(&c.caCertOut, "ca-cert-out", "", "write the self-signed certificate (PEM, mode 0644) to `FILE`, atomically, before the listening lines are printed")
	fs.StringVar(&c.configPath, "config", "", "start with the accounts of this JSON seed `FILE` (users, passwords, roles, MFA secrets and scratch codes, identity-provider users, service, client and tenant accounts, per product) instead of the default ones; a product the file leaves out has no accounts")
	fs.BoolVar(&c.printSeed, "print-seed", false, "print the accounts -config and -user make (the default ones without them) as a JSON seed on stdout and exit; checks a -config file without serving")
	fs.Var(&c.users, "user", "add or replace a Backup for AWS account, `NAME:PASSWORD[:ROLE]`; ROLE is Portal Administrator (default), Portal Operator or Restore Operator; the password cannot contain ':' (repeatable)")
	access := fs.Duration("access-token-lifetime", 0, "access token lifetime for every product (0: VEEAM_ACCESS_TOKEN_LIFETIME_SEC or the product default: aws, m365, spc 1h; vbr, vro, vao, one 15m; em: session idle timeout 15m)")
	refresh := fs.Duration("refresh-token-lifetime", 0, "refresh token lifetime (0: VEEAM_REFRESH_TOKEN_LIFETIME_DAYS or the product default: aws 2h, vbr 336h, vro, vao, m365, one, spc 24h)")
	code := fs.Duration("authorization-code-lifetime", 0, "authorization code lifetime (0: VEEAM_AUTHORIZATION_CODE_LIFETIME_SECONDS or 60s)")
	mfa := fs.Duration("mfa-token-lifetime", 0, "lifetime of the mfa_token between the two steps of an MFA login (0: 5m)")
	fs.Var(c.builds, "build", buildsUsage())
	fs.StringVar(&c.awsVersions, "aws-versions", "", "comma-separated x-api-version values Backup for AWS accepts (default: its build's, 1.0-rev0 … 1.8-rev0 for build 10)")
	fs.BoolVar(&c.control, "control", false, "serve the /emulator/ control API on every listener: POST /emulator/clock/advance?seconds=N, GET /emulator/clock, GET /emulator/counters, POST /emulator/reset, POST /emulator/users, GET /emulator/users/{product}/{name}, GET /emulator/totp, GET /emulator/sessions, GET /emulator/info (each product's build and accepted revisions)")
	fs.BoolVar(&c.logRequests, "log-requests", false, "log every request as JSON on stderr (authorization headers, passwords, tokens, codes and secrets masked)")
	fs.StringVar(&c.statePath, "state", "", "keep the accounts (users, passwords, MFA secrets) in this JSON `FILE` across restarts, written and fsynced before each change is acknowledged; when it exists its accounts replace the -config/-user ones; tokens and sessions stay in memory")
	fs.DurationVar(&c.faults.Latency, "fault-latency", 0, "add this latency to every product request")
	fs.Float64Var(&c.faults.ServiceUnavailableRate, "fault-503-rate", 0, "fraction (0..1) of product requests answered 503 ServiceUnavailable")
	fs.Float64Var(&c.faults.DropRate, "fault-drop-rate", 0, "fraction (0..1) of product requests whose connection is dropped")
	fs.BoolVar(&c.vroSingleSession, "vro-single-session", false, "Recovery Orchestrator: a password login ends the same user's other sessions (the interference its documents warn about); client_credentials sessions are not affected")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	for p, a := range addrs {
		c.addrs[p] = strings.TrimSpace(*a)
	}
	var err error
	if c.lifetimes, err = envLifetimes(); err != nil {
		return nil, err
	}
	for _, o := range []struct {
		v   time.Duration
		dst *time.Duration
		n   string
	}{{*access, &c.lifetimes.AccessToken, "access-token-lifetime"}, {*refresh, &c.lifetimes.RefreshToken, "refresh-token-lifetime"},
		{*code, &c.lifetimes.AuthorizationCode, "authorization-code-lifetime"}, {*mfa, &c.lifetimes.MFAToken, "mfa-token-lifetime"}} {
		if o.v < 0 {
			return nil, fmt.Errorf("-%s must not be negative", o.n)
		}
		if o.v > 0 {
			*o.dst = o.v
		}
	}
	return c, nil
}

// envLifetimes reads the Backup for AWS lifetime variables.
func envLifetimes() (emulator.Lifetimes, error) {
	var l emulator.Lifetimes
	for _, v := range []struct {
		name string
		unit time.Duration
		dst  *time.Duration
	}{
		{"VEEAM_ACCESS_TOKEN_LIFETIME_SEC", time.Second, &l.AccessToken},
		{"VEEAM_REFRESH_TOKEN_LIFETIME_DAYS", 24 * time.Hour, &l.RefreshToken},
		{"VEEAM_AUTHORIZATION_CODE_LIFETIME_SECONDS", time.Second, &l.AuthorizationCode},
	} {
		s := strings.TrimSpace(os.Getenv(v.name))
		if s == "" {
			continue
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f <= 0 || f > 1e6 {
			return l, fmt.Errorf("%s=%q: want a positive number", v.name, s)
		}
		*v.dst = time.Duration(f * float64(v.unit))
	}
	return l, nil
}

// seed returns the -config seed (or the default one) with the -user
// accounts added or replaced, checked.
func (c *config) seed() (*emulator.Seed, error) {
	s := emulator.DefaultSeed()
	if c.configPath != "" {
		var err error
		if s, err = emulator.LoadSeed(c.configPath); err != nil {
			return nil, fmt.Errorf("-config: %w", err)
		}
	}
	if s.Users == nil {
		s.Users = map[emulator.Product][]emulator.SeedUser{}
	}
	for _, spec := range c.users.vals {
		parts := strings.SplitN(spec, ":", 3)
		if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
			return nil, fmt.Errorf("-user %q: want NAME:PASSWORD[:ROLE]", spec)
		}
		u := emulator.SeedUser{Name: parts[0], Password: parts[1], Role: emulator.RolePortalAdministrator}
		if len(parts) == 3 && parts[2] != "" {
			u.Role = parts[2]
		}
		users := s.Users[emulator.AWS]
		replaced := false
		for i := range users {
			if strings.EqualFold(users[i].Name, u.Name) {
				u.IsDefault = users[i].IsDefault
				users[i] = u
				replaced = true
			}
		}
		if !replaced {
			users = append(users, u)
		}
		s.Users[emulator.AWS] = users
	}
	if err := emulator.ValidateSeed(s); err != nil {
		if len(c.users.vals) > 0 {
			return nil, fmt.Errorf("the accounts (-config, -user) are not valid: %w", err)
		}
		return nil, fmt.Errorf("the accounts are not valid: %w", err)
	}
	return s, nil
}
