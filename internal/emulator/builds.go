package emulator

// Product builds: which published build of each product the emulator plays,
// the API revisions (or path versions) each build accepts, and how a
// handler asks which revision a request speaks. The revisions each build
// accepts come from the products' published version tables (see
// /work/notes/spec/TABLE.md summarised in DECISIONS.md, "Builds").

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// productBuild is one published build: its name as users know it and the
// revisions it accepts, oldest first: from first (""; the product's oldest
// revision) to last, a subrange of productRevisions.
type productBuild struct {
	name        string
	first, last string
	// access, when set, is the build's access-token lifetime where it
	// differs from the product's default.
	access time.Duration
}

// vbr12Access is the access-token lifetime of Backup & Replication 12.0 to
// 12.2.
const vbr12Access = 15 * time.Minute

// productRevisions are every API revision (AWS, VBR: x-api-version; VRO:
// the /api/<version>/ path segment; EM: ?v=) a product has published,
// oldest first.
var productRevisions = map[Product][]string{
	AWS: {"1.0-rev0", "1.1-rev0", "1.2-rev0", "1.3-rev0", "1.4-rev0", "1.5-rev0", "1.6-rev0", "1.7-rev0", "1.8-rev0"},
	VBR: {"1.0-rev1", "1.0-rev2", "1.1-rev0", "1.1-rev1", "1.1-rev2", "1.2-rev0", "1.2-rev1", "1.3-rev0", "1.3-rev1", "1.3-rev2"},
	VRO: {"v7.2", "v7.21", "v13", "v13.1"},
	VAO: {"v3"},
	EM:  {"v1_5", "v1_6", "v1_7"},
	// Backup for Microsoft Azure: the /api/<version>/ path segment; only
	// the 8.1 specification is public. Backup for Google Cloud:
	// x-api-version; only 1.4-rev0 is named in its documents.
	AZURE: {"v8.1"},
	GCP:   {"1.4-rev0"},
}

// productBuilds are each product's published builds, oldest first (several
// to a line); the last is the default (the newest). Only VBR 13.1 and VRO
// 13.1 stopped accepting their product's oldest revisions.
var productBuilds = map[Product][]productBuild{
	VBR: {
		{name: "12.0", last: "1.1-rev0", access: vbr12Access}, {name: "12.1", last: "1.1-rev1", access: vbr12Access},
		{name: "12.2", last: "1.1-rev2", access: vbr12Access}, {name: "12.3", last: "1.2-rev0"}, {name: "12.3.1", last: "1.2-rev1"},
		{name: "13.0", last: "1.3-rev0"}, {name: "13.0.1", last: "1.3-rev1"}, {name: "13.1", first: "1.1-rev0", last: "1.3-rev2"},
	},
	AWS: {
		{name: "1.0", last: "1.0-rev0"}, {name: "4.0", last: "1.2-rev0"}, {name: "7.0", last: "1.5-rev0"},
		{name: "8.0", last: "1.6-rev0"}, {name: "9", last: "1.7-rev0"}, {name: "10", last: "1.8-rev0"},
	},
	VRO: {
		{name: "7.2", last: "v7.2"}, {name: "7.21", last: "v7.21"},
		{name: "13", last: "v13"}, {name: "13.1", first: "v7.21", last: "v13.1"},
	},
	VAO:   {{name: "3.0", last: "v3"}},
	EM:    {{name: "13.0.1", last: "v1_7"}},
	AZURE: {{name: "8.1", last: "v8.1"}},
	GCP:   {{name: "1.4-rev0", last: "1.4-rev0"}}, // no release is tied to it in the documents
}

// KnownBuilds returns the builds of p the emulator can play, oldest first;
// the last is the default.
func KnownBuilds(p Product) []string {
	var out []string
	for _, b := range productBuilds[p] {
		out = append(out, b.name)
	}
	return out
}

