package client

// API revisions: which ones the client knows for each product whose requests carry a version
// header, and how a session whose api_version is unset settles on the newest revision both it
// and the server know (design/versions.md). The negotiation is written once, here, and runs
// inside Send: the first request of a session is sent with the newest revision the client
// knows; while the server answers that the revision is not supported, it is sent again with the
// next older one. The first answer that is not a refusal settles the revision for the session.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// knownRevisions are the x-api-version values the client knows (its decoders are tested
// against each revision's published shapes), newest first.
var knownRevisions = map[Product][]string{
	VBR: {"1.3-rev2", "1.3-rev1", "1.3-rev0", "1.2-rev1", "1.2-rev0", "1.1-rev2", "1.1-rev1", "1.1-rev0", "1.0-rev2", "1.0-rev1"},
	AWS: {"1.8-rev0", "1.7-rev0", "1.6-rev0", "1.5-rev0", "1.4-rev0", "1.3-rev0", "1.2-rev0", "1.1-rev0", "1.0-rev0"},
}

// KnownRevisions returns the API revisions the client knows for p, newest first (nil for a
// product without revisions in a header).
func KnownRevisions(p Product) []string { return slices.Clone(knownRevisions[p]) }

// versionNegotiation is a session's settled revision.
type versionNegotiation struct {
	mu      sync.Mutex
	settled string
}

// APIVersion is the API revision the session speaks: api_version when it was set, else the
// revision negotiated with the server ("" until the first answer settles it), else the
// product's default (e.g. Recovery Orchestrator's path version).
func (s *Session) APIVersion() string {
	if s.cfg.APIVersion != "" {
		return s.cfg.APIVersion
	}
	s.version.mu.Lock()
	defer s.version.mu.Unlock()
	return s.version.settled
}

// Negotiated reports whether the session's revision was negotiated (api_version unset) and is
// settled.
func (s *Session) Negotiated() bool {
	return s.cfg.APIVersion == "" && s.APIVersion() != ""
}

// negotiates reports whether a request must go through negotiate: the product has revisions
// in a header, api_version is unset, nothing is settled yet and this is not already one of the
// negotiation's own attempts.
func (s *Session) negotiates(ctx context.Context) bool {
	if s.flavor.VersionHeader == "" || s.cfg.APIVersion != "" || len(knownRevisions[s.flavor.Product]) == 0 {
		return false
	}
	if _, inside := ctx.Value(versionKey{}).(string); inside {
		return false
	}
	return s.APIVersion() == ""
}

type versionKey struct{}

// requestVersion is the revision a request carries: the negotiation's attempt, or the
// session's.
func (s *Session) requestVersion(ctx context.Context) string {
	if v, ok := ctx.Value(versionKey{}).(string); ok {
		return v
	}
	return s.APIVersion()
}

// negotiate sends r with each known revision, newest first, until the server answers anything
// but "this version is not supported"; that revision is then the session's. A failure without
// an answer (connection, TLS) settles nothing. When the server refuses every revision, the
// error is a ConfigError on FieldAPIVersion that keeps the last answer.
func (s *Session) negotiate(ctx context.Context, r Request, tok *Token) (*Response, error) {
	p := s.flavor.Product
	var refused []string
	var last error
	for _, v := range knownRevisions[p] {
		resp, err := s.Send(context.WithValue(ctx, versionKey{}, v), r, tok)
		if err != nil && IsVersionRefusal(err) {
			refused = append(refused, v)
			last = err
			tflog.Debug(ctx, "the server does not support this API revision; trying an older one", map[string]any{"product": string(p), "api_version": v})
			continue
		}
		var apiErr *APIError
		if err == nil || errors.As(err, &apiErr) {
			s.settle(ctx, v, refused)
		}
		return resp, err
	}
	return nil, &ConfigError{Field: FieldAPIVersion, Reason: ReasonUnsupported, Err: last,
		Detail: fmt.Sprintf("the server accepts none of the API revisions this provider knows (%s)", strings.Join(knownRevisions[p], ", "))}
}

// settle records v as the session's revision (once) and logs the choice.
func (s *Session) settle(ctx context.Context, v string, refused []string) {
	s.version.mu.Lock()
	first := s.version.settled == ""
	if first {
		s.version.settled = v
	}
	s.version.mu.Unlock()
	if first {
		tflog.Info(ctx, "negotiated the API revision", map[string]any{
			"product": string(s.flavor.Product), "api_version": v, "refused": strings.Join(refused, ", "),
		})
	}
}

// IsVersionRefusal reports whether err is a server's answer that it does not support the API
// revision the request carried, in the answering product's own words: Backup & Replication's
// 400 NotImplemented "The specified API version is not supported.", Backup for AWS's problem
// types unsupportedApiVersion, invalidApiVersion and apiVersionUnspecified (decodeJSONError
// gives them as the code), or a 400 naming the x-api-version header. Another product's refusal
// (a block pointed at the wrong port) is not one: its login fails as the wrong product.
func IsVersionRefusal(err error) bool {
	var e *APIError
	if !errors.As(err, &e) || e.Status != http.StatusBadRequest {
		return false
	}
	msg := strings.ToLower(e.Message)
	switch {
	case slices.Contains(awsVersionProblems, e.ErrorCode):
		return e.Product == AWS || e.Product == ""
	case e.ErrorCode == "NotImplemented" && strings.Contains(msg, "version"):
		return e.Product == VBR || e.Product == ""
	}
	return strings.Contains(msg, "x-api-version")
}

