#!/usr/bin/env bash
# scripts/bench-terraform.sh: the real terraform CLI against the emulator binary.
#   (b) apply, no-op re-apply and destroy of BENCH_N veeam_aws_user_mfa beside the same for
#       BENCH_N terraform_data, BENCH_RUNS times; medians and the ratio veeam ÷ terraform_data.
#   (c) logins, refreshes and logouts per terraform command, from the emulator's counters, at
#       BENCH_N and -parallelism=BENCH_PARALLELISM; the check fails unless every provider
#       configuration (one per graph walk; see design/sessions.md) logged in exactly once.
# Writes $BENCH_DIR/sections/20-terraform.md and 25-logins.md for docs/benchmarks.md.
#
#   BENCH_N             resources per configuration (default 200)
#   BENCH_RUNS          runs (default 3)
#   BENCH_PARALLELISM   terraform -parallelism (default 10)
#   BENCH_LOGINS        "per-walk" (default): fail unless 1 login per provider configuration;
#                       "per-command": fail unless 1 login per command (see design/sessions.md)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

lib_require_go "make bench"
lib_require_terraform "make bench"
n=${BENCH_N:-200}
runs=${BENCH_RUNS:-3}
par=${BENCH_PARALLELISM:-10}
expect=${BENCH_LOGINS:-per-walk}
version=0.1.0
out=$BENCH_DIR/terraform
mkdir -p "$BENCH_DIR/sections" "$BENCH_DIR/bin"
rm -rf "$out"
mkdir -p "$out/veeam" "$out/data"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

bench_step "Building the provider into a filesystem mirror, and the emulator"
lib_build_provider "$out/mirror" "$version"
lib_build_emulator "$BENCH_DIR/bin/veeam-emulator"
lib_write_cli_config "$out/terraformrc" "$out/mirror"
export TF_CLI_CONFIG_FILE=$out/terraformrc

bench_step "Starting the emulator (Backup for AWS, HTTPS, control API) and adding $n users"
lib_start_emulator "$BENCH_DIR/bin/veeam-emulator" "$out/emulator.log" \
  -aws 127.0.0.1:0 -vbr "" -vro "" -vao "" -em "" -control -ca-cert-out "$out/ca.pem"
trap lib_stop_emulator EXIT
url=$(lib_emulator_url "$out/emulator.log" aws)
ctl() { curl -sS --fail-with-body --cacert "$out/ca.pem" "$@"; }
for i in $(seq 1 "$n"); do
  printf '{"name":"bench%05d","password":"Bench-Passw0rd-%d","role":"Portal Operator"}' "$i" "$i"
  echo
done >"$out/users.jsonl"
while read -r u; do ctl -X POST "$url/emulator/users?product=aws" -H 'Content-Type: application/json' -d "$u" >/dev/null; done <"$out/users.jsonl"
echo "emulated Veeam Backup for AWS at $url with $n extra users"
export VEEAM_AWS_HOST=$url VEEAM_AWS_CA_CERT_FILE=$out/ca.pem VEEAM_AWS_USERNAME=administrator VEEAM_AWS_PASSWORD=Password1

cat >"$out/veeam/main.tf" <<EOF
terraform {
  required_providers {
    veeam = { source = "tfveeam/veeam" }
  }
}

provider "veeam" {
  aws {}
}

resource "veeam_aws_user_mfa" "bench" {
  count     = $n
  user_name = format("bench%05d", count.index + 1)
}
EOF
cat >"$out/data/main.tf" <<EOF
resource "terraform_data" "bench" {
  count = $n
  input = format("bench%05d", count.index + 1)
}
EOF
for d in veeam data; do terraform -chdir="$out/$d" init -input=false -no-color >/dev/null; done

