package emulator_test

// Spec conformance: every endpoint of API-NOTES.md, for every revision (or
// build) the project claims, is called on a fresh emulator and its answer is
// checked against our JSON schemas (testdata/schemas, written from Veeam's
// published specifications; see their $comment). Error answers are checked
// against the product's error schema. The statuses make the endpoint ×
// revision × status table of the emulator guide, which
// TestSpecTableInGuide keeps true.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// specSchemas compiles every schema of testdata/schemas once, by file name
// without ".json".
var specSchemas = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	files, err := filepath.Glob("testdata/schemas/*.json")
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no schemas: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	ids := map[string]string{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if err := c.AddResource(id, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		ids[strings.TrimSuffix(filepath.Base(f), ".json")] = id
	}
	out := map[string]*jsonschema.Schema{}
	for name, id := range ids {
		s, err := c.Compile(id)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = s
	}
	return out, nil
})

// checkSchema validates a JSON document against the schema called name.
func checkSchema(t *testing.T, name string, body []byte) {
	t.Helper()
	schemas, err := specSchemas()
	if err != nil {
		t.Fatal(err)
	}
	s, ok := schemas[name]
	if !ok {
		t.Fatalf("no schema %s", name)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: not JSON: %v: %s", name, err, body)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("against %s: %v\nbody: %s", name, err, body)
	}
}

// specCall is one endpoint's call on a fresh emulator at one revision.
type specCall struct {
	t   *testing.T
	h   *harness
	rev string // x-api-version (AWS, VBR); build (VRO, VAO, EM)
}

// specCase is one row of the table: an endpoint (with a grant or variant)
// and how to call it successfully.
type specCase struct {
	endpoint string
	// answer names the schema of a 2xx body per revision ("": no body).
	answer func(rev string) string
	// request names the schema the request's JSON body must match ("": none).
	request string
	body    string // the JSON request body, when request is set
	call    func(c *specCall) *resp
}

func fixed(name string) func(string) string { return func(string) string { return name } }

// specProduct is one product's table: its columns and rows.
type specProduct struct {
	product   emulator.Product
	title     string
	columns   []string // revisions (AWS, VBR) or builds
	harness   func(t *testing.T, col string) *harness
	errSchema string
	cases     []specCase
}

// specTables are the products' tables.
func specTables() []specProduct {
	return []specProduct{awsSpec(), vbrSpec(), vroSpec(), vaoSpec(), emSpec(), azureSpec()}
}

// runSpecCell calls one endpoint at one column and checks the answer
// against its schemas; it returns the status.
func runSpecCell(t *testing.T, sp specProduct, c specCase, col string) int {
	t.Helper()
	h := sp.harness(t, col)
	if c.request != "" {
		checkSchema(t, c.request, []byte(c.body))
	}
	r := c.call(&specCall{t: t, h: h, rev: col})
	switch {
	case r.Status >= 400:
		if sp.errSchema != "" {
			checkSchema(t, sp.errSchema, r.Body)
		}
	case c.answer == nil || c.answer(col) == "":
		if len(bytes.TrimSpace(r.Body)) != 0 {
			t.Errorf("%s: want no body, got %s", c.endpoint, r.Body)
		}
	default:
		checkSchema(t, c.answer(col), r.Body)
	}
	return r.Status
}

// specStatuses runs every cell of sp: statuses[row][column].
func specStatuses(t *testing.T, sp specProduct) [][]int {
	out := make([][]int, len(sp.cases))
	for i, c := range sp.cases {
		out[i] = make([]int, len(sp.columns))
		for j, col := range sp.columns {
			t.Run(string(sp.product)+"/"+c.endpoint+"/"+col, func(t *testing.T) {
				out[i][j] = runSpecCell(t, sp, c, col)
			})
		}
	}
	return out
}

// TestSpecConformance checks every endpoint at every claimed revision
// against its schema, and the statuses against the table in the guide.
func TestSpecConformance(t *testing.T) {
	var md strings.Builder
	for _, sp := range specTables() {
		writeSpecTable(&md, sp, specStatuses(t, sp))
	}
	checkGuideTable(t, md.String())
}

// writeSpecTable renders one product's table in Markdown.
func writeSpecTable(b *strings.Builder, sp specProduct, st [][]int) {
	fmt.Fprintf(b, "%s\n\n| endpoint | %s |\n|---|%s\n", sp.title, strings.Join(sp.columns, " | "), strings.Repeat("---|", len(sp.columns)))
	for i, c := range sp.cases {
		cells := make([]string, len(sp.columns))
		for j := range sp.columns {
			cells[j] = fmt.Sprint(st[i][j])
		}
		fmt.Fprintf(b, "| %s | %s |\n", c.endpoint, strings.Join(cells, " | "))
	}
	b.WriteString("\n")
}

const (
	guideTemplate   = "../../templates/guides/emulator.md.tmpl"
	tableBeginMark  = "<!-- endpoint-table:begin (written by TestSpecConformance; UPDATE_SPEC_TABLE=1 rewrites it) -->"
	tableEndMark    = "<!-- endpoint-table:end -->"
	updateTableVar  = "UPDATE_SPEC_TABLE"
	tableBeginShort = "<!-- endpoint-table:begin"
)

// checkGuideTable compares the generated table with the guide's (or
// rewrites it when UPDATE_SPEC_TABLE=1).
func checkGuideTable(t *testing.T, table string) {
	t.Helper()
	raw, err := os.ReadFile(guideTemplate)
	if err != nil {
		t.Fatal(err)
	}
	guide := string(raw)
	i, j := strings.Index(guide, tableBeginShort), strings.Index(guide, tableEndMark)
	if i < 0 || j < i {
		t.Fatalf("%s has no %s … %s section", guideTemplate, tableBeginMark, tableEndMark)
	}
	want := tableBeginMark + "\n\n" + table + tableEndMark
	if guide[i:j+len(tableEndMark)] == want {
		return
	}
	if os.Getenv(updateTableVar) == "1" {
		if err := os.WriteFile(guideTemplate, []byte(guide[:i]+want+guide[j+len(tableEndMark):]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the endpoint table in %s is out of date: rerun with %s=1 and `make docs`; want:\n%s", guideTemplate, updateTableVar, table)
}

// ---- per-product helpers ----

// specJSON sends a JSON body with a bearer token.
func (c *specCall) json(method, path, token, body string) *resp {
	r := req{method: method, path: path, token: token, body: body}
	if body != "" {
		r.contentType = "application/json"
	}
	return c.h.do(r)
}

// form posts a form body.
func (c *specCall) form(path string, form url.Values) *resp {
	return c.h.do(req{method: "POST", path: path, contentType: "application/x-www-form-urlencoded", body: form.Encode()})
}

// field reads a string member of a JSON answer.
func field(r *resp, name string) string {
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	s, _ := m[name].(string)
	return s
}
