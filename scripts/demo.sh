#!/usr/bin/env bash
# make demo: build the provider and the emulator, start an emulated Veeam Backup for AWS
# appliance, and let Terraform enable TOTP MFA for a user with no human typing a code. Offline:
# the provider is installed into a local filesystem mirror. Everything lands in .demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
demo=$root/.demo
version=0.1.0
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

command -v go >/dev/null || { echo "make demo needs Go (https://go.dev/dl/)" >&2; exit 1; }
command -v terraform >/dev/null || { echo "make demo needs the terraform CLI on PATH (1.10 or newer)" >&2; exit 1; }
export CHECKPOINT_DISABLE=1

step "Cleaning the previous demo run (.demo/)"
rm -rf "$demo"
mkdir -p "$demo/bin" "$demo/work"

step "Building the provider and the emulator"
platform="$(go env GOOS)_$(go env GOARCH)"
mirror=$demo/mirror/registry.terraform.io/tfveeam/veeam/$version/$platform
mkdir -p "$mirror"
go build -trimpath -ldflags "-X main.version=$version" -o "$mirror/terraform-provider-veeam_v$version" .
go build -trimpath -o "$demo/bin/veeam-emulator" ./cmd/veeam-emulator
echo "provider installed into the filesystem mirror $demo/mirror"

step "Starting the emulator (Backup for AWS, HTTPS with a fresh self-signed certificate)"
"$demo/bin/veeam-emulator" -aws 127.0.0.1:0 -vbr "" -vro "" -vao "" -em "" \
  -ca-cert-out "$demo/ca.pem" -user 'alice:Alice-Passw0rd:Portal Operator' >"$demo/emulator.log" 2>&1 &
emu=$!
cleanup() { kill "$emu" 2>/dev/null && wait "$emu" 2>/dev/null; true; }
trap cleanup EXIT
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/.*aws listening on \(https\{0,1\}:\/\/[^ ]*\).*/\1/p' "$demo/emulator.log" | head -n1)
  [ -n "$url" ] && break
  kill -0 "$emu" 2>/dev/null || { cat "$demo/emulator.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the emulator did not start:" >&2; cat "$demo/emulator.log" >&2; exit 1; }
echo "emulated Veeam Backup for AWS at $url (users: administrator, alice)"

cat >"$demo/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$demo/mirror"
    include = ["registry.terraform.io/tfveeam/veeam"]
  }
  direct {
    exclude = ["registry.terraform.io/tfveeam/veeam"]
  }
}
RC
export TF_CLI_CONFIG_FILE=$demo/terraformrc
export TF_IN_AUTOMATION=1
# The provider block reads these; nothing secret is written into the configuration.
export VEEAM_AWS_HOST=$url VEEAM_AWS_CA_CERT_FILE=$demo/ca.pem
export VEEAM_AWS_USERNAME=administrator VEEAM_AWS_PASSWORD=Password1

step "terraform init (offline, from the filesystem mirror)"
cp "$root/examples/demo/main.tf" "$demo/work/"
terraform -chdir="$demo/work" init -input=false -no-color >/dev/null
echo "initialised $demo/work"

step "terraform apply: enable MFA for alice (enableMfa, TOTP code computed, acceptMfa)"
terraform -chdir="$demo/work" apply -input=false -auto-approve -no-color

step "Outputs"
terraform -chdir="$demo/work" output -no-color
terraform -chdir="$demo/work" output -raw qr_code_png | base64 -d >"$demo/alice-mfa-qr.png"
echo "QR code for an authenticator app: $demo/alice-mfa-qr.png"
echo "The secret itself: terraform -chdir=.demo/work output -raw secret_key"

step "Checking: log in as alice with a code computed from the secret Terraform holds"
mkdir -p "$demo/verify"
cp "$root/examples/demo/verify/main.tf" "$demo/verify/"
terraform -chdir="$demo/verify" init -input=false -no-color >/dev/null
VEEAM_AWS_USERNAME=alice VEEAM_AWS_PASSWORD=Alice-Passw0rd \
VEEAM_AWS_TOTP_SECRET=$(terraform -chdir="$demo/work" output -raw secret_key) \
  terraform -chdir="$demo/verify" apply -input=false -auto-approve -no-color | tail -n 4

step "Plan after apply (expect no changes)"
terraform -chdir="$demo/work" plan -input=false -no-color -detailed-exitcode >/dev/null && echo "No changes: state matches the appliance."

step "Done. The emulator stops now; 'make demo-clean' removes .demo/"