# tf KIND PHASE RUN ARGS...: runs terraform in KIND's directory, appends "PHASE seconds" to
# $out/KIND.times; the output is kept in $out/KIND-PHASE-RUN.log.
tf() {
  local kind=$1 phase=$2 run=$3
  shift 3
  local log=$out/$kind-$phase-$run.log t0 t1
  t0=$(date +%s.%N)
  if ! terraform -chdir="$out/$kind" "$@" -input=false -no-color -parallelism="$par" >"$log" 2>&1; then
    cat "$log" >&2
    bench_fail "terraform $* failed for $kind ($phase, run $run): see $log"
    exit 1
  fi
  t1=$(date +%s.%N)
  echo "$phase $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" >>"$out/$kind.times"
}

commands=(
  "apply:apply -auto-approve"
  "noop:apply -auto-approve"
  "destroy:destroy -auto-approve"
)
for run in $(seq 1 "$runs"); do
  bench_step "Run $run of $runs: apply, no-op re-apply, destroy of $n resources (-parallelism=$par)"
  for kind in data veeam; do
    for c in "${commands[@]}"; do
      phase=${c%%:*}
      # shellcheck disable=SC2086 # the command's words
      tf "$kind" "$phase" "$run" ${c#*:}
      if [ "$phase" = noop ] && ! grep -q '0 added, 0 changed, 0 destroyed' "$out/$kind-$phase-$run.log"; then
        bench_fail "the re-apply of $kind changed something (run $run): see $out/$kind-$phase-$run.log"
      fi
      printf '  %-6s %-8s %ss\n' "$kind" "$phase" "$(tail -n1 "$out/$kind.times" | cut -d' ' -f2)"
    done
  done
done

med() { awk -v p="$2" '$1 == p { print $2 }' "$out/$1.times" | bench_median; }
# pratio PHASE: the median over the runs of veeam ÷ terraform_data within one run.
pratio() {
  paste -d' ' <(awk -v p="$1" '$1 == p { print $2 }' "$out/veeam.times") <(awk -v p="$1" '$1 == p { print $2 }' "$out/data.times") |
    while read -r a b; do bench_ratio "$a" "$b"; done | grep -v '^-$' | bench_median |
    awk 'NF { printf "%.2f\n", $1; found = 1 } END { if (!found) print "-" }'
}
{
  echo "## Terraform CLI: $n \`veeam_aws_user_mfa\` beside $n \`terraform_data\`"
  echo
  echo "Terraform $(terraform version | head -n1 | sed 's/Terraform //'), the provider from a filesystem mirror, the emulator binary"
  echo "(\`veeam-emulator -aws 127.0.0.1:0 -control -ca-cert-out ...\`, HTTPS) with $n extra users added through"
  echo "\`POST /emulator/users\`. Each run applies, re-applies with no changes and destroys both configurations"
  echo "with \`-parallelism=$par\`, terraform_data first; seconds of wall time, median of $runs runs; the ratio is the"
  echo "median over the runs of the ratio within one run."
  echo
  echo '```'
  echo "terraform apply -auto-approve -input=false -parallelism=$par     # apply"
  echo "terraform apply -auto-approve -input=false -parallelism=$par     # no-op re-apply (refresh, plan, nothing to do)"
  echo "terraform destroy -auto-approve -input=false -parallelism=$par   # destroy"
  echo '```'
  echo
  echo "| phase | veeam_aws_user_mfa (s) | terraform_data (s) | ratio veeam ÷ terraform_data |"
  echo "| --- | ---: | ---: | ---: |"
  for p in apply noop destroy; do
    label=$p
    [ "$p" = noop ] && label="no-op re-apply"
    v=$(med veeam "$p") d=$(med data "$p")
    echo "| $label | $v | $d | $(pratio "$p") |"
  done
  echo
  echo "Each \`veeam_aws_user_mfa\` costs GET user, enableMfa and acceptMfa on create, GET on refresh and disableMfa on destroy."
  echo
} >"$BENCH_DIR/sections/20-terraform.md"
cat "$BENCH_DIR/sections/20-terraform.md"

# ---- (c) logins per command ----
bench_step "Logins per terraform command (counters before and after each command)"
counters() { ctl "$url/emulator/counters?product=aws"; }
rows=()
failed=0
per_walk=1 # every command logged in once per provider configuration
# counted LABEL ARGS...: one command with Terraform's core trace log, so the number of times
# Terraform configured the provider (one per graph walk, each in a fresh plugin process) is known.
counted() {
  local label=$1
  shift
  local before after log=$out/counted-${label// /-}.log
  before=$(counters)
  if ! TF_LOG_CORE=TRACE TF_LOG_PATH=$out/core-trace.log terraform -chdir="$out/veeam" "$@" -input=false -no-color -parallelism="$par" >"$log" 2>&1; then
    cat "$log" >&2
    bench_fail "terraform $* failed (logins pass): see $log"
    exit 1
  fi
  after=$(counters)
  local walks
  walks=$(grep -c 'NodeApplyableProvider: configuring provider\["registry.terraform.io/tfveeam/veeam"\]' "$out/core-trace.log" || true)
  rm -f "$out/core-trace.log"
  local k d=()
  for k in logins refreshes logouts status4xx status5xx; do
    d+=($(($(bench_json_int "$after" "$k") - $(bench_json_int "$before" "$k"))))
  done
  rows+=("| \`terraform $*\` | $label | $walks | ${d[0]} | ${d[1]} | ${d[2]} | ${d[3]} | ${d[4]} |")
  printf '  %-16s walks=%s logins=%s refreshes=%s logouts=%s 4xx=%s 5xx=%s\n' "$label" "$walks" "${d[@]}"
  [ "${d[0]}" = "$walks" ] || per_walk=0
  local want=1
  [ "$expect" = per-walk ] && want=$walks
  if [ "${d[0]}" != "$want" ]; then
    failed=1
    bench_fail "terraform $* ($label): ${d[0]} logins, expected $want ($expect; Terraform configured the provider $walks time(s))"
  fi
}
counted "apply" apply -auto-approve
counted "plan" plan
counted "no-op apply" apply -auto-approve
counted "refresh-only" apply -refresh-only -auto-approve
counted "destroy" destroy -auto-approve

{
  echo "## Logins per terraform command"
  echo
  echo "The same $n \`veeam_aws_user_mfa\` at \`-parallelism=$par\`, one configured product (\`aws\`). The emulator's"
  echo "counters (\`GET /emulator/counters?product=aws\`) are read before and after each command and the difference"
  echo "is shown (\`POST /emulator/reset\` would also forget the users and their MFA state the next command needs)."
  echo "\"provider configurations\" is how often Terraform configured the provider during the command"
  echo "(\`NodeApplyableProvider: configuring\` in \`TF_LOG_CORE=TRACE\`): once per graph walk, each in a new"
  echo "plugin process. Expected ($expect): one login per provider configuration, whatever N and -parallelism are"
  echo "(see design/sessions.md for why it is not one per command)."
  echo
  echo "| command | phase | provider configurations | logins | refreshes | logouts | 4xx | 5xx |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${rows[@]}"
  echo
  if [ "$failed" = 1 ]; then
    echo "**FAILED:** at least one command did not log in the expected number of times ($expect)."
    if [ "$per_walk" = 1 ]; then
      echo "In every command the logins equal the provider configurations: the provider logs in when Terraform"
      echo "configures it (\`ConfigureProvider\`), and Terraform configures a fresh provider process for each graph walk"
      echo "of a command (plan, then apply; for \`destroy\` also a refresh). Within one walk all $n resources"
      echo "share one session whatever -parallelism is; across walks nothing is shared."
    fi
  else
    echo "Every provider configuration logged in exactly once and logged out at the end of its walk; within"
    echo "a walk all $n resources shared that one session."
  fi
  echo
} >"$BENCH_DIR/sections/25-logins.md"
cat "$BENCH_DIR/sections/25-logins.md"
