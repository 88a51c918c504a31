//go:build benchfloor

package main

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tfveeam/terraform-provider-veeam/internal/provider"
)

// TestFloorHasTheRealSchemaAndSizes: floor_user_mfa's schema is veeam_aws_user_mfa's, and its
// state holds values of the real sizes where the real resource's plan is unknown.
func TestFloorHasTheRealSchemaAndSizes(t *testing.T) {
	ctx := context.Background()
	var want, fl resource.SchemaResponse
	provider.NewAWSUserMFAResource().Schema(ctx, resource.SchemaRequest{}, &want)
	floor{typeName: "user_mfa", shape: provider.NewAWSUserMFAResource()}.Schema(ctx, resource.SchemaRequest{}, &fl)
	if !want.Schema.Type().Equal(fl.Schema.Type()) || want.Schema.Version != fl.Schema.Version {
		t.Fatalf("floor schema %v (v%d), real %v (v%d)", fl.Schema.Type(), fl.Schema.Version, want.Schema.Type(), want.Schema.Version)
	}
	typ := want.Schema.Type().TerraformType(ctx).(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, tftypes.UnknownValue)
	}
	attrs["user_name"] = tftypes.NewValue(tftypes.String, "bench00001")
	v, err := filled(tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]tftypes.Value
	if err := v.As(&got); err != nil {
		t.Fatal(err)
	}
	var secret, uri string
	var codes []tftypes.Value
	_ = got["secret_key"].As(&secret)
	_ = got["otpauth_uri"].As(&uri)
	_ = got["scratch_codes"].As(&codes)
	if len(secret) != 26 || len(uri) < 80 || len(codes) != 5 || !got["rotation_triggers"].IsNull() {
		t.Errorf("filled: secret %q, uri %q, %d codes, rotation_triggers %v", secret, uri, len(codes), got["rotation_triggers"])
	}
	var edited resource.SchemaResponse
	floor{shape: provider.NewAWSUserResource(), edit: without("is_default")}.Schema(ctx, resource.SchemaRequest{}, &edited)
	var again resource.SchemaResponse
	provider.NewAWSUserResource().Schema(ctx, resource.SchemaRequest{}, &again)
	if _, ok := edited.Schema.Attributes["is_default"]; ok {
		t.Error("without(is_default) kept it")
	}
	if _, ok := again.Schema.Attributes["is_default"]; !ok {
		t.Error("editing a floor changed the real resource's schema")
	}
}
