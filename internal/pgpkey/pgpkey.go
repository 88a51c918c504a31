// Package pgpkey encrypts values for a user's OpenPGP public key, the way the AWS provider's
// pgp_key argument does (aws_iam_access_key, aws_iam_user_login_profile): the user passes a
// base64-encoded public key, Terraform keeps only the base64 of a binary OpenPGP message in
// state, and the user decrypts it with
//
//	terraform output -raw NAME | base64 -d | gpg --decrypt
//
// It uses github.com/ProtonMail/go-crypto/openpgp, the maintained fork of x/crypto/openpgp
// that Terraform's own tooling uses. It makes no network calls: "keybase:USER" is refused.
package pgpkey

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// exportHint is how a user makes the value pgp_key expects.
const exportHint = "gpg --export KEYID | base64 -w0"

// armorHeader starts an ASCII-armored public key (gpg --export --armor).
const armorHeader = "-----BEGIN PGP PUBLIC KEY BLOCK-----"

// Key is one OpenPGP public key that can encrypt.
type Key struct {
	entity *openpgp.Entity
}

// Parse reads the value of a pgp_key argument: a base64-encoded binary public key (gpg
// --export), or for convenience an ASCII-armored one (gpg --export --armor), raw or itself
// base64-encoded. It must hold exactly one public key, not a secret key, with a subkey (or
// primary key) that can encrypt now. Errors say what to pass instead; they quote no key
// material.
func Parse(pgpKey string) (*Key, error) {
	s := strings.TrimSpace(pgpKey)
	switch {
	case s == "":
		return nil, fmt.Errorf("pgp_key is empty: set it to a base64-encoded OpenPGP public key: %s", exportHint)
	case strings.HasPrefix(strings.ToLower(s), "keybase:"):
		user := strings.TrimSpace(s[len("keybase:"):])
		return nil, fmt.Errorf("pgp_key %q names a Keybase user, but this provider does not fetch keys from keybase.io (it calls nothing but the Veeam appliance): "+
			"pass the key itself, e.g. curl -s https://keybase.io/%s/pgp_keys.asc | gpg --dearmor | base64 -w0", s, keybaseUserOr(user))
	}
	var entities openpgp.EntityList
	var err error
	if strings.HasPrefix(s, "-----BEGIN PGP") {
		entities, err = readArmored(s)
	} else {
		raw, derr := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if derr != nil {
			return nil, fmt.Errorf("pgp_key must be a base64-encoded public key: %s (or an ASCII-armored one: gpg --export --armor KEYID); it is not base64 (%v)", exportHint, derr)
		}
		if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("-----BEGIN PGP")) {
			entities, err = readArmored(string(raw))
		} else if entities, err = openpgp.ReadKeyRing(bytes.NewReader(raw)); err != nil {
			err = notAKey(err)
		}
	}
	if err != nil {
		return nil, err
	}
	return oneEncryptionKey(entities)
}

func keybaseUserOr(user string) string {
	if user == "" {
		return "USER"
	}
	return user
}

// readArmored reads an ASCII-armored key block; it refuses a secret key block outright.
func readArmored(s string) (openpgp.EntityList, error) {
	block, err := armor.Decode(strings.NewReader(strings.TrimSpace(s)))
	if err != nil {
		return nil, fmt.Errorf("pgp_key looks ASCII-armored but the armor is damaged (%v): pass the output of gpg --export --armor KEYID whole, or %s", err, exportHint)
	}
	switch block.Type {
	case openpgp.PublicKeyType:
	case openpgp.PrivateKeyType:
		return nil, errSecretKey
	default:
		return nil, fmt.Errorf("pgp_key is an ASCII-armored %q, not a public key block (%s): %s", block.Type, armorHeader, exportHint)
	}
	entities, err := openpgp.ReadKeyRing(block.Body)
	if err != nil {
		return nil, notAKey(err)
	}
	return entities, nil
}

var errSecretKey = errors.New("pgp_key holds a secret key: pass the public key only (gpg --export KEYID | base64 -w0, not gpg --export-secret-keys), " +
	"and remove the secret key from your configuration and its history")

