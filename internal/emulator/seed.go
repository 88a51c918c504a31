package emulator

// Seed files: the accounts an emulator starts with, read from JSON
// (cmd/veeam-emulator -config FILE). The format is the JSON form of Seed:
//
//	{
//	  "$comment": "optional, anywhere an object is expected",
//	  "users": {
//	    "aws": [{"name": "administrator", "password": "Password1", "role": "Portal Administrator", "isDefault": true},
//	            {"name": "alice", "password": "pw", "role": "Portal Operator",
//	             "mfaSecret": "JBSWY3DPEHPK3PXP", "scratchCodes": ["12345678"]},
//	            {"name": "sara@example.com", "password": "pw", "identityProvider": true}],
//	    "vbr": [{"name": "administrator", "password": "pw", "serviceAccount": true}],
//	    "vro": [{"name": "terraform-client", "password": "secret", "client": true}],
//	    "vao": [{"name": "VEEAM\\administrator", "password": "pw"}],
//	    "em":  [{"name": "tenant01", "password": "pw", "tenant": true}]
//	  }
//	}
//
// A seed replaces DefaultSeed as a whole: a product the file leaves out has no
// accounts. examples/emulator/seed.json is a complete example.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
)

// maxSeedProblems caps how many problems one error lists.
const maxSeedProblems = 20

// seedUserFields are the JSON fields of one account, in the order the
// messages list them.
var seedUserFields = []string{"name", "password", "role", "description", "isDefault", "mfaSecret", "scratchCodes",
	"identityProvider", "serviceAccount", "client", "tenant", "$comment"}

// seedUserJSON is one account as a seed file spells it.
type seedUserJSON struct {
	Comment string `json:"$comment"`
	SeedUser
}

// LoadSeed reads and validates the seed file at path (see ParseSeed).
func LoadSeed(path string) (*Seed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	s, err := ParseSeed(b)
	if err != nil {
		return nil, fmt.Errorf("seed %s: %w", path, err)
	}
	return s, nil
}

// ParseSeed reads a seed document: {"users": {"<product>": [SeedUser, …]}}
// with the products aws, vbr, vro, vao and em. Unknown fields are errors (a
// misspelt field would otherwise be ignored silently). Every problem found is
// reported, one per line, each naming the product, the account's index and
// name, the field, and the fix. Empty roles are filled with the product's
// default role.
func ParseSeed(data []byte) (*Seed, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, jsonSyntaxError(data, err, `a JSON object {"users": {"aws": [...], "vbr": [...], ...}}`)
	}
	if top == nil {
		return nil, errors.New(`the seed is null: want {"users": {"aws": [...], "vbr": [...], ...}}`)
	}
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, k := range sortedKeys(top) {
		switch k {
		case "users", "$comment":
		default:
			if Product(strings.ToLower(k)).Valid() {
				add(`%q: account lists go under "users": {"users": {%q: [...]}}`, k, strings.ToLower(k))
			} else {
				add(`unknown top-level field %q: a seed holds only "users" (and an optional "$comment")`, k)
			}
		}
	}
	rawUsers, ok := top["users"]
	if !ok {
		add(`"users" is missing: list the accounts per product, {"users": {"aws": [{"name": ..., "password": ...}]}}`)
		return nil, seedError(problems)
	}
	var byProduct map[string]json.RawMessage
	if err := json.Unmarshal(rawUsers, &byProduct); err != nil || byProduct == nil {
		add(`"users" must be an object keyed by product (aws, vbr, vro, vao, em), e.g. {"aws": [...]}`)
		return nil, seedError(problems)
	}
	seed := &Seed{Users: map[Product][]SeedUser{}}
	for _, k := range sortedKeys(byProduct) {
		if k == "$comment" {
			continue
		}
		p := Product(k)
		if !p.Valid() {
			hint := ""
			if Product(strings.ToLower(k)).Valid() {
				hint = fmt.Sprintf(" (product names are lower case: %q)", strings.ToLower(k))
			}
			add("users.%s: unknown product %q%s: use %s", k, k, hint, productNames())
			continue
		}
		var raws []json.RawMessage
		if err := json.Unmarshal(byProduct[k], &raws); err != nil {
			add(`users.%s: want a list of accounts [{"name": ..., "password": ...}], got %s`, k, jsonKind(byProduct[k]))
			continue
		}
		users := make([]SeedUser, 0, len(raws))
		for i, raw := range raws {
			u, err := decodeSeedUser(raw)
			if err != nil {
				add("users.%s[%d]%s: %v", k, i, nameHint(raw), err)
				continue
			}
			users = append(users, u)
		}
		seed.Users[p] = users
	}
	for _, p := range AllProducts() {
		for _, msg := range checkSeedUsers(p, seed.Users[p]) {
			add("%s", msg)
		}
	}
	if len(problems) > 0 {
		return nil, seedError(problems)
	}
	return seed, nil
}

