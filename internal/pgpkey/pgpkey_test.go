package pgpkey_test

import (
	"bytes"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/tfveeam/terraform-provider-veeam/internal/pgpkey"
	"github.com/tfveeam/terraform-provider-veeam/internal/pgpkey/pgpkeytest"
)

const totpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEH"

// roundTrip encrypts for the parsed key and decrypts with the pair's private key.
func roundTrip(t *testing.T, kp *pgpkeytest.KeyPair, pgpKey string) {
	t.Helper()
	k, err := pgpkey.Parse(pgpKey)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got := k.Fingerprint(); got != kp.Fingerprint {
		t.Errorf("Fingerprint() = %s, want %s", got, kp.Fingerprint)
	}
	enc, err := k.Encrypt([]byte(totpSecret))
	if err != nil {
		t.Fatalf("Encrypt: %v", err)
	}
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		t.Fatalf("Encrypt returned no base64: %v", err)
	}
	if bytes.Contains(raw, []byte(totpSecret)) || strings.Contains(enc, totpSecret) {
		t.Error("the ciphertext contains the plaintext")
	}
	if got := kp.Decrypt(t, enc); got != totpSecret {
		t.Errorf("decrypted %q, want %q", got, totpSecret)
	}
	again, err := k.Encrypt([]byte(totpSecret))
	if err != nil {
		t.Fatal(err)
	}
	if again == enc {
		t.Error("two encryptions gave the same ciphertext: the session key is not random")
	}
	if other := pgpkeytest.New(t); func() bool { _, err := other.TryDecrypt(enc); return err == nil }() {
		t.Error("another key decrypts the message")
	}
	if id, err := pgpkey.RecipientOf(enc); err != nil || id != k.RecipientID() || len(id) != 16 {
		t.Errorf("RecipientOf(message) = %q, %v; want the key's RecipientID %q", id, err, k.RecipientID())
	}
}

