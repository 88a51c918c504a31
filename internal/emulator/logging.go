package emulator

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// redacted replaces every secret in the request log.
const redacted = "[REDACTED]"

// sensitiveWords mark a form field, query parameter or header whose value
// must never reach the log.
var sensitiveWords = []string{"password", "token", "code", "secret", "saml", "session", "authorization", "cookie", "credential"}

func sensitiveKey(k string) bool {
	k = strings.ToLower(k)
	for _, w := range sensitiveWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// maskValues returns v with the values of sensitive keys redacted.
func maskValues(v url.Values) map[string]string {
	out := make(map[string]string, len(v))
	for k, vals := range v {
		val := strings.Join(vals, ",")
		if sensitiveKey(k) {
			val = redacted
		}
		if len(val) > 200 {
			val = val[:200] + "…"
		}
		out[k] = val
	}
	return out
}

// maskedQuery returns the raw query with sensitive values redacted.
func maskedQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return redacted
	}
	for k := range q {
		if sensitiveKey(k) {
			q[k] = []string{redacted}
		}
	}
	return q.Encode()
}

// maskedAuthorization keeps the scheme of an Authorization header only.
func maskedAuthorization(h string) string {
	if h == "" {
		return ""
	}
	scheme, _, _ := strings.Cut(strings.TrimSpace(h), " ")
	return scheme + " " + redacted
}

// logRequest writes one structured line per request. Request bodies are
// never logged except form fields, with secrets redacted.
func (e *Emulator) logRequest(p Product, r *http.Request, info *reqInfo, sw *statusWriter, d time.Duration, dropped bool) {
	ctx := context.Background()
	if !e.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := []any{
		"product", string(p),
		"method", r.Method,
		"path", r.URL.Path,
		"status", sw.status,
		"bytes", sw.bytes,
		"duration_ms", float64(d.Microseconds()) / 1000,
		"remote", r.RemoteAddr,
	}
	if q := maskedQuery(r.URL.RawQuery); q != "" {
		attrs = append(attrs, "query", q)
	}
	if a := maskedAuthorization(r.Header.Get("Authorization")); a != "" {
		attrs = append(attrs, "authorization", a)
	}
	if v := r.Header.Get("x-api-version"); v != "" {
		attrs = append(attrs, "api_version", v)
	}
	if info.grant != "" {
		attrs = append(attrs, "grant", info.grant)
	}
	if info.user != "" {
		attrs = append(attrs, "user", info.user)
	}
	if len(r.PostForm) > 0 {
		attrs = append(attrs, "form", maskValues(r.PostForm))
	}
	if dropped {
		attrs = append(attrs, "dropped", true)
	}
	e.log.Info("request", attrs...)
}
