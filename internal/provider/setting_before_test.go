package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateMap is a resource's private state in memory.
type privateMap map[string][]byte

func (m privateMap) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	m[key] = value
	return nil
}

func (m privateMap) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return m[key], nil
}

// The private state keeps the JSON that the VBR security resources wrote before settingBefore
// existed, so resources created by an older provider are still recalled.
func TestSettingBeforePrivateStateFormat(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		setting settingBefore
		want    string
	}{
		{wasServiceAccount, `{"was_service_account":true}`},
		{mfaEnabledBefore, `{"before":true}`},
	} {
		p := privateMap{}
		if d := tc.setting.remember(ctx, p, true); d.HasError() {
			t.Fatal(d)
		}
		if got := string(p["before"]); got != tc.want {
			t.Errorf("%s: private state %q, want %q", tc.setting, got, tc.want)
		}
		if v, ok := tc.setting.recall(ctx, privateMap{"before": []byte(tc.want)}); !v || !ok {
			t.Errorf("%s: recall of %s = %v, %v", tc.setting, tc.want, v, ok)
		}
		if v, ok := tc.setting.recall(ctx, privateMap{}); v || ok {
			t.Errorf("%s: recall with nothing kept = %v, %v", tc.setting, v, ok)
		}
	}
}