// DefaultBuild returns the newest published build of p ("" for an unknown
// product).
func DefaultBuild(p Product) string {
	bs := productBuilds[p]
	if len(bs) == 0 {
		return ""
	}
	return bs[len(bs)-1].name
}

// buildOf returns p's build called name.
func buildOf(p Product, name string) (productBuild, bool) {
	for _, b := range productBuilds[p] {
		if b.name == name {
			return b, true
		}
	}
	return productBuild{}, false
}

// BuildRevisions returns the revisions build of product p accepts, oldest
// first, or false when p has no such build.
func BuildRevisions(p Product, build string) ([]string, bool) {
	b, ok := buildOf(p, build)
	if !ok {
		return nil, false
	}
	all := productRevisions[p]
	i, j := 0, slices.Index(all, b.last)
	if b.first != "" {
		i = slices.Index(all, b.first)
	}
	return slices.Clone(all[i : j+1]), true
}

// resolveBuilds checks Options.Builds and fills in the defaults.
func resolveBuilds(opts map[Product]string) (map[Product]string, error) {
	out := map[Product]string{}
	for p, b := range opts {
		if !p.Valid() {
			return nil, fmt.Errorf("emulator: Builds: unknown product %q", p)
		}
		b = strings.TrimSpace(b)
		if b == "" {
			continue
		}
		if _, ok := BuildRevisions(p, b); !ok {
			return nil, fmt.Errorf("emulator: Builds: %s has no build %q; known: %s", p, b, strings.Join(KnownBuilds(p), ", "))
		}
		out[p] = b
	}
	for _, p := range AllProducts() {
		if out[p] == "" {
			out[p] = DefaultBuild(p)
		}
	}
	return out, nil
}

// Build returns the build the emulator plays for p.
func (e *Emulator) Build(p Product) string { return e.builds[p] }

// Revisions returns the API revisions (x-api-version values; VRO path
// versions; EM ?v= values) the emulator accepts for p, oldest first: the
// build's, or for AWS Options.AWSVersions when set.
func (e *Emulator) Revisions(p Product) []string {
	if p == AWS && e.opts.AWSVersions != nil {
		return slices.Clone(e.opts.AWSVersions)
	}
	r, _ := BuildRevisions(p, e.builds[p])
	return r
}

// newestRevision is the newest revision the build of p accepts.
func (e *Emulator) newestRevision(p Product) string {
	r, _ := BuildRevisions(p, e.builds[p])
	if len(r) == 0 {
		return ""
	}
	return r[len(r)-1]
}

// compareRevisions orders two revisions of the same product by their
// numbers: "1.2-rev1" < "1.3-rev0", "v7.2" < "v7.21" < "v13" < "v13.1".
func compareRevisions(a, b string) int {
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

// revision is the revision the request speaks (set by versioned, or by a
// route that reads it from the path); "" when none was checked.
func revision(r *http.Request) string { return infoOf(r).revision }

// revisionAtLeast reports whether the request speaks rev or a later one.
func revisionAtLeast(r *http.Request, rev string) bool {
	v := revision(r)
	return v != "" && compareRevisions(v, rev) >= 0
}

// BuildInfo is one product's entry of GET /emulator/info.
type BuildInfo struct {
	Build     string   `json:"build"`
	Revisions []string `json:"revisions"`
	Known     []string `json:"knownBuilds"`
}

// infoRoute serves GET /emulator/info: the build each product plays and the
// revisions it accepts.
func (e *Emulator) infoRoute(mux *http.ServeMux) {
	mux.HandleFunc("GET /emulator/info", func(w http.ResponseWriter, _ *http.Request) {
		out := map[Product]BuildInfo{}
		for _, p := range AllProducts() {
			out[p] = BuildInfo{Build: e.Build(p), Revisions: e.Revisions(p), Known: KnownBuilds(p)}
		}
		writeJSON(w, http.StatusOK, out)
	})
}
