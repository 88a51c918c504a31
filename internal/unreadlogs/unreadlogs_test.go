package unreadlogs

import (
	"os"
	"strings"
	"testing"
)

// clearLogEnv empties every TF_LOG* and TF_ACC_LOG* variable for the test (t.Setenv restores them).
func clearLogEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_LOG") || strings.HasPrefix(name, "TF_ACC_LOG") {
			t.Setenv(name, "")
		}
	}
	t.Setenv("TF_LOG_SDK", "")
	t.Setenv("TF_LOG_PROVIDER_VEEAM", "")
}

func TestSilence_nobodyReads(t *testing.T) {
	clearLogEnv(t)
	if !Silence("veeam") {
		t.Fatal("with no TF_LOG* variable the logs should be silenced")
	}
	for _, k := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER_VEEAM"} {
		if got := os.Getenv(k); got != "OFF" {
			t.Errorf("%s = %q, want OFF", k, got)
		}
	}
}

func TestSilence_someoneReads(t *testing.T) {
	for _, k := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_VEEAM_HTTP", "TF_LOG_SDK_FRAMEWORK", "TF_ACC_LOG_PATH"} {
		t.Run(k, func(t *testing.T) {
			clearLogEnv(t)
			t.Setenv(k, "TRACE")
			if Silence("veeam") {
				t.Fatalf("%s is set: the logs must stay as they are", k)
			}
			if got := os.Getenv("TF_LOG_SDK"); got != "" {
				t.Errorf("TF_LOG_SDK = %q, want it untouched", got)
			}
		})
	}
}

func TestProviderLevelVariable(t *testing.T) {
	for in, want := range map[string]string{"veeam": "TF_LOG_PROVIDER_VEEAM", "noop": "TF_LOG_PROVIDER_NOOP", "my-cloud": "TF_LOG_PROVIDER_MY_CLOUD"} {
		if got := ProviderLevelVariable(in); got != want {
			t.Errorf("ProviderLevelVariable(%q) = %q, want %q", in, got, want)
		}
	}
}
