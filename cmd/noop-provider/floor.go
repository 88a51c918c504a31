//go:build benchfloor

package main

// The schema-matched floors (scripts/bench-breakdown.sh builds them with -tags benchfloor, as the
// provider tfveeam/floor; the default build has only noop_item): floor_user_mfa and floor_user
// take the exact schema of veeam_aws_user_mfa and veeam_aws_user (attributes, sensitivity, plan
// modifiers, validators, schema version) and, like noop_item, copy their plan into state, filling
// each computed value with one of the size the real resource stores and calling nothing. The
// distance noop_item → floor is what the schema and the state's size cost Terraform (and the
// provider binary's start-up); floor → the real resource is what the resource itself does.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tfveeam/terraform-provider-veeam/internal/provider"
)

func init() {
	providerName = "floor"
	floorResources = []func() resource.Resource{
		func() resource.Resource { return floor{typeName: "user_mfa", shape: provider.NewAWSUserMFAResource()} },
		func() resource.Resource { return floor{typeName: "user", shape: provider.NewAWSUserResource()} },
		// What-ifs (design/state-size.md): the same schemas with one thing taken away.
		func() resource.Resource {
			return floor{typeName: "user_mfa_not_sensitive", shape: provider.NewAWSUserMFAResource(), edit: notSensitive()}
		},
		func() resource.Resource {
			return floor{typeName: "user_mfa_one_sensitive", shape: provider.NewAWSUserMFAResource(), edit: notSensitive("otpauth_uri", "scratch_codes")}
		},
		func() resource.Resource {
			return floor{typeName: "user_without_is_default", shape: provider.NewAWSUserResource(), edit: without("is_default")}
		},
		func() resource.Resource {
			return floor{typeName: "user_wo_not_sensitive", shape: provider.NewAWSUserResource(), edit: notSensitive("password_wo")}
		},
	}
}

type floor struct {
	typeName string
	shape    resource.Resource
	edit     func(*schema.Schema) // a what-if: the shape's schema changed
}

// without removes attributes from a schema.
func without(names ...string) func(*schema.Schema) {
	return func(s *schema.Schema) {
		for _, n := range names {
			delete(s.Attributes, n)
		}
	}
}

// notSensitive makes the named string attributes (all, when none is named) not sensitive.
func notSensitive(names ...string) func(*schema.Schema) {
	return func(s *schema.Schema) {
		for n, a := range s.Attributes {
			if len(names) > 0 && !slices.Contains(names, n) {
				continue
			}
			switch a := a.(type) {
			case schema.StringAttribute:
				a.Sensitive = false
				s.Attributes[n] = a
			case schema.ListAttribute:
				a.Sensitive = false
				s.Attributes[n] = a
			}
		}
	}
}

func (f floor) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + f.typeName
}

func (f floor) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	f.shape.Schema(ctx, req, resp)
	if f.edit != nil {
		attrs := make(map[string]schema.Attribute, len(resp.Schema.Attributes))
		for k, v := range resp.Schema.Attributes {
			attrs[k] = v
		}
		resp.Schema.Attributes = attrs
		f.edit(&resp.Schema)
	}
}

func (f floor) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	v, err := filled(req.Plan.Raw)
	if err != nil {
		resp.Diagnostics.AddError("floor", err.Error())
		return
	}
	resp.State.Raw = v
}

func (floor) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (floor) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	v, err := filled(req.Plan.Raw)
	if err != nil {
		resp.Diagnostics.AddError("floor", err.Error())
		return
	}
	resp.State.Raw = v
}

func (floor) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// filled is plan with every unknown top-level attribute set to a value of the size the real
// resource stores (what the emulator returns), or null.
func filled(plan tftypes.Value) (tftypes.Value, error) {
	var attrs map[string]tftypes.Value
	if err := plan.As(&attrs); err != nil {
		return plan, err
	}
	var user string
	for _, k := range []string{"user_name", "name"} {
		if v, ok := attrs[k]; ok && v.IsKnown() && !v.IsNull() {
			_ = v.As(&user)
		}
	}
	for k, v := range attrs {
		if v.IsKnown() {
			continue
		}
		attrs[k] = tftypes.NewValue(v.Type(), nil)
		if fill, ok := sizes[k]; ok {
			attrs[k] = fill(user)
		}
	}
	return tftypes.NewValue(plan.Type(), attrs), nil
}

// secret is a 26-character base32 TOTP secret, the emulator's size.
const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEH"

var sizes = map[string]func(user string) tftypes.Value{
	"secret_key": func(string) tftypes.Value { return tftypes.NewValue(tftypes.String, secret) },
	"otpauth_uri": func(user string) tftypes.Value {
		host := "127.0.0.1"
		return tftypes.NewValue(tftypes.String, fmt.Sprintf("otpauth://totp/%s&40%s?secret=%s&issuer=%s", user, host, secret, host))
	},
	"scratch_codes": func(string) tftypes.Value {
		codes := make([]tftypes.Value, 5)
		for i := range codes {
			codes[i] = tftypes.NewValue(tftypes.String, strings.Repeat(fmt.Sprint(i+1), 8))
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, codes)
	},
	"is_default": func(string) tftypes.Value { return tftypes.NewValue(tftypes.Bool, false) },
}
