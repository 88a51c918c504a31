package client

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem of the HTTP log: TF_LOG_PROVIDER_VEEAM_HTTP=DEBUG shows it.
const LogSubsystem = "http"

const masked = "***"

// secretHeaders are replaced by *** in logs.
var secretHeaders = []string{"Authorization", "X-Restsvcsessionid", "Cookie", "Set-Cookie", "Proxy-Authorization"}

// secretFields are form fields, JSON keys and XML elements whose values never reach a log.
var secretFields = map[string]bool{
	"password": true, "oldpassword": true, "newpassword": true,
	"access_token": true, "refresh_token": true, "accesstoken": true, "refreshtoken": true,
	"code": true, "mfa_code": true, "mfa_token": true, "token": true, "vbr_token": true,
	"client_secret": true, "samlresponse": true, "value": true,
	"secretkey": true, "secret_key": true, "scratchcodes": true, "qrstring": true,
	"sessionid": true, "redirecttourl": true,
}

type secretsKey struct{}

// withSecrets remembers values that must be masked in every log line written under ctx.
func withSecrets(ctx context.Context, values ...string) context.Context {
	prev, _ := ctx.Value(secretsKey{}).([]string)
	out := append([]string(nil), prev...)
	for _, v := range values {
		if len(v) >= 4 { // a shorter value would mask ordinary words
			out = append(out, v)
		}
	}
	return context.WithValue(ctx, secretsKey{}, out)
}

// maskSecrets applies the remembered values as tflog masks, on the provider's logger and on
// the HTTP subsystem's, for messages and fields alike.
func maskSecrets(ctx context.Context) context.Context {
	vals, _ := ctx.Value(secretsKey{}).([]string)
	if len(vals) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, vals...)
	ctx = tflog.MaskMessageStrings(ctx, vals...)
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, vals...)
	ctx = tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, vals...)
	return ctx
}

// IsSecretField reports whether a wire field of that name holds a secret.
func IsSecretField(name string) bool { return secretFields[strings.ToLower(name)] }

// loggingTransport logs each try of each request at DEBUG (headers) and TRACE (bodies), with
// every credential masked. It logs through the request's context, so the provider's tflog masks
// apply on top.
type loggingTransport struct {
	product Product
	next    http.RoundTripper
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := maskSecrets(tflog.NewSubsystem(req.Context(), LogSubsystem))
	var reqBody []byte
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(io.LimitReader(rc, 64<<10))
			_ = rc.Close()
		}
	}
	tflog.SubsystemDebug(ctx, LogSubsystem, "request", map[string]any{
		"product": string(t.product),
		"method":  req.Method,
		"url":     redactURL(req.URL),
		"headers": redactHeaders(req.Header),
	})
	if len(reqBody) > 0 {
		tflog.SubsystemTrace(ctx, LogSubsystem, "request body", map[string]any{"body": RedactBody(req.Header.Get("Content-Type"), reqBody)})
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		tflog.SubsystemDebug(ctx, LogSubsystem, "request failed", map[string]any{"product": string(t.product), "method": req.Method, "url": redactURL(req.URL), "error": err.Error()})
		return resp, err
	}
	fields := map[string]any{
		"product":     string(t.product),
		"method":      req.Method,
		"url":         redactURL(req.URL),
		"status":      resp.StatusCode,
		"headers":     redactHeaders(resp.Header),
		"duration_ms": time.Since(start).Milliseconds(),
	}
	tflog.SubsystemDebug(ctx, LogSubsystem, "response", fields)
	if resp.Body != nil && tflogTraceEnabled() {
		b, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		if rerr == nil && len(b) > 0 {
			tflog.SubsystemTrace(ctx, LogSubsystem, "response body", map[string]any{"body": RedactBody(resp.Header.Get("Content-Type"), b)})
		}
	}
	return resp, nil
}

// tflogTraceEnabled avoids buffering every response when nobody reads TRACE logs. The
// environment is what terraform-plugin-log itself consults.
func tflogTraceEnabled() bool {
	for _, k := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_VEEAM", "TF_LOG_PROVIDER_VEEAM_HTTP", "TF_ACC_LOG"} {
		if strings.EqualFold(os.Getenv(k), "TRACE") {
			return true
		}
	}
	return forceTraceBodies.Load()
}

// forceTraceBodies lets tests capture bodies without setting the environment.
var forceTraceBodies atomic.Bool

func redactHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		val := strings.Join(v, ", ")
		for _, s := range secretHeaders {
			if strings.EqualFold(k, s) {
				val = maskCredentialHeader(val)
			}
		}
		out[k] = val
	}
	return out
}

// maskCredentialHeader keeps the scheme (Bearer, Basic) so a log still says which was sent.
func maskCredentialHeader(v string) string {
	if i := strings.IndexByte(v, ' '); i > 0 && (strings.EqualFold(v[:i], "Bearer") || strings.EqualFold(v[:i], "Basic")) {
		return v[:i] + " " + masked
	}
	return masked
}

func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	q := c.Query()
	changed := false
	for k := range q {
		if IsSecretField(k) || strings.EqualFold(k, "SAMLRequest") {
			q.Set(k, masked)
			changed = true
		}
	}
	if changed {
		c.RawQuery = q.Encode()
	}
	return c.String()
}

var xmlSecret = regexp.MustCompile(`(?is)<(Password|SessionId)>.*?</(Password|SessionId)>`)

// RedactBody masks secrets in a form, JSON or XML body; anything else is summarised by length.
func RedactBody(contentType string, b []byte) string {
	ct := strings.ToLower(contentType)
	switch {
	case strings.Contains(ct, "x-www-form-urlencoded"):
		v, err := url.ParseQuery(string(b))
		if err != nil {
			return "<unparseable form body>"
		}
		for k := range v {
			if IsSecretField(k) {
				v.Set(k, masked)
			}
		}
		return v.Encode()
	case strings.Contains(ct, "json"):
		var x any
		if err := json.Unmarshal(b, &x); err != nil {
			return "<unparseable JSON body>"
		}
		out, _ := json.Marshal(redactJSON(x))
		return string(out)
	case strings.Contains(ct, "xml"):
		return xmlSecret.ReplaceAllString(string(b), "<$1>"+masked+"</$2>")
	}
	return "<" + http.DetectContentType(b) + " body omitted>"
}

func redactJSON(x any) any {
	switch v := x.(type) {
	case map[string]any:
		for k, val := range v {
			if IsSecretField(k) {
				v[k] = masked
			} else {
				v[k] = redactJSON(val)
			}
		}
		return v
	case []any:
		for i := range v {
			v[i] = redactJSON(v[i])
		}
		return v
	}
	return x
}
