package reliability

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/client"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/pgpkey/pgpkeytest"
)

// secretsConfig uses every kind of secret the provider handles: the administrator's password
// (default provider configuration), a user with MFA logging in with totp_secret (mfa_token, TOTP
// code), an authorization code from an ephemeral resource spent by another provider
// configuration, an ephemeral access token, a write-only password, and, with mfa, MFA
// enrollments (secrets, scratch codes, enrollment tokens), stored only encrypted for pgpKey when
// it is set.
func secretsConfig(f *fixture, mfaUser, mfaPassword, totpSecret string, mfaUsers []string, userPassword, pgpKey string) string {
	cfg := f.admin() +
		f.providerBlock("mfa", fmt.Sprintf("username = %q", mfaUser), fmt.Sprintf("password = %q", mfaPassword), fmt.Sprintf("totp_secret = %q", totpSecret)) +
		f.providerBlock("code", "authorization_code = ephemeral.veeam_aws_authorization_code.c.code") +
		// The token's base_url is the host of a third configuration, so the ephemeral token is
		// opened (Terraform opens an ephemeral resource only where something uses it).
		strings.Replace(f.providerBlock("tok", `username = "administrator"`, `password = "Password1"`),
			fmt.Sprintf("host        = %q", f.url), "host        = ephemeral.veeam_aws_token.t.base_url", 1) + `
ephemeral "veeam_aws_authorization_code" "c" {}

ephemeral "veeam_aws_token" "t" {}

resource "veeam_aws_user" "bob" {
  name                = "secret-bob"
  password_wo         = "` + userPassword + `"
  password_wo_version = 1
}

data "veeam_aws_user" "as_mfa_user" {
  provider = veeam.mfa
  name     = "` + mfaUser + `"
}

data "veeam_aws_user" "with_code" {
  provider = veeam.code
  name     = "administrator"
}

data "veeam_aws_user" "with_token_host" {
  provider = veeam.tok
  name     = "administrator"
}
`
	if len(mfaUsers) > 0 {
		cfg += `
resource "veeam_aws_user_mfa" "u" {
  for_each  = toset([` + quoteList(mfaUsers) + `])
  user_name = each.value
`
		if pgpKey != "" {
			cfg += fmt.Sprintf("  pgp_key_wo = %q\n", pgpKey)
		}
		cfg += "}\n"
	}
	return cfg
}

