package client

// Sending requests: Do (authenticated, renews once after a 401) and Send (one request, its
// failure decoded into *APIError).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// secrets are the values no log line may show for this session.
func (s *Session) secrets(tok *Token) []string {
	c := s.cfg.Credentials
	out := []string{c.Password, c.TOTPSecret, c.MFACode, c.AuthorizationCode, c.RefreshToken, c.SAMLResponse, c.ClientSecret}
	if tok != nil {
		out = append(out, tok.AccessToken, tok.RefreshToken)
	}
	s.mu.Lock()
	if s.token != nil && s.token != tok {
		out = append(out, s.token.AccessToken, s.token.RefreshToken)
	}
	s.mu.Unlock()
	return out
}

// pathVersion is the configured API version as a path segment ("/v8.1"), "v" added when it is
// missing: the products whose resource paths carry the version (Backup for Microsoft Azure and
// Microsoft 365, Recovery Orchestrator).
func (s *Session) pathVersion() string {
	v := strings.Trim(s.cfg.APIVersion, "/ ")
	if !strings.HasPrefix(strings.ToLower(v), "v") {
		v = "v" + v
	}
	return "/" + url.PathEscape(v)
}

// Request is one API call.
type Request struct {
	Method string
	// Path is relative to the base URL and already escaped: each name in it goes through
	// url.PathEscape ("/api/v1/users/" + url.PathEscape(name)), so a name may hold any character.
	Path  string
	Query url.Values // optional
	Form  url.Values // sent as application/x-www-form-urlencoded
	JSON  any        // sent as application/json
	Body  []byte     // sent raw with ContentType
	// ContentType of Body; Accept defaults to application/json.
	ContentType string
	Accept      string
	Header      http.Header
	// RetrySafe marks a POST as safe to resend after a lost connection (see design/retries.md).
	RetrySafe bool
}

// Response is what came back from a successful call.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode unmarshals a JSON body into out.
func (r *Response) Decode(out any) error {
	if len(bytes.TrimSpace(r.Body)) == 0 {
		return fmt.Errorf("empty response body, expected JSON")
	}
	if err := json.Unmarshal(r.Body, out); err != nil {
		return fmt.Errorf("decoding response: %w", err)
	}
	return nil
}

// Do sends an authenticated request. A 401 makes it renew the credential and send once more.
func (s *Session) Do(ctx context.Context, r Request) (*Response, error) {
	tok, err := s.Credential(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := s.Send(ctx, r, tok)
	var apiErr *APIError
	if err != nil && errors.As(err, &apiErr) && apiErr.Status == http.StatusUnauthorized {
		tflog.Debug(ctx, "credential rejected; renewing and retrying once", map[string]any{"product": string(s.flavor.Product), "path": r.Path})
		s.mu.Lock()
		s.stats.Reauths++
		s.mu.Unlock()
		tok, err = s.renew(ctx, tok)
		if err != nil {
			return nil, err
		}
		return s.Send(ctx, r, tok)
	}
	return resp, err
}

// requestURL joins the base URL and r's escaped path, keeping the escaping: Path is the decoded
// form and RawPath the escaped one, so "john%20doe" is sent as such and not escaped again.
func (s *Session) requestURL(r Request) (*url.URL, error) {
	u := *s.baseURL
	raw := s.baseURL.EscapedPath() + r.Path
	p, err := url.PathUnescape(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: request path %q is not escaped correctly: %w", s.Product().Title(), r.Path, err)
	}
	u.Path, u.RawPath = p, raw
	if r.Query != nil {
		u.RawQuery = r.Query.Encode()
	}
	return &u, nil
}

// Send sends r with tok as the credential (nil: unauthenticated) and decodes a failure into
// *APIError. Login, refresh and logout implementations use it directly.
func (s *Session) Send(ctx context.Context, r Request, tok *Token) (*Response, error) {
	if s.negotiates(ctx) {
		return s.negotiate(ctx, r, tok) // api_version unset: settle the revision (versions.go)
	}
	u, err := s.requestURL(r)
	if err != nil {
		return nil, err
	}
	var body []byte
	ct := r.ContentType
	switch {
	case r.Form != nil:
		body, ct = []byte(r.Form.Encode()), "application/x-www-form-urlencoded"
	case r.JSON != nil:
		b, err := json.Marshal(r.JSON)
		if err != nil {
			return nil, fmt.Errorf("encoding request: %w", err)
		}
		body, ct = b, "application/json"
	case r.Body != nil:
		body = r.Body
	}
	ctx = context.WithValue(ctx, methodKey{}, r.Method)
	ctx = withSecrets(ctx, s.secrets(tok)...)
	if r.RetrySafe {
		ctx = withRetrySafe(ctx)
	}
	var rdr io.Reader
	if body != nil {
		rdr = bytes.NewReader(body)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, u.String(), rdr)
	if err != nil {
		return nil, err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	accept := r.Accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", s.cfg.UserAgent)
	if v := s.requestVersion(ctx); s.flavor.VersionHeader != "" && v != "" {
		req.Header.Set(s.flavor.VersionHeader, v)
	}
	if tok != nil && s.flavor.CredentialHeader != "" {
		req.Header.Set(s.flavor.CredentialHeader, s.flavor.CredentialPrefix+tok.AccessToken)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		err = explainTransportError(s.flavor.Product, s.baseURL.Host, err)
		if !retrySafe(ctx, r.Method) && !neverSent(err) {
			return nil, &OutcomeUnknownError{Product: s.flavor.Product, Method: r.Method, Path: r.Path, Err: err}
		}
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, explainTransportError(s.flavor.Product, s.baseURL.Host, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
	}
	apiErr := &APIError{Product: s.flavor.Product, Method: r.Method, Path: r.Path, Status: resp.StatusCode,
		contentType: resp.Header.Get("Content-Type"), body: b[:min(len(b), 4<<10)]}
	if s.flavor.DecodeError != nil {
		apiErr.ErrorCode, apiErr.Message = s.flavor.DecodeError(resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	if gatewayLost(resp.StatusCode) && !retrySafe(ctx, r.Method) {
		return nil, &OutcomeUnknownError{Product: s.flavor.Product, Method: r.Method, Path: r.Path, Err: apiErr}
	}
	return nil, apiErr
}
