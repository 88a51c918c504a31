package provider

import (
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
)

// Every provider setting is resolved here, once: the attribute in the block, then the
// environment variable VEEAM_<PRODUCT>_<ATTRIBUTE>, then the default. The source is kept so an
// error can say where a wrong value came from. A product whose block is absent is configured
// from the environment alone when its VEEAM_<PRODUCT>_HOST is set (see fromEnvironment).

// sourceKind is where a setting's value came from.
type sourceKind int

const (
	sourceUnset   sourceKind = iota // no value
	sourceBlock                     // the attribute in the product block
	sourceEnv                       // the environment variable
	sourceDefault                   // the provider's default
)

// source is where one setting's value came from.
type source struct {
	kind    sourceKind
	product client.Product
	attr    string
}

// String names the source in a sentence: `password in the "aws" block`, `VEEAM_AWS_PASSWORD`.
func (s source) String() string {
	switch s.kind {
	case sourceBlock:
		return fmt.Sprintf("%s in the %q block", s.attr, s.product)
	case sourceEnv:
		return envName(s.product, s.attr)
	case sourceDefault:
		return "the default of " + s.attr
	}
	return ""
}

// setting is a resolved string value and where it came from.
type setting struct {
	Value  string
	Source source
}

func (s setting) inBlock() bool { return s.Value != "" && s.Source.kind == sourceBlock }

// envName is the environment variable that backs an attribute of a product block.
func envName[P ~string](product P, attr string) string {
	return "VEEAM_" + strings.ToUpper(string(product)) + "_" + strings.ToUpper(attr)
}

// hostVariable is the environment variable that configures product p with no block:
// VEEAM_<PRODUCT>_HOST.
func (p *product) hostVariable() string { return envName(p.id, "host") }

// fromEnvironment says whether p, whose block is absent, is configured from the environment
// alone: its host variable is set (and not empty). It is then resolved as an empty block.
func (p *product) fromEnvironment() bool {
	v, ok := os.LookupEnv(p.hostVariable())
	return ok && v != ""
}

// resolver resolves the settings of one product block and remembers their sources, so that
// every diagnostic about them can say where a value came from.
type resolver struct {
	product  client.Product
	unknown  []string           // attributes whose value is not known yet (plan time)
	settings map[string]setting // the string settings resolved so far, by attribute
}

func (r *resolver) str(attr string, v types.String) setting {
	if v.IsUnknown() {
		r.unknown = append(r.unknown, attr)
		return setting{}
	}
	s := setting{}
	if !v.IsNull() && v.ValueString() != "" {
		s = setting{Value: v.ValueString(), Source: source{kind: sourceBlock, product: r.product, attr: attr}}
	} else if e, ok := os.LookupEnv(envName(r.product, attr)); ok && e != "" {
		s = setting{Value: e, Source: source{kind: sourceEnv, product: r.product, attr: attr}}
	}
	if r.settings == nil {
		r.settings = map[string]setting{}
	}
	r.settings[attr] = s
	return s
}

func (r *resolver) boolean(attr string, v types.Bool) (bool, error) {
	if v.IsUnknown() {
		r.unknown = append(r.unknown, attr)
		return false, nil
	}
	if !v.IsNull() {
		return v.ValueBool(), nil
	}
	env := envName(r.product, attr)
	if e, ok := os.LookupEnv(env); ok && e != "" {
		b, err := strconv.ParseBool(e)
		if err != nil {
			return false, &blockError{Attribute: attr, Message: fmt.Sprintf("%s=%q is not a boolean: use true or false", env, e)}
		}
		return b, nil
	}
	return false, nil
}

func (r *resolver) integer(attr string, v types.Int64, def int64) (int64, error) {
	if v.IsUnknown() {
		r.unknown = append(r.unknown, attr)
		return def, nil
	}
	if !v.IsNull() {
		return v.ValueInt64(), nil
	}
	env := envName(r.product, attr)
	if e, ok := os.LookupEnv(env); ok && e != "" {
		n, err := strconv.ParseInt(e, 10, 64)
		if err != nil {
			return 0, &blockError{Attribute: attr, Message: fmt.Sprintf("%s=%q is not a whole number", env, e)}
		}
		return n, nil
	}
	return def, nil
}

func (r *resolver) duration(attr string, v types.String) (time.Duration, error) {
	s := r.str(attr, v)
	if s.Value == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s.Value)
	if err != nil || d <= 0 {
		return 0, &blockError{Attribute: attr, Message: fmt.Sprintf("%s = %q is not a positive duration: use a value like \"30s\" or \"2m\"", s.Source, s.Value)}
	}
	return d, nil
}

// blockValues are a block model's attributes by name (embedded structs included).
func blockValues(model any) map[string]attr.Value {
	out := map[string]attr.Value{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		for v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				walk(v.Field(i))
				continue
			}
			if name := f.Tag.Get("tfsdk"); name != "" {
				if av, ok := v.Field(i).Interface().(attr.Value); ok {
					out[name] = av
				}
			}
		}
	}
	walk(reflect.ValueOf(model))
	return out
}

// resolve turns a product block model (and the environment) into a client configuration: the
// connection settings, then the credentials, with the product's login methods (see
// loginMethod) choosing among them. Its errors are *blockError, written from the sources.
func (r *resolver) resolve(model any) (client.Config, error) {
	p := productOf(r.product)
	values := blockValues(model)
	cfg, err := r.connection(values)
	if err != nil {
		return cfg, r.explain(err)
	}
	before := len(r.unknown)
	creds := map[string]setting{}
	for _, a := range p.credentialAttributes() {
		if v, ok := values[a].(types.String); ok {
			creds[a] = r.str(a, v)
		}
	}
	for a, set := range p.flags {
		v, _ := values[a].(types.Bool)
		b, err := r.boolean(a, v)
		if err != nil {
			return cfg, err
		}
		set(&cfg.Credentials, b)
	}
	p.preferBlockLogin(creds)
	for a, s := range creds {
		cfg.Credentials.Set(client.Field(a), s.Value)
	}
	if len(r.unknown) > before {
		return cfg, nil // checked again at apply, when every value is known
	}
	if err := p.checkLoginMethods(creds); err != nil {
		return cfg, err
	}
	if p.check != nil {
		if err := p.check(p, r, cfg); err != nil {
			return cfg, r.explain(err)
		}
	}
	return cfg, nil
}