// mfaLoginUser adds a user and enables MFA for it through the API (so its secret, scratch codes
// and enrollment token cross the recorded wire), returning its password and secret.
func mfaLoginUser(t *testing.T, f *fixture, name string) (password, secret string) {
	t.Helper()
	password = "Pw-" + name + "-Secret"
	if err := f.emu.AddUser(emulator.AWS, emulator.SeedUser{Name: name, Password: password, Role: emulator.RolePortalOperator}); err != nil {
		t.Fatal(err)
	}
	f.wire.add("password of "+name, password)
	c, err := client.NewAWS(client.Config{Host: f.url, Credentials: client.Credentials{Username: "administrator", Password: "Password1"}, TLS: client.TLSConfig{CACertPEM: f.caPEM}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := c.EnrollMFA(context.Background(), name, false)
	if err != nil {
		t.Fatalf("enabling MFA for %s: %v", name, err)
	}
	_ = c.Logout(context.Background())
	return password, e.SecretKey
}

// TestReliabilityTraceLogHasNoSecrets runs a configuration that handles every kind of secret
// with TF_LOG=TRACE (the provider's log, request and response bodies included, and Terraform's
// own), then looks in the log for every secret value that crossed the wire: passwords, access,
// refresh and mfa tokens, MFA secrets, scratch codes, enrollment tokens, authorization codes.
// The MFA enrollments have pgp_key_wo, so the state files after the apply and after the refresh
// must hold none of those values either (the otpauth URIs contain the secrets, so they are
// covered); the test decrypts one stored message to prove the secrets are there, encrypted.
// TOTP codes (6 digits) are left out: they would match unrelated digits.
func TestReliabilityTraceLogHasNoSecrets(t *testing.T) {
	f := start(t, emulator.Options{})
	mfaUsers := f.addUsers("trace", size(3, 10))
	mfaPassword, totpSecret := mfaLoginUser(t, f, "trace-mfa")
	const bobPassword = "Bob-Write-Only-Pw1"
	f.wire.add("password_wo of secret-bob", bobPassword)
	f.wire.add("password of administrator", "Password1")
	logPath := filepath.Join(t.TempDir(), "trace.log")
	key := pgpkeytest.New(t)
	c := newCLI(t, secretsConfig(f, "trace-mfa", mfaPassword, totpSecret, mfaUsers, bobPassword, key.PublicKey), "TF_LOG=TRACE", "TF_LOG_PATH="+logPath)
	c.requireVersion("1.11") // write-only arguments
	c.run("apply", "-auto-approve", "-input=false", "-no-color")
	if err := scanStates(t, c.dir, f.wire.Secrets()); err != nil {
		t.Fatalf("after apply with pgp_key_wo: %v", err)
	}
	encryptedSecretsDecrypt(t, c.dir, key, len(mfaUsers), f.wire.Secrets())
	c.run("plan", "-input=false", "-no-color")
	if err := scanStates(t, c.dir, f.wire.Secrets()); err != nil {
		t.Fatalf("after the refresh with pgp_key_wo: %v", err)
	}
	c.run("destroy", "-auto-approve", "-input=false", "-no-color")
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("the TRACE log was not written: %v", err)
	}
	// The log must hold what it is scanned for, or the scan proves nothing.
	for _, want := range []string{
		"@module=veeam.http", "POST", "/api/v1/token", "/enableMfa", "/acceptMfa", "/api/v1/token/authorization_code",
		"request body", "response body", "grant_type=mfa", "grant_type=authorization_code",
	} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the TRACE log (%d bytes) lacks %q: the scan below would prove nothing", len(b), want)
		}
	}
	secrets := f.wire.Secrets()
	kinds := map[string]int{}
	for _, k := range secrets {
		kinds[strings.SplitN(k, " in ", 2)[0]]++
	}
	t.Logf("scanned %d bytes of TRACE log for %d secret values: %v", len(b), len(secrets), kinds)
	for _, want := range []string{"password", "access_token", "refresh_token", "mfa_token", "secretKey", "scratchCodes", "token", "code"} {
		if kinds[want] == 0 {
			t.Errorf("no %s crossed the wire: the configuration does not exercise it", want)
		}
	}
	for _, l := range leaks(b, secrets) {
		t.Errorf("secret in the TRACE log: %s", l)
	}
}

// TestReliabilityStateHasNoPasswordOrToken applies a configuration with ephemeral resources
// (veeam_aws_token, veeam_aws_authorization_code feeding another provider configuration) and a
// write-only password (veeam_aws_user.password_wo), then scans the raw state files, and the
// base64 private data inside them, for every password, token and code that crossed the wire.
// MFA secrets are left out of this configuration: veeam_aws_user_mfa keeps them in state on
// purpose (sensitive).
func TestReliabilityStateHasNoPasswordOrToken(t *testing.T) {
	f := start(t, emulator.Options{})
	mfaPassword, totpSecret := mfaLoginUser(t, f, "state-mfa")
	const bobPassword = "Bob-Write-Only-Pw2"
	f.wire.add("password_wo of secret-bob", bobPassword)
	f.wire.add("password of administrator", "Password1")
	// The MFA user's own secret is provider configuration, not state: look for it too.
	f.wire.add("totp_secret of state-mfa", totpSecret)
	c := newCLI(t, secretsConfig(f, "state-mfa", mfaPassword, totpSecret, nil, bobPassword, ""))
	c.requireVersion("1.11") // write-only arguments
	c.run("apply", "-auto-approve", "-input=false", "-no-color")
	if err := scanStates(t, c.dir, f.wire.Secrets()); err != nil {
		t.Fatal(err)
	}
	// A second apply (refresh, new ephemeral values, nothing to change) must not add any.
	c.run("apply", "-auto-approve", "-input=false", "-no-color")
	if err := scanStates(t, c.dir, f.wire.Secrets()); err != nil {
		t.Fatal(err)
	}
}