func notAKey(err error) error {
	var unsupported pgperrors.UnsupportedError
	if errors.As(err, &unsupported) {
		return fmt.Errorf("pgp_key is an OpenPGP key this provider cannot use (%v): export an RSA, ECC (cv25519) or Ed25519 key: %s", err, exportHint)
	}
	return fmt.Errorf("pgp_key is not an OpenPGP public key (%v): pass %s, or the whole output of gpg --export --armor KEYID", err, exportHint)
}

// oneEncryptionKey checks the key ring holds exactly one public key that can encrypt now.
func oneEncryptionKey(entities openpgp.EntityList) (*Key, error) {
	switch len(entities) {
	case 0:
		return nil, notAKey(errors.New("no key found"))
	case 1:
	default:
		fps := make([]string, len(entities))
		for i, e := range entities {
			fps[i] = fingerprint(e)
		}
		return nil, fmt.Errorf("pgp_key holds %d public keys (%s): export exactly one: %s", len(entities), strings.Join(fps, ", "), exportHint)
	}
	e := entities[0]
	if e.PrivateKey != nil {
		return nil, errSecretKey
	}
	if _, ok := e.EncryptionKey(time.Now()); !ok {
		return nil, fmt.Errorf("pgp_key %s cannot encrypt now: it has no valid encryption subkey (expired, revoked, or signing-only): "+
			"extend it (gpg --quick-set-expire %s 1y '*'), add one (gpg --quick-add-key %s cv25519 encr) or export another key", fingerprint(e), fingerprint(e), fingerprint(e))
	}
	return &Key{entity: e}, nil
}

// Fingerprint is the key's fingerprint in lower-case hex, as aws_iam_access_key's
// key_fingerprint and `gpg --with-colons --fingerprint` write it.
func (k *Key) Fingerprint() string { return fingerprint(k.entity) }

func fingerprint(e *openpgp.Entity) string { return hex.EncodeToString(e.PrimaryKey.Fingerprint) }

// Encrypt encrypts plaintext for the key (unsigned, no file name) and returns the base64 of
// the binary OpenPGP message. Each call gives a different ciphertext: encrypt a value once,
// when it is created, and keep the result.
func (k *Key) Encrypt(plaintext []byte) (string, error) {
	var buf bytes.Buffer
	w, err := openpgp.Encrypt(&buf, []*openpgp.Entity{k.entity}, nil, nil, nil)
	if err != nil {
		return "", fmt.Errorf("encrypting for pgp_key %s: %w", k.Fingerprint(), err)
	}
	if _, err := io.Copy(w, bytes.NewReader(plaintext)); err != nil {
		return "", fmt.Errorf("encrypting for pgp_key %s: %w", k.Fingerprint(), err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("encrypting for pgp_key %s: %w", k.Fingerprint(), err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// RecipientID is the key ID (16 lower-case hex digits) of the subkey Encrypt encrypts for now,
// as `gpg --list-packets` prints it ("pubkey enc packet: ... keyid ..."). A message remembers
// it, so Terraform can tell from a stored message alone whether the configured key is still
// the one it was encrypted for (see RecipientOf).
func (k *Key) RecipientID() string {
	sub, ok := k.entity.EncryptionKey(time.Now())
	if !ok {
		return ""
	}
	return fmt.Sprintf("%016x", sub.PublicKey.KeyId)
}

// RecipientOf is the key ID of the key the base64 OpenPGP message was encrypted for (its first
// public-key encrypted session key packet), in RecipientID's form.
func RecipientOf(message string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(message)
	if err != nil {
		return "", fmt.Errorf("not base64: %w", err)
	}
	packets := packet.NewReader(bytes.NewReader(raw))
	for {
		p, err := packets.Next()
		if err != nil {
			return "", fmt.Errorf("no encrypted session key: %w", err)
		}
		if ek, ok := p.(*packet.EncryptedKey); ok {
			return fmt.Sprintf("%016x", ek.KeyId), nil
		}
	}
}