// ValidateSeed checks s with the rules ParseSeed applies (a seed built in Go
// or changed by -user flags) and fills empty roles.
func ValidateSeed(s *Seed) error {
	if s == nil {
		return nil
	}
	var problems []string
	for p := range s.Users {
		if !p.Valid() {
			problems = append(problems, fmt.Sprintf("users.%s: unknown product %q: use %s", p, p, productNames()))
		}
	}
	slices.Sort(problems)
	for _, p := range AllProducts() {
		problems = append(problems, checkSeedUsers(p, s.Users[p])...)
	}
	if len(problems) > 0 {
		return seedError(problems)
	}
	return nil
}

func seedError(problems []string) error {
	if len(problems) > maxSeedProblems {
		n := len(problems) - maxSeedProblems
		problems = append(problems[:maxSeedProblems:maxSeedProblems], fmt.Sprintf("… and %d more", n))
	}
	if len(problems) == 1 {
		return errors.New(problems[0])
	}
	return fmt.Errorf("%d problems:\n  %s", len(problems), strings.Join(problems, "\n  "))
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// nameHint is ` ("name")` when raw is an object with a string name.
func nameHint(raw json.RawMessage) string {
	var v struct {
		Name any `json:"name"`
	}
	if json.Unmarshal(raw, &v) == nil {
		if s, ok := v.Name.(string); ok && s != "" {
			return fmt.Sprintf(" (%q)", s)
		}
	}
	return ""
}

// decodeSeedUser decodes one account strictly.
func decodeSeedUser(raw json.RawMessage) (SeedUser, error) {
	if k := jsonKind(raw); k != "an object" {
		return SeedUser{}, fmt.Errorf(`want an account object {"name": ..., "password": ...}, got %s`, k)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var u seedUserJSON
	if err := dec.Decode(&u); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := te.Field[strings.LastIndexByte(te.Field, '.')+1:] // "SeedUser.role" → "role"
			return SeedUser{}, fmt.Errorf("field %s: want %s, got %s", field, jsonTypeName(te.Type), te.Value)
		}
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			name := strings.Trim(f, `"`)
			return SeedUser{}, fmt.Errorf("unknown field %q%s: the fields are %s", name, fieldSuggestion(name), strings.Join(seedUserFields, ", "))
		}
		return SeedUser{}, err
	}
	return u.SeedUser, nil
}

// fieldSuggestion is ` (did you mean "x"?)` for a near-miss field name.
func fieldSuggestion(name string) string {
	norm := func(s string) string {
		return strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "").Replace(s))
	}
	for _, f := range seedUserFields {
		if norm(f) == norm(name) {
			return fmt.Sprintf(" (did you mean %q?)", f)
		}
	}
	return ""
}

func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "a list of strings"
		}
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// jsonKind names the JSON type of raw.
func jsonKind(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// jsonSyntaxError turns a decoding error into one that names the line and
// column.
func jsonSyntaxError(data []byte, err error, want string) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(data, se.Offset-1) // Offset is just past the bad byte
		return fmt.Errorf("line %d, column %d: %v: the seed must be %s", line, col, se, want)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("the seed is %s: it must be %s", "a JSON "+te.Value, want)
	}
	return fmt.Errorf("%v: the seed must be %s", err, want)
}

func lineCol(data []byte, off int64) (int, int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// productNames is "aws, vbr, … or gcp": every product's name.
func productNames() string {
	var names []string
	for _, p := range AllProducts() {
		names = append(names, string(p))
	}
	return grantList(names)
}
