package client

import (
	"errors"
	"strings"
	"testing"
)

func TestPlaintextHTTPIsRefusedUnlessAllowed(t *testing.T) {
	_, err := NewAWS(Config{Host: "http://backup.example.com", Credentials: Credentials{Username: "u", Password: "p"}})
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != FieldHost || ce.Reason != ReasonPlaintext || ce.Other != FieldAllowPlaintextHTTP {
		t.Fatalf("want a ConfigError on host with ReasonPlaintext naming allow_plaintext_http, got %#v", err)
	}
	if !strings.Contains(err.Error(), "clear text") || !strings.Contains(err.Error(), "https://") {
		t.Fatalf("the message does not say the risk and the fix: %v", err)
	}
	c, err := NewAWS(Config{Host: "http://backup.example.com", AllowPlaintextHTTP: true})
	if err != nil || c.BaseURL() != "http://backup.example.com:11005" {
		t.Fatalf("allowed plain http: %v %v", c, err)
	}
	if _, err := NewAWS(Config{Host: "backup.example.com"}); err != nil {
		t.Fatalf("a host without a scheme is https: %v", err)
	}
}
