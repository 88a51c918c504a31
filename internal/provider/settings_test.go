package provider

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSettingsAttributeThenEnvironmentThenDefault(t *testing.T) {
	t.Setenv("VEEAM_AWS_HOST", "https://from-env:11005")
	t.Setenv("VEEAM_AWS_PASSWORD", "env-password")
	t.Setenv("VEEAM_AWS_MAX_RETRIES", "7")
	t.Setenv("VEEAM_AWS_REQUEST_TIMEOUT", "45s")
	m := awsBlockModel{Password: types.StringValue("attr-password")}
	r := &resolver{product: "aws"}
	cfg, err := r.resolve(&m)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "https://from-env:11005" {
		t.Errorf("host from the environment: got %q", cfg.Host)
	}
	if cfg.Credentials.Password != "attr-password" {
		t.Errorf("the attribute must win over VEEAM_AWS_PASSWORD, got %q", cfg.Credentials.Password)
	}
	if cfg.MaxRetries != 7 || cfg.RequestTimeout != 45*time.Second {
		t.Errorf("max_retries/request_timeout from the environment: %d, %v", cfg.MaxRetries, cfg.RequestTimeout)
	}
	if s := r.str("password", m.Password); s.Source.String() != `password in the "aws" block` {
		t.Errorf("source = %q", s.Source.String())
	}
	if s := r.str("host", m.Host); s.Source.String() != "VEEAM_AWS_HOST" {
		t.Errorf("source = %q", s.Source.String())
	}
}

func TestSettingsErrorsNameTheAttributeAndTheFix(t *testing.T) {
	for name, tc := range map[string]struct {
		env       map[string]string
		model     awsBlockModel
		attribute string
		message   string
	}{
		"no host":         {model: awsBlockModel{}, attribute: "host", message: "VEEAM_AWS_HOST"},
		"bad bool in env": {env: map[string]string{"VEEAM_AWS_HOST": "h", "VEEAM_AWS_INSECURE": "yes please"}, attribute: "insecure", message: "true or false"},
		"bad duration":    {env: map[string]string{"VEEAM_AWS_HOST": "h", "VEEAM_AWS_REQUEST_TIMEOUT": "soon"}, attribute: "request_timeout", message: `"30s"`},
		"bad retries":     {env: map[string]string{"VEEAM_AWS_HOST": "h", "VEEAM_AWS_MAX_RETRIES": "many"}, attribute: "max_retries", message: "whole number"},
		"insecure and CA from env": {
			env:   map[string]string{"VEEAM_AWS_HOST": "h", "VEEAM_AWS_CA_CERT_FILE": "/tmp/ca.pem"},
			model: awsBlockModel{connectionModel: connectionModel{Insecure: types.BoolValue(true)}}, attribute: "insecure", message: "conflicts",
		},
	} {
		t.Run(name, func(t *testing.T) {
			for _, k := range []string{"VEEAM_AWS_HOST", "VEEAM_AWS_INSECURE", "VEEAM_AWS_REQUEST_TIMEOUT", "VEEAM_AWS_MAX_RETRIES", "VEEAM_AWS_CA_CERT_FILE"} {
				t.Setenv(k, "")
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			_, err := (&resolver{product: "aws"}).resolve(&tc.model)
			var ce *blockError
			if !errors.As(err, &ce) || ce.Attribute != tc.attribute || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("want a ConfigError on %s mentioning %q, got %v", tc.attribute, tc.message, err)
			}
		})
	}
}

func TestSettingsUnknownValuesDeferLogin(t *testing.T) {
	m := awsBlockModel{connectionModel: connectionModel{Host: types.StringUnknown()}, Password: types.StringUnknown()}
	r := &resolver{product: "aws"}
	if _, err := r.resolve(&m); err != nil {
		t.Fatalf("unknown values must not be an error at plan time: %v", err)
	}
	if strings.Join(r.unknown, ",") != "host,password" {
		t.Fatalf("unknown = %v", r.unknown)
	}
}
