package client

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
)

// A Backup for AWS session pointed at another product's port says whose answer it got and
// blames host, not api_version or the password.
func TestAWSAtAnotherProductsPortNamesTheHost(t *testing.T) {
	srv := startEmulator(t)
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html><body>Not Found</body></html>"))
	}))
	t.Cleanup(html.Close)
	for host, like := range map[string]string{
		srv.URL[emulator.VBR]: "Veeam Backup & Replication",
		srv.URL[emulator.EM]:  "Enterprise Manager",
		srv.URL[emulator.VRO]: "OAuth 2.0 token service",
		srv.URL[emulator.VAO]: "OAuth 2.0 token service",
		html.URL:              "a web page (HTML)",
	} {
		cfg := awsConfig(srv, "administrator", "Password1")
		cfg.Host, cfg.AllowPlaintextHTTP = host, true
		_, err := newAWS(t, cfg).Credential(ctxT(t))
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != FieldHost || ce.Reason != ReasonWrongProduct {
			t.Errorf("%s: want a ConfigError on host (wrong product), got %v", host, err)
			continue
		}
		if !strings.Contains(ce.Detail, like) || !strings.Contains(ce.Detail, "not like Veeam Backup for AWS") {
			t.Errorf("%s: %q does not say it answers like %s", host, ce.Detail, like)
		}
	}
	// Its own errors are its own: a wrong password stays an authentication failure.
	_, err := newAWS(t, awsConfig(srv, "administrator", "wrong")).Credential(ctxT(t))
	if !IsAuthenticationFailed(err) {
		t.Fatalf("a wrong password against Backup for AWS: %v", err)
	}
}