// TestRecipientID: a message names the key it is encrypted for, so a stored message tells
// whether the configured key changed: the same key (binary or armored) gives the same ID,
// another key another, and a damaged message no ID.
func TestRecipientID(t *testing.T) {
	kp, other := pgpkeytest.New(t), pgpkeytest.New(t)
	k, err := pgpkey.Parse(kp.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	armored, err := pgpkey.Parse(kp.ArmoredPublicKey)
	if err != nil {
		t.Fatal(err)
	}
	o, err := pgpkey.Parse(other.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if k.RecipientID() != armored.RecipientID() || k.RecipientID() == o.RecipientID() {
		t.Errorf("RecipientID: key %s, same key armored %s, other key %s", k.RecipientID(), armored.RecipientID(), o.RecipientID())
	}
	enc, err := o.Encrypt([]byte(totpSecret))
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := pgpkey.RecipientOf(enc); id != o.RecipientID() || id == k.RecipientID() {
		t.Errorf("a message for the other key names %q; other key %s, key %s", id, o.RecipientID(), k.RecipientID())
	}
	for _, bad := range []string{"", "not base64!", base64.StdEncoding.EncodeToString([]byte("not a message"))} {
		if id, err := pgpkey.RecipientOf(bad); err == nil {
			t.Errorf("RecipientOf(%q) = %q, want an error", bad, id)
		}
	}
}

func TestParseEncrypt(t *testing.T) {
	ed := pgpkeytest.New(t)
	t.Run("base64 binary", func(t *testing.T) { roundTrip(t, ed, ed.PublicKey) })
	t.Run("base64 wrapped at 76 columns with a newline at the end", func(t *testing.T) {
		var b strings.Builder
		for s := ed.PublicKey; s != ""; {
			n := min(76, len(s))
			b.WriteString(s[:n] + "\n")
			s = s[n:]
		}
		roundTrip(t, ed, b.String())
	})
	t.Run("ASCII-armored", func(t *testing.T) { roundTrip(t, ed, ed.ArmoredPublicKey) })
	t.Run("base64 of ASCII-armored", func(t *testing.T) {
		roundTrip(t, ed, base64.StdEncoding.EncodeToString([]byte(ed.ArmoredPublicKey)))
	})
	t.Run("RSA", func(t *testing.T) {
		rsa := pgpkeytest.NewRSA(t, 2048)
		roundTrip(t, rsa, rsa.PublicKey)
	})
}

func TestParse_refusals(t *testing.T) {
	kp := pgpkeytest.New(t)
	other := pgpkeytest.New(t)
	expired := pgpkeytest.NewWithConfig(t, &packet.Config{
		Algorithm:       packet.PubKeyAlgoEdDSA,
		Time:            func() time.Time { return time.Now().Add(-48 * time.Hour) },
		KeyLifetimeSecs: 3600,
	})
	bin := func(k *pgpkeytest.KeyPair) []byte {
		b, err := base64.StdEncoding.DecodeString(k.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	secretArmored := "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + kp.SecretKey(t) + "\n-----END PGP PRIVATE KEY BLOCK-----\n"
	for name, tc := range map[string]struct {
		in   string
		want []string
	}{
		"empty":           {" \n", []string{"pgp_key is empty", "gpg --export KEYID | base64 -w0"}},
		"keybase":         {"keybase:alice", []string{`pgp_key "keybase:alice" names a Keybase user`, "does not fetch keys", "https://keybase.io/alice/pgp_keys.asc | gpg --dearmor | base64 -w0"}},
		"keybase no user": {"Keybase:", []string{"names a Keybase user", "https://keybase.io/USER/"}},
		"not base64":      {"my key!", []string{"pgp_key must be a base64-encoded public key: gpg --export KEYID | base64 -w0", "gpg --export --armor KEYID", "not base64"}},
		"base64 of text":  {base64.StdEncoding.EncodeToString([]byte("hello, world")), []string{"pgp_key is not an OpenPGP public key", "gpg --export KEYID | base64 -w0"}},
		"secret key":      {kp.SecretKey(t), []string{"pgp_key holds a secret key", "not gpg --export-secret-keys", "remove the secret key"}},
		"armored secret":  {secretArmored, []string{"pgp_key holds a secret key"}},
		"armored message": {"-----BEGIN PGP MESSAGE-----\n\nwx4=\n=AAAA\n-----END PGP MESSAGE-----\n", []string{`pgp_key is an ASCII-armored "PGP MESSAGE", not a public key block`}},
		"cut armor":       {"-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQ", []string{"armor is damaged", "the output of gpg --export --armor KEYID whole"}},
		"damaged armor":   {"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!\n", []string{"pgp_key is not an OpenPGP public key", "the whole output of gpg --export --armor KEYID"}},
		"two keys": {base64.StdEncoding.EncodeToString(append(bin(kp), bin(other)...)),
			[]string{"pgp_key holds 2 public keys", kp.Fingerprint, other.Fingerprint, "export exactly one"}},
		"expired": {expired.PublicKey, []string{"pgp_key " + expired.Fingerprint + " cannot encrypt now", "expired", "gpg --quick-set-expire"}},
	} {
		t.Run(name, func(t *testing.T) {
			k, err := pgpkey.Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse accepted it (fingerprint %s)", k.Fingerprint())
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestEncrypt_gpgDecrypts checks interoperability with GnuPG where it is installed: a key gpg
// made and exported is accepted, and gpg decrypts what Encrypt wrote.
func TestEncrypt_gpgDecrypts(t *testing.T) {
	gpgPath, err := exec.LookPath("gpg")
	if err != nil {
		t.Skip("gpg is not installed")
	}
	home := filepath.Join(t.TempDir(), "gnupg")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	gpg := func(stdin []byte, args ...string) []byte {
		t.Helper()
		cmd := exec.Command(gpgPath, append([]string{"--homedir", home, "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", ""}, args...)...)
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("gpg %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return out
	}
	t.Cleanup(func() { _ = exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run() })
	gpg(nil, "--quick-generate-key", "Terraform Test <test@example.com>", "future-default", "default", "never")
	exported := gpg(nil, "--export", "test@example.com")

	k, err := pgpkey.Parse(base64.StdEncoding.EncodeToString(exported))
	if err != nil {
		t.Fatalf("Parse of gpg --export: %v", err)
	}
	colons := string(gpg(nil, "--with-colons", "--fingerprint", "test@example.com"))
	if !strings.Contains(strings.ToLower(colons), "fpr:::::::::"+k.Fingerprint()+":") {
		t.Errorf("Fingerprint() %s is not gpg's primary fingerprint:\n%s", k.Fingerprint(), colons)
	}
	enc, err := k.Encrypt([]byte(totpSecret))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(enc)
	if got := string(gpg(raw, "--decrypt")); got != totpSecret {
		t.Errorf("gpg decrypted %q, want %q", got, totpSecret)
	}
	if packets := strings.ToLower(string(gpg(raw, "--list-packets"))); !strings.Contains(packets, "keyid "+k.RecipientID()) {
		t.Errorf("gpg --list-packets does not name RecipientID %s:\n%s", k.RecipientID(), packets)
	}
}
