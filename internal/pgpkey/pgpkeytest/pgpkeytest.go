// Package pgpkeytest makes OpenPGP key pairs for tests of pgp_key: the public key as a user
// passes it, and decryption of what the provider stored with the private key.
package pgpkeytest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"io"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// KeyPair is a test user's key pair.
type KeyPair struct {
	entity *openpgp.Entity
	// PublicKey is the public key as pgp_key takes it: base64 of `gpg --export`.
	PublicKey string
	// ArmoredPublicKey is the public key as `gpg --export --armor` writes it.
	ArmoredPublicKey string
	// Fingerprint is the primary key's fingerprint in lower-case hex.
	Fingerprint string
}

// New makes an Ed25519 key pair with a Curve25519 encryption subkey (gpg's default since 2.3;
// fast to make).
func New(t testing.TB) *KeyPair {
	return NewWithConfig(t, &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
}

// NewRSA makes an RSA key pair of the given size (gpg's default before 2.3).
func NewRSA(t testing.TB, bits int) *KeyPair {
	return NewWithConfig(t, &packet.Config{Algorithm: packet.PubKeyAlgoRSA, RSABits: bits})
}

// NewWithConfig makes a key pair with go-crypto's key generation settings.
func NewWithConfig(t testing.TB, cfg *packet.Config) *KeyPair {
	t.Helper()
	e, err := openpgp.NewEntity("Terraform Test", "pgp_key test", "test@example.com", cfg)
	if err != nil {
		t.Fatalf("making an OpenPGP key pair: %v", err)
	}
	var bin bytes.Buffer
	if err := e.Serialize(&bin); err != nil {
		t.Fatalf("exporting the public key: %v", err)
	}
	var arm bytes.Buffer
	w, err := armor.Encode(&arm, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(bin.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &KeyPair{
		entity:           e,
		PublicKey:        base64.StdEncoding.EncodeToString(bin.Bytes()),
		ArmoredPublicKey: arm.String(),
		Fingerprint:      hex.EncodeToString(e.PrimaryKey.Fingerprint),
	}
}

// SecretKey is the private key, base64 of `gpg --export-secret-keys`: for tests that check a
// secret key is refused.
func (k *KeyPair) SecretKey(t testing.TB) string {
	t.Helper()
	var buf bytes.Buffer
	if err := k.entity.SerializePrivate(&buf, nil); err != nil {
		t.Fatalf("exporting the secret key: %v", err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// Decrypt decrypts the base64 of a binary OpenPGP message, as
// `base64 -d | gpg --decrypt` would, and fails the test when it cannot.
func (k *KeyPair) Decrypt(t testing.TB, b64 string) string {
	t.Helper()
	s, err := k.TryDecrypt(b64)
	if err != nil {
		t.Fatalf("decrypting with the test key %s: %v", k.Fingerprint, err)
	}
	return s
}

// TryDecrypt is Decrypt returning the error, for checks that must not stop the test.
func (k *KeyPair) TryDecrypt(b64 string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", err
	}
	md, err := openpgp.ReadMessage(bytes.NewReader(raw), openpgp.EntityList{k.entity}, nil, nil)
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(md.UnverifiedBody)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