// scanStates reads every state file under dir (there must be one, with veeam_aws_user in it).
func scanStates(t *testing.T, dir string, secrets map[string]string) error {
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(d.Name(), ".tfstate") && !strings.Contains(p, string(filepath.Separator)+".terraform"+string(filepath.Separator)) {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		return fmt.Errorf("no state file under %s", dir)
	}
	var problems []string
	sawUser := false
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(`"veeam_aws_user"`)) && bytes.Contains(b, []byte(`"secret-bob"`)) {
			sawUser = true
		}
		for _, l := range leaks(append(b, privateData(b)...), secrets) {
			problems = append(problems, filepath.Base(p)+": "+l)
		}
	}
	t.Logf("scanned %d state file(s) for %d secret values", len(files), len(secrets))
	if !sawUser {
		return fmt.Errorf("no state file holds veeam_aws_user.bob: the scan proves nothing (%v)", files)
	}
	if len(problems) > 0 {
		return fmt.Errorf("secrets in the raw state:\n%s", strings.Join(problems, "\n"))
	}
	return nil
}

// privateData decodes the base64 "private" blobs of a state file, where a provider's private
// resource data lives.
func privateData(state []byte) []byte {
	var s struct {
		Resources []struct {
			Instances []struct {
				Private string `json:"private"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if json.Unmarshal(state, &s) != nil {
		return nil
	}
	var out []byte
	for _, r := range s.Resources {
		for _, i := range r.Instances {
			if b, err := base64.StdEncoding.DecodeString(i.Private); err == nil {
				out = append(out, '\n')
				out = append(out, b...)
			}
		}
	}
	return out
}

// encryptedSecretsDecrypt reads the state in dir and decrypts every veeam_aws_user_mfa
// instance's encrypted_secrets with key: want instances, each holding a secret the appliance
// issued on the wire, its otpauth URI and five scratch codes.
func encryptedSecretsDecrypt(t *testing.T, dir string, key *pgpkeytest.KeyPair, want int, onWire map[string]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, r := range st.Resources {
		if r.Type != "veeam_aws_user_mfa" {
			continue
		}
		for _, in := range r.Instances {
			enc, _ := in.Attributes["encrypted_secrets"].(string)
			var secrets struct {
				SecretKey    string   `json:"secret_key"`
				OTPAuthURI   string   `json:"otpauth_uri"`
				ScratchCodes []string `json:"scratch_codes"`
			}
			if err := json.Unmarshal([]byte(key.Decrypt(t, enc)), &secrets); err != nil {
				t.Fatalf("encrypted_secrets does not decrypt to the documented JSON: %v", err)
			}
			if secrets.SecretKey == "" || !strings.Contains(secrets.OTPAuthURI, secrets.SecretKey) || len(secrets.ScratchCodes) != 5 {
				t.Fatalf("decrypted secrets incomplete: secret %d chars, URI holds it: %v, %d scratch codes",
					len(secrets.SecretKey), strings.Contains(secrets.OTPAuthURI, secrets.SecretKey), len(secrets.ScratchCodes))
			}
			if kind := onWire[secrets.SecretKey]; !strings.HasPrefix(kind, "secretKey") {
				t.Fatalf("the decrypted secret is not one the appliance issued (seen on the wire as %q)", kind)
			}
			got++
		}
	}
	if got != want {
		t.Fatalf("%d veeam_aws_user_mfa instances with encrypted_secrets in state, want %d", got, want)
	}
}
