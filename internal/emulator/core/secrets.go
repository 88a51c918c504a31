package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// tokenHash is the SHA-256 of a secret the emulator handed out (access and
// refresh tokens, authorization codes, MFA tokens, enrollment tokens, SAML
// messages). The store is keyed by it, so the raw secret is never a map key
// and never needs to be logged.
type tokenHash [sha256.Size]byte

func hashToken(s string) tokenHash { return sha256.Sum256([]byte(s)) }

// equalHash compares two hashes in constant time.
func equalHash(a, b tokenHash) bool { return subtle.ConstantTimeCompare(a[:], b[:]) == 1 }

// EqualSecret compares two strings in constant time (lengths may leak).
func EqualSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// issuer signs the JWT-shaped access and refresh tokens with an HMAC key
// made when the emulator starts.
type issuer struct {
	key []byte
}

func newIssuer() (*issuer, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("emulator: token key: %w", err)
	}
	return &issuer{key: key}, nil
}

// mac returns the HMAC-SHA256 of data under the signing key.
func (i *issuer) mac(data string) []byte {
	m := hmac.New(sha256.New, i.key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// mint returns a signed JWT with the claims Veeam's tokens carry
// (unique_name, nbf, exp, iat, aud) plus a random jti that makes every token
// unguessable and unique even when minted in the same second.
func (i *issuer) mint(user, audience string, now, exp time.Time, extra map[string]any) (string, error) {
	claims := jwt.MapClaims{
		"unique_name": user,
		"nbf":         now.Unix(),
		"exp":         exp.Unix(),
		"iat":         now.Unix(),
		"aud":         audience,
		"jti":         RandomHex(16),
	}
	for k, v := range extra {
		claims[k] = v
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(i.key)
}

// RandomBytes returns n bytes from crypto/rand. crypto/rand.Read never
// returns an error on supported platforms (Go 1.24+ crashes instead).
func RandomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// RandomHex returns 2n random hexadecimal digits.
func RandomHex(n int) string { return hex.EncodeToString(RandomBytes(n)) }

// opaqueToken returns a token shaped like the documented mfa_token and
// enrollment token: base64 of 64 upper-case hex digits.
func opaqueToken() string {
	return base64.StdEncoding.EncodeToString([]byte(strings.ToUpper(RandomHex(32))))
}

// authorizationCode returns a code shaped like the documented ones
// ("AAEAA…" base64 of a binary blob).
func authorizationCode() string {
	b := append([]byte{0, 1, 0, 0}, RandomBytes(60)...)
	return base64.StdEncoding.EncodeToString(b)
}

// randomDigits returns n random decimal digits (used for scratch codes).
func randomDigits(n int) string {
	var sb strings.Builder
	ten := big.NewInt(10)
	for range n {
		d, _ := rand.Int(rand.Reader, ten)
		sb.WriteByte(byte('0' + d.Int64()))
	}
	return sb.String()
}

// RandomUUID returns a random RFC 4122 version 4 UUID.
func RandomUUID() string { return UUID(RandomBytes(16)) }

// UUID lays out the first 16 bytes of b as a version 4 UUID.
func UUID(b []byte) string {
	b = append([]byte(nil), b[:16]...)
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
