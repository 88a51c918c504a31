package main

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestItemIsNamedNoopItem(t *testing.T) {
	var resp resource.MetadataResponse
	item{}.Metadata(context.Background(), resource.MetadataRequest{ProviderTypeName: "noop"}, &resp)
	if resp.TypeName != "noop_item" {
		t.Fatalf("type name = %q, want noop_item", resp.TypeName)
	}
}

// TestItemCopiesPlanIntoState: create and update store the plan, with id = name.
func TestItemCopiesPlanIntoState(t *testing.T) {
	ctx := context.Background()
	var s resource.SchemaResponse
	item{}.Schema(ctx, resource.SchemaRequest{}, &s)
	if s.Diagnostics.HasError() {
		t.Fatal(s.Diagnostics)
	}
	typ := s.Schema.Type().TerraformType(ctx)
	plan := func(name string) tfsdk.Plan {
		return tfsdk.Plan{Schema: s.Schema, Raw: tftypes.NewValue(typ, map[string]tftypes.Value{
			"id":   tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			"name": tftypes.NewValue(tftypes.String, name),
		})}
	}
	empty := tfsdk.State{Schema: s.Schema, Raw: tftypes.NewValue(typ, nil)}
	stateOf := func(t *testing.T, st tfsdk.State) itemModel {
		t.Helper()
		var m itemModel
		if d := st.Get(ctx, &m); d.HasError() {
			t.Fatal(d)
		}
		return m
	}

	created := resource.CreateResponse{State: empty}
	item{}.Create(ctx, resource.CreateRequest{Plan: plan("bench00001")}, &created)
	if created.Diagnostics.HasError() {
		t.Fatal(created.Diagnostics)
	}
	if m := stateOf(t, created.State); m.ID.ValueString() != "bench00001" || m.Name.ValueString() != "bench00001" {
		t.Fatalf("state after create = %+v, want id and name bench00001", m)
	}

	read := resource.ReadResponse{State: created.State}
	item{}.Read(ctx, resource.ReadRequest{State: created.State}, &read)
	if m := stateOf(t, read.State); m.ID.ValueString() != "bench00001" {
		t.Fatalf("state after read = %+v, want it unchanged", m)
	}

	updated := resource.UpdateResponse{State: created.State}
	item{}.Update(ctx, resource.UpdateRequest{Plan: plan("bench00002"), State: created.State}, &updated)
	if updated.Diagnostics.HasError() {
		t.Fatal(updated.Diagnostics)
	}
	if m := stateOf(t, updated.State); m.ID.ValueString() != "bench00002" || m.Name.ValueString() != "bench00002" {
		t.Fatalf("state after update = %+v, want id and name bench00002", m)
	}
}
