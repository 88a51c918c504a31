package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
	"github.com/tfveeam/terraform-provider-veeam/internal/pgpkey"
	"github.com/tfveeam/terraform-provider-veeam/internal/pgpkey/pgpkeytest"
)

// recipientIDOf is the key ID the provider encrypts for with key (its encryption subkey).
func recipientIDOf(key *pgpkeytest.KeyPair) string {
	k, err := pgpkey.Parse(key.PublicKey)
	if err != nil {
		return "unparsable: " + err.Error()
	}
	return k.RecipientID()
}

// pgpRecipient is the key ID a stored message is encrypted for.
func pgpRecipient(message string) string {
	id, err := pgpkey.RecipientOf(message)
	if err != nil {
		return err.Error()
	}
	return id
}

func mfaPGPConfig(srv *emulatortest.Servers, user, pgpKey string) string {
	cfg := awsProviderConfig(srv, "administrator", "Password1") + fmt.Sprintf("resource \"veeam_aws_user_mfa\" \"test\" {\n  user_name = %q\n", user)
	if pgpKey != "" {
		cfg += fmt.Sprintf("  pgp_key_wo = %q\n", pgpKey)
	}
	return cfg + "}\n"
}

// encryptedForKey checks that the state holds the secrets only encrypted for key, and that
// they decrypt to what the appliance holds: the secret logins are checked against, its scratch
// codes, and an otpauth URI with that secret. remember receives the secret.
func encryptedForKey(srv *emulatortest.Servers, key *pgpkeytest.KeyPair, user string, remember *string) resource.TestCheckFunc {
	return func(s *terraformState) error {
		rs, ok := s.RootModule().Resources[mfaAddr]
		if !ok {
			return fmt.Errorf("%s not in state", mfaAddr)
		}
		a := rs.Primary.Attributes
		for _, plain := range []string{"secret_key", "otpauth_uri", "scratch_codes.#", "pgp_key_wo", "key_fingerprint"} {
			if v, ok := a[plain]; ok && v != "" && v != "0" {
				return fmt.Errorf("%s is in state (%d bytes) although pgp_key_wo is set", plain, len(v))
			}
		}
		if want := recipientIDOf(key); pgpRecipient(a["encrypted_secrets"]) != want {
			return fmt.Errorf("encrypted_secrets is encrypted for key ID %q, want %q (the subkey of %s)", pgpRecipient(a["encrypted_secrets"]), want, key.Fingerprint)
		}
		plain, err := key.TryDecrypt(a["encrypted_secrets"])
		if err != nil {
			return fmt.Errorf("encrypted_secrets does not decrypt with the key: %v", err)
		}
		var secrets struct {
			SecretKey    string   `json:"secret_key"`
			OTPAuthURI   string   `json:"otpauth_uri"`
			ScratchCodes []string `json:"scratch_codes"`
		}
		if err := json.Unmarshal([]byte(plain), &secrets); err != nil {
			return fmt.Errorf("encrypted_secrets decrypts to something that is not the documented JSON object: %v", err)
		}
		secret, uri, codes := secrets.SecretKey, secrets.OTPAuthURI, secrets.ScratchCodes
		for _, r := range s.RootModule().Resources {
			for k, v := range r.Primary.Attributes {
				for _, plain := range append([]string{secret, uri}, codes...) {
					if plain != "" && strings.Contains(v, plain) {
						return fmt.Errorf("state attribute %s holds a plaintext secret, otpauth URI or scratch code although pgp_key_wo is set", k)
					}
				}
			}
		}
		st, _ := srv.Emulator.AWSUser(user)
		switch {
		case !strings.HasPrefix(uri, "otpauth://totp/") || !strings.Contains(uri, "secret="+secret):
			return fmt.Errorf("the decrypted otpauth URI does not carry the secret")
		case secret == "" || !slices.Equal(codes, st.ScratchCodes):
			return fmt.Errorf("the decrypted scratch codes are not the appliance's")
		}
		return secretIsLive(srv, user, secret, remember)
	}
}

