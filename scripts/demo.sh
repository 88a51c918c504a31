#!/usr/bin/env bash
# make demo: build the provider and the emulator, start an emulated Veeam Backup for AWS
# appliance, and let Terraform enable TOTP MFA for a user with no human typing a code. Offline:
# the provider is installed into a local filesystem mirror. Everything lands in .demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
root=$PWD
demo=$root/.demo
version=0.1.0
# Colour only on a terminal, and not when NO_COLOR is set (https://no-color.org): otherwise
# plain text, and terraform gets -no-color too.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  bold=$'\033[1m' plain=$'\033[0m' nocolor=''
else
  bold='' plain='' nocolor=1
fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }

lib_require_go "make demo"
lib_require_terraform "make demo"
export CHECKPOINT_DISABLE=1

step "Cleaning the previous demo run (.demo/)"
rm -rf "$demo"
mkdir -p "$demo/bin" "$demo/work"

step "Building the provider and the emulator"
lib_build_provider "$demo/mirror" "$version"
lib_build_emulator "$demo/bin/veeam-emulator"
echo "provider installed into the filesystem mirror $demo/mirror"

step "Starting the emulator (Backup for AWS, HTTPS with a fresh self-signed certificate)"
lib_start_emulator "$demo/bin/veeam-emulator" "$demo/emulator.log" -aws 127.0.0.1:0 -vbr "" -vro "" -vao "" -em "" -m365 "" -one "" -spc "" -azure "" -gcp "" \
  -ca-cert-out "$demo/ca.pem" -user 'alice:Alice-Passw0rd:Portal Operator'
trap lib_stop_emulator EXIT
url=$(lib_emulator_url "$demo/emulator.log" aws)
echo "emulated Veeam Backup for AWS at $url (users: administrator, alice)"

lib_write_cli_config "$demo/terraformrc" "$demo/mirror"
export TF_CLI_CONFIG_FILE=$demo/terraformrc
export TF_IN_AUTOMATION=1
# The provider block reads these; nothing secret is written into the configuration.
export VEEAM_AWS_HOST=$url VEEAM_AWS_CA_CERT_FILE=$demo/ca.pem
export VEEAM_AWS_USERNAME=administrator VEEAM_AWS_PASSWORD=Password1

step "terraform init (offline, from the filesystem mirror): what you see on your first init"
cp "$root/examples/demo/main.tf" "$demo/work/"
# Without TF_IN_AUTOMATION, as a user runs it; indented to set it apart from the demo's lines.
env -u TF_IN_AUTOMATION terraform -chdir="$demo/work" init -input=false ${nocolor:+-no-color} | sed 's/^./    &/'

step "terraform apply: enable MFA for alice (enableMfa, TOTP code computed, acceptMfa)"
terraform -chdir="$demo/work" apply -input=false -auto-approve ${nocolor:+-no-color}

step "Outputs"
terraform -chdir="$demo/work" output ${nocolor:+-no-color}
# The output calls provider::veeam::qr_code_png(otpauth_uri): the PNG is not kept in state.
terraform -chdir="$demo/work" output -raw qr_code_png | base64 -d >"$demo/alice-mfa-qr.png"
echo "QR code for an authenticator app: $demo/alice-mfa-qr.png"
echo "The secret itself: terraform -chdir=.demo/work output -raw secret_key"

step "Checking: log in as alice with a code computed from the secret Terraform holds"
mkdir -p "$demo/verify"
cp "$root/examples/demo/verify/main.tf" "$demo/verify/"
terraform -chdir="$demo/verify" init -input=false ${nocolor:+-no-color} >/dev/null
VEEAM_AWS_USERNAME=alice VEEAM_AWS_PASSWORD=Alice-Passw0rd \
VEEAM_AWS_TOTP_SECRET=$(terraform -chdir="$demo/work" output -raw secret_key) \
  terraform -chdir="$demo/verify" apply -input=false -auto-approve ${nocolor:+-no-color} | tail -n 4

step "Plan after apply (expect no changes)"
terraform -chdir="$demo/work" plan -input=false ${nocolor:+-no-color} -detailed-exitcode >/dev/null && echo "No changes: state matches the appliance."

step "Done. The emulator stops now; 'make demo-clean' removes .demo/"
