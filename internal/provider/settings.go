package provider

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Every provider setting is resolved here, once: the attribute in the block, then the
// environment variable VEEAM_<PRODUCT>_<ATTRIBUTE>, then the default. The source is kept so an
// error can say where a wrong value came from.

// setting is a resolved string value and where it came from.
type setting struct {
	Value  string
	Source string // `password in the "aws" block`, `VEEAM_AWS_PASSWORD`, or "" when unset
}

// envName is the environment variable that backs an attribute of a product block.
func envName(product, attr string) string {
	return "VEEAM_" + strings.ToUpper(product) + "_" + strings.ToUpper(attr)
}

type resolver struct {
	product string
	unknown []string // attributes whose value is not known yet (plan time)
}

func (r *resolver) str(attr string, v types.String) setting {
	if v.IsUnknown() {
		r.unknown = append(r.unknown, attr)
		return setting{}
	}
	if !v.IsNull() && v.ValueString() != "" {
		return setting{Value: v.ValueString(), Source: fmt.Sprintf("%s in the %q block", attr, r.product)}
	}
	env := envName(r.product, attr)
	if e, ok := os.LookupEnv(env); ok && e != "" {
		return setting{Value: e, Source: env}
	}
	return setting{}
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
			return false, fmt.Errorf("%s=%q is not a boolean: use true or false", env, e)
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
			return 0, fmt.Errorf("%s=%q is not a whole number", env, e)
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
		return 0, fmt.Errorf("%s = %q is not a positive duration: use a value like \"30s\" or \"2m\"", s.Source, s.Value)
	}
	return d, nil
}