// TestAccAWSUserMFA_pgpKey: with pgp_key_wo the secrets are stored only encrypted (decrypted
// here with the private key and compared with the appliance); the key itself is not in state;
// a new key re-creates the secret for it; removing the key re-creates it in plaintext.
func TestAccAWSUserMFA_pgpKey(t *testing.T) {
	srv := testEmulator(t)
	addAWSUser(t, srv, "alice", "Alice-Pass1", "Portal Operator")
	k1, k2 := pgpkeytest.New(t), pgpkeytest.New(t)
	var s1, s2, s3 string
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: mfaPGPConfig(srv, "alice", k1.PublicKey),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(mfaAddr, tfjsonpath.New("secret_key"), knownvalue.Null()),
					plancheck.ExpectKnownValue(mfaAddr, tfjsonpath.New("scratch_codes"), knownvalue.Null()),
					plancheck.ExpectUnknownValue(mfaAddr, tfjsonpath.New("encrypted_secrets")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{notInState(k1.PublicKey)},
				Check:             encryptedForKey(srv, k1, "alice", &s1),
			},
			{
				Config:           mfaPGPConfig(srv, "alice", k1.ArmoredPublicKey), // the same key, armored
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: mfaPGPConfig(srv, "alice", k2.PublicKey),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(mfaAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(mfaAddr, tfjsonpath.New("encrypted_secrets")),
				}},
				Check: encryptedForKey(srv, k2, "alice", &s2),
			},
			{
				Config: mfaPGPConfig(srv, "alice", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(mfaAddr, tfjsonpath.New("encrypted_secrets"), knownvalue.Null()),
					statecheck.ExpectKnownValue(mfaAddr, tfjsonpath.New("scratch_codes"), knownvalue.ListSizeExact(5)),
				},
				Check: secretMatchesEmulator(srv, "alice", &s3),
			},
		},
	})
	if s1 == "" || s1 == s2 || s2 == s3 {
		t.Fatal("a new key, and removing the key, must each re-create the secret")
	}
}

// TestAccAWSUserMFA_pgpKeyAfterImport: an imported resource has no secret to re-encrypt, so a
// key changes nothing (an empty plan); the user's secret stays.
func TestAccAWSUserMFA_pgpKeyAfterImport(t *testing.T) {
	srv := testEmulator(t)
	addAWSUser(t, srv, "alice", "Alice-Pass1", "Portal Operator")
	if _, err := testAWSClient(t, srv).EnrollMFA(t.Context(), "alice", false); err != nil {
		t.Fatal(err)
	}
	before, _ := srv.Emulator.AWSUser("alice")
	k := pgpkeytest.New(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config: mfaPGPConfig(srv, "alice", ""), ResourceName: mfaAddr, ImportState: true, ImportStateId: "alice", ImportStatePersist: true,
			},
			{
				Config:           mfaPGPConfig(srv, "alice", k.PublicKey),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(mfaAddr, tfjsonpath.New("encrypted_secrets"), knownvalue.Null()),
					statecheck.ExpectKnownValue(mfaAddr, tfjsonpath.New("secret_key"), knownvalue.Null()),
				},
				Check: func(*terraformState) error {
					if after, _ := srv.Emulator.AWSUser("alice"); after.MFASecret != before.MFASecret {
						return fmt.Errorf("adding pgp_key_wo to an imported resource rotated the user's secret")
					}
					return nil
				},
			},
		},
	})
}

func TestAccAWSUserMFA_pgpKeyInvalid(t *testing.T) {
	srv := testEmulator(t)
	k := pgpkeytest.New(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: providerFactories(srv),
		Steps: []resource.TestStep{
			{
				Config:      mfaPGPConfig(srv, "alice", "not a key"),
				ExpectError: regexp.MustCompile(`(?s)Invalid pgp_key_wo.*pgp_key must be a base64-encoded public key`),
			},
			{
				Config:      mfaPGPConfig(srv, "alice", k.SecretKey(t)),
				ExpectError: regexp.MustCompile(`(?s)Invalid pgp_key_wo.*holds a secret key`),
			},
			{
				Config:      mfaConfig(srv, "", ""),
				ExpectError: regexp.MustCompile(`(?s)Attribute user_name string length must be at least 1`),
			},
		},
	})
}
