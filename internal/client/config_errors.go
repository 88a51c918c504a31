package client

import "fmt"

// Field is a credential or configuration field of Config, as the API knows it. The provider
// maps it to the attribute (or environment variable) the value came from.
type Field string

// The fields a ConfigError can name.
const (
	FieldHost              Field = "host"
	FieldAPIVersion        Field = "api_version"
	FieldCACertPEM         Field = "ca_cert_pem"
	FieldCACertFile        Field = "ca_cert_file"
	FieldUsername          Field = "username"
	FieldPassword          Field = "password"
	FieldTOTPSecret        Field = "totp_secret"
	FieldMFACode           Field = "mfa_code"
	FieldAuthorizationCode Field = "authorization_code"
	FieldRefreshToken      Field = "refresh_token"
	FieldSAMLResponse      Field = "saml_response"
	FieldClientID          Field = "client_id"
	FieldClientSecret      Field = "client_secret"
	FieldAssertion         Field = "assertion"
	FieldAssertionGrant    Field = "assertion_grant"
	// FieldAllowPlaintextHTTP is the opt-in that lets FieldHost be http://.
	FieldAllowPlaintextHTTP Field = "allow_plaintext_http"
)

// Words is the field's name in a sentence: "authorization code", "SAML response".
func (f Field) Words() string {
	switch f {
	case FieldSAMLResponse:
		return "SAML response"
	case FieldTOTPSecret:
		return "TOTP secret"
	case FieldMFACode:
		return "MFA code"
	case FieldClientID:
		return "client ID"
	case FieldAPIVersion:
		return "API version"
	}
	b := []byte(f)
	for i, c := range b {
		if c == '_' {
			b[i] = ' '
		}
	}
	return string(b)
}

// Reason says what is wrong with a field.
type Reason int

// The reasons a ConfigError can give.
const (
	// ReasonInvalid: the value is malformed; Detail says how.
	ReasonInvalid Reason = iota
	// ReasonMissing: a login needs the field and it is empty.
	ReasonMissing
	// ReasonNoCredentials: no login credentials at all (Field is FieldUsername).
	ReasonNoCredentials
	// ReasonConflict: the field cannot be used together with Other.
	ReasonConflict
	// ReasonRejected: the server refused the value; Err holds its answer.
	ReasonRejected
	// ReasonSpent: a single-use value was already used by this session.
	ReasonSpent
	// ReasonUnsupported: the server does not offer the value (an API version).
	ReasonUnsupported
	// ReasonPlaintext: FieldHost is http:// and Other (FieldAllowPlaintextHTTP) is not set.
	ReasonPlaintext
	// ReasonWrongProduct: the server at FieldHost answers like another product; Detail says
	// which.
	ReasonWrongProduct
)

// ConfigError is a problem with one field of the client's configuration, found before a request
// is sent or from the server's refusal. It speaks of the API only: the provider turns it into a
// sentence naming the attribute or environment variable the value came from.
type ConfigError struct {
	Field  Field
	Reason Reason
	// Detail is what is wrong, in the API's words (may be "").
	Detail string
	// Other is the conflicting field (ReasonConflict).
	Other Field
	// Hint is the API's advice, to follow the provider's fix (may be "").
	Hint string
	// Err is the server's answer, when there is one.
	Err error
}

func (e *ConfigError) Error() string {
	msg := e.Detail
	switch {
	case msg != "":
	case e.Reason == ReasonMissing:
		msg = "not set"
	case e.Reason == ReasonNoCredentials:
		msg = "no credentials"
	case e.Reason == ReasonConflict:
		msg = "conflicts with " + string(e.Other)
	case e.Reason == ReasonPlaintext:
		msg = "plain http needs " + string(e.Other)
	case e.Reason == ReasonWrongProduct:
		msg = "answers like another product"
	default:
		msg = "invalid"
	}
	s := fmt.Sprintf("%s: %s", e.Field, msg)
	if e.Reason == ReasonPlaintext {
		s += fmt.Sprintf(": use https://, or set %s", e.Other)
	}
	if e.Hint != "" {
		s += ": " + e.Hint
	}
	if e.Err != nil {
		s += "\n\n" + e.Err.Error()
	}
	return s
}

func (e *ConfigError) Unwrap() error { return e.Err }

// TLSError is a server certificate this machine does not accept.
type TLSError struct {
	Product Product
	Host    string
	// WrongName: the certificate is valid but for another name; otherwise it is not trusted.
	WrongName bool
	Err       error
}

func (e *TLSError) Error() string {
	if e.WrongName {
		return fmt.Sprintf("%s at %s presented a certificate for another name (%v): connect by a name the certificate lists", e.Product.Title(), e.Host, e.Err)
	}
	return fmt.Sprintf("%s at %s presented a certificate this machine does not trust (%v)", e.Product.Title(), e.Host, e.Err)
}

func (e *TLSError) Unwrap() error { return e.Err }
