package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// What a resource remembers between Create and Delete without showing it in the schema (for
// example the value a setting had before Terraform managed it) lives in its private state as
// JSON under one key.

type privateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

type privateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// rememberPrivate stores v under key.
func rememberPrivate(ctx context.Context, p privateWriter, key string, v any) diag.Diagnostics {
	b, err := json.Marshal(v)
	if err != nil {
		var d diag.Diagnostics
		d.AddError("Keeping private state failed", err.Error())
		return d
	}
	return p.SetKey(ctx, key, b)
}

// recallPrivate reads what rememberPrivate stored under key; false when there is nothing (an
// imported resource, or one created by an older provider).
func recallPrivate[T any](ctx context.Context, p privateReader, key string) (T, bool) {
	var v T
	b, diags := p.GetKey(ctx, key)
	if diags.HasError() || len(b) == 0 || json.Unmarshal(b, &v) != nil {
		return v, false
	}
	return v, true
}
