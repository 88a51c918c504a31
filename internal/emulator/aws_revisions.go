package emulator

// Backup for AWS revisions: the answer to a missing or unsupported
// x-api-version, and the endpoints that exist only from or until a
// revision. Which revisions each build accepts is builds.go's.

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// awsRevisionSyntax is the shape of an x-api-version value: 1.8-rev0.
var awsRevisionSyntax = regexp.MustCompile(`^[0-9]+\.[0-9]+-rev[0-9]+$`)

// awsVersionRefusal answers a missing, malformed or unsupported
// x-api-version with the problem type the 1.0-rev0 specification names for
// it (apiVersionUnspecified, invalidApiVersion, unsupportedApiVersion);
// the status (400) and the list are the emulator's (DECISIONS.md).
func awsVersionRefusal(got string, supported []string) *apiError {
	list := strings.Join(supported, ", ")
	e := errBadRequest(fmt.Sprintf("unsupported x-api-version %q; supported versions: %s", got, list))
	switch {
	case got == "":
		e.ProblemType, e.Detail = "apiVersionUnspecified", "the x-api-version header is required; supported versions: "+list
	case !awsRevisionSyntax.MatchString(got):
		e.ProblemType = "invalidApiVersion"
	default:
		e.ProblemType = "unsupportedApiVersion"
	}
	e.Supported = supported
	return e
}

// awsVersioned rejects requests without a supported x-api-version.
func (e *Emulator) awsVersioned(h http.HandlerFunc) http.HandlerFunc {
	return e.versioned(AWS, h)
}

// awsRenamedRevision is the first revision with the 1.7 document's
// spellings (token/authorization_code; disableMfa 204), awsSSORevision the
// first with identity-provider sign-on (external users appear in 1.2-rev0).
// Both are inferred: no spec between 1.0-rev0 and 1.7-rev0 is public
// (DECISIONS.md).
const (
	awsRenamedRevision = "1.1-rev0"
	awsSSORevision     = "1.2-rev0"
)

// awsSince serves h to requests of revision first or later, awsUntil to
// requests of revision last or earlier; others get a 404 naming the revision.
func awsSince(first string, h http.HandlerFunc) http.HandlerFunc {
	return awsIf(func(r *http.Request) bool { return revisionAtLeast(r, first) }, h)
}

func awsUntil(last string, h http.HandlerFunc) http.HandlerFunc {
	return awsIf(func(r *http.Request) bool { return compareRevisions(revision(r), last) <= 0 }, h)
}

func awsIf(has func(*http.Request) bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !has(r) {
			drain(r)
			writeError(w, r, AWS, errNotFound(fmt.Sprintf("%s %s is not part of REST API revision %s", r.Method, r.URL.Path, revision(r))))
			return
		}
		h(w, r)
	}
}