// awsVersionProblems are Backup for AWS's problem types about the x-api-version header.
var awsVersionProblems = []string{"unsupportedApiVersion", "invalidApiVersion", "apiVersionUnspecified"}

// versionRefused is the ConfigError for a login the server refused because of its revision.
func versionRefused(s *Session, err error) error {
	var ce *ConfigError
	if errors.As(err, &ce) && ce.Field == FieldAPIVersion {
		return err
	}
	return &ConfigError{Field: FieldAPIVersion, Reason: ReasonUnsupported, Detail: fmt.Sprintf("%q is not accepted by the server", s.APIVersion()), Err: err}
}

// CompareRevisions orders two revisions of one product by their numbers:
// "1.2-rev1" < "1.3-rev0" < "1.3-rev2", "v7.21" < "v13".
func CompareRevisions(a, b string) int {
	return slices.Compare(revisionNumbers(a), revisionNumbers(b))
}

func revisionNumbers(v string) []int {
	var out []int
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsDigit(r) }) {
		n, _ := strconv.Atoi(f)
		out = append(out, n)
	}
	return out
}

// UnavailableError says that the server's API revision has no such feature: it came later, or
// was removed. The provider adds what to use instead.
type UnavailableError struct {
	Product Product
	Feature string // e.g. "authorization codes (POST /api/oauth2/authorization_code)"
	// AddedIn or RemovedIn is the revision that added or removed the feature.
	AddedIn, RemovedIn string
	// Server says which version the server is, as far as the session knows.
	Server string
	Err    error // the server's answer, when there was one
}

func (e *UnavailableError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s has no %s", e.Server, e.Feature)
	if e.RemovedIn != "" {
		fmt.Fprintf(&b, ": REST API %s%s removed them", e.RemovedIn, productRelease(e.Product, e.RemovedIn))
	}
	if e.AddedIn != "" {
		fmt.Fprintf(&b, ": they need REST API %s%s or later", e.AddedIn, productRelease(e.Product, e.AddedIn))
	}
	if e.Err != nil {
		b.WriteString("\n\n" + e.Err.Error())
	}
	return b.String()
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// productRelease is " (Backup & Replication 13.0)" for a revision whose release is known.
func productRelease(p Product, rev string) string {
	if r, ok := releases[p][rev]; ok {
		return fmt.Sprintf(" (%s %s)", p.Title(), r)
	}
	return ""
}

// releases are the product releases that introduced each revision (the products' published
// version tables; design/versions.md).
var releases = map[Product]map[string]string{
	VBR: {
		"1.0-rev1": "11", "1.0-rev2": "11a", "1.1-rev0": "12", "1.1-rev1": "12.1", "1.1-rev2": "12.2",
		"1.2-rev0": "12.3", "1.2-rev1": "12.3.1", "1.3-rev0": "13.0", "1.3-rev1": "13.0.1", "1.3-rev2": "13.1",
	},
	AWS: {"1.0-rev0": "1.0", "1.2-rev0": "4.0", "1.5-rev0": "7.0", "1.6-rev0": "8.0", "1.7-rev0": "9", "1.8-rev0": "10"},
}

// ServerVersion describes the server by the revision the session speaks, for messages:
// "Backup & Replication 13.1 or later (REST API 1.3-rev2)" when negotiated, "the server
// (api_version 1.2-rev1)" when set; it logs in first when nothing is settled yet.
func (s *Session) ServerVersion(ctx context.Context) string {
	v := s.APIVersion()
	if v == "" {
		if _, err := s.Credential(ctx); err == nil {
			v = s.APIVersion()
		}
	}
	p := s.flavor.Product
	switch {
	case v == "":
		return "the " + p.Title() + " server"
	case !s.Negotiated():
		return fmt.Sprintf("the %s server (spoken to with api_version %s)", p.Title(), v)
	}
	name := p.Title()
	if r, ok := releases[p][v]; ok {
		name += " " + r
		if known := knownRevisions[p]; len(known) > 0 && known[0] == v {
			name += " or later"
		}
	}
	return fmt.Sprintf("%s (REST API %s)", name, v)
}

// revisionAtLeast reports whether the session's revision (settled by logging in when needed)
// is minimum or later; false when it cannot be known.
func (s *Session) revisionAtLeast(ctx context.Context, minimum string) (bool, error) {
	v := s.APIVersion()
	if v == "" {
		if _, err := s.Credential(ctx); err != nil {
			return false, err
		}
		v = s.APIVersion()
	}
	return v != "" && CompareRevisions(v, minimum) >= 0, nil
}
