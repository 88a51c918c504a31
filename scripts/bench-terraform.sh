#!/usr/bin/env bash
# scripts/bench-terraform.sh: the real terraform CLI against the emulator binary.
#   (b) validate, apply (create), refresh-plan (no changes) and destroy of N veeam_aws_user_mfa
#       and N veeam_aws_user, each beside N noop_item (cmd/noop-provider: a resource that copies
#       its plan into state, the floor for any provider) and N terraform_data, interleaved in one
#       run: each round runs one phase for all four configurations, in an order that rotates with
#       the round, so the machine's noise falls on all alike. Reported as ratios (median over the
#       rounds of the ratio within a round), with requests per resource and logins per walk from
#       the emulator's counters; then the same at a second N, and the ratio of the ratios (how
#       the cost grows with the size of the state). It prints and writes numbers; it never fails
#       on speed.
#   (c) logins, refreshes and logouts per terraform command, from the emulator's counters, at
#       BENCH_N and -parallelism=BENCH_PARALLELISM; the check fails unless every provider
#       configuration (one per graph walk; see design/sessions.md) logged in exactly once.
# Writes $BENCH_DIR/sections/20-terraform.md and 25-logins.md for docs/benchmarks.md.
#
#   BENCH_N             resources per configuration (default 200)
#   BENCH_N2            the second N of the growth check (default 400; 0 skips it)
#   BENCH_ROUNDS        rounds at BENCH_N (default 5); BENCH_ROUNDS2: rounds at BENCH_N2 (default 2)
#   BENCH_PARALLELISM   terraform -parallelism (default 10)
#   BENCH_LOGINS        "per-walk" (default): fail unless 1 login per provider configuration;
#                       "per-command": fail unless 1 login per command (see design/sessions.md)
# A quick run: BENCH_N=20 BENCH_N2=40 BENCH_ROUNDS=2 BENCH_ROUNDS2=2 scripts/bench.sh terraform
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

lib_require_go "make bench"
lib_require_terraform "make bench"
n=${BENCH_N:-200}
n2=${BENCH_N2:-400}
rounds=${BENCH_ROUNDS:-5}
rounds2=${BENCH_ROUNDS2:-2}
par=${BENCH_PARALLELISM:-10}
expect=${BENCH_LOGINS:-per-walk}
version=0.1.0
out=$BENCH_DIR/terraform
kinds=(mfa user noop data) # the four configurations, in the order of the first round
declare -A kind_label=([mfa]=veeam_aws_user_mfa [user]=veeam_aws_user [noop]=noop_item [data]=terraform_data)
phases=(validate apply plan destroy)
declare -A phase_label=([validate]=validate [apply]="apply (create)" [plan]="refresh-plan (no changes)" [destroy]=destroy)
mkdir -p "$BENCH_DIR/sections" "$BENCH_DIR/bin"
rm -rf "$out"
mkdir -p "$out"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

bench_step "Building the provider and the no-op provider into a filesystem mirror, and the emulator"
lib_build_provider "$out/mirror" "$version"
lib_build_noop_provider "$out/mirror" "$version"
lib_build_emulator "$BENCH_DIR/bin/veeam-emulator"
lib_write_cli_config "$out/terraformrc" "$out/mirror" "$LIB_NOOP_SOURCE"
export TF_CLI_CONFIG_FILE=$out/terraformrc

most=$n
[ "$n2" -gt "$most" ] && most=$n2
bench_step "Starting the emulator (Backup for AWS, HTTPS, control API) and adding $most users"
lib_start_emulator "$BENCH_DIR/bin/veeam-emulator" "$out/emulator.log" \
  -aws 127.0.0.1:0 -vbr "" -vro "" -vao "" -em "" -m365 "" -one "" -spc "" -azure "" -gcp "" -control -ca-cert-out "$out/ca.pem"
trap lib_stop_emulator EXIT
url=$(lib_emulator_url "$out/emulator.log" aws)
ctl() { curl -sS --fail-with-body --cacert "$out/ca.pem" "$@"; }
for i in $(seq 1 "$most"); do
  printf '{"name":"bench%05d","password":"Bench-Passw0rd-%d","role":"Portal Operator"}' "$i" "$i"
  echo
done >"$out/users.jsonl"
while read -r u; do ctl -X POST "$url/emulator/users?product=aws" -H 'Content-Type: application/json' -d "$u" >/dev/null; done <"$out/users.jsonl"
echo "emulated Veeam Backup for AWS at $url with $most extra users"
export VEEAM_AWS_HOST=$url VEEAM_AWS_CA_CERT_FILE=$out/ca.pem VEEAM_AWS_USERNAME=administrator VEEAM_AWS_PASSWORD=Password1
counters() { ctl "$url/emulator/counters?product=aws"; }
# requests JSON: every request the counters hold (the sum over the endpoints; a route's pattern
# holds braces, e.g. "GET /api/v1/users/{userId}", so the object ends at "},"logins").
requests() {
  sed -n 's/.*"endpoints":{\(.*\)},"logins".*/\1/p' <<<"$1" | grep -o '":[0-9]*' | tr -d '":' |
    awk '{ s += $1 } END { print s + 0 }'
}

# write_only: 1 when Terraform takes write-only attributes (1.11+): veeam_aws_user then gets its
# password through password_wo, as the docs advise; older Terraform gets password.
write_only=0
minor=$(terraform version | head -n1 | sed -n 's/^Terraform v1\.\([0-9]*\)\..*/\1/p')
[ "${minor:-0}" -ge 11 ] && write_only=1

# provider_block NAME SOURCE: the required_providers block of a configuration.
provider_block() {
  printf 'terraform {\n  required_providers {\n    %s = { source = "%s" }\n  }\n}\n\n' "$1" "$2"
}

# write_configs DIR N: the four configurations of N resources each, initialised.
write_configs() {
  local dir=$1 count=$2 k
  mkdir -p "$dir/mfa" "$dir/user" "$dir/noop" "$dir/data"
  {
    provider_block veeam tfveeam/veeam
    printf 'provider "veeam" {\n  aws {}\n}\n\n'
    printf 'resource "veeam_aws_user_mfa" "bench" {\n  count     = %s\n  user_name = format("bench%%05d", count.index + 1)\n}\n' "$count"
  } >"$dir/mfa/main.tf"
  {
    provider_block veeam tfveeam/veeam
    printf 'provider "veeam" {\n  aws {}\n}\n\n'
    printf 'resource "veeam_aws_user" "bench" {\n  count               = %s\n' "$count"
    printf '  name                = format("benchnew%%05d", count.index + 1)\n'
    if [ "$write_only" = 1 ]; then
      printf '  password_wo         = format("Bench-New-Passw0rd-%%d", count.index + 1)\n'
      printf '  password_wo_version = 1\n}\n'
    else
      printf '  password            = format("Bench-New-Passw0rd-%%d", count.index + 1)\n}\n'
    fi
  } >"$dir/user/main.tf"
  {
    provider_block noop tfveeam/noop
    printf 'resource "noop_item" "bench" {\n  count = %s\n  name  = format("bench%%05d", count.index + 1)\n}\n' "$count"
  } >"$dir/noop/main.tf"
  printf 'resource "terraform_data" "bench" {\n  count = %s\n  input = format("bench%%05d", count.index + 1)\n}\n' "$count" >"$dir/data/main.tf"
  for k in "${kinds[@]}"; do terraform -chdir="$dir/$k" init -input=false -no-color >/dev/null; done
}

# CPU seconds: the command's user + system time (bash's `time`: terraform and every plugin process
# it started and waited for) plus the emulator's, from /proc (its utime + stime, in clock ticks).
# On a shared machine they move far less than wall time when other work competes for the cores.
TIMEFORMAT='%U %S'
clk_tck=$(getconf CLK_TCK)
emulator_ticks() { awk '{ print $14 + $15 }' "/proc/$LIB_EMU_PID/stat"; }

# tf DIR KIND PHASE ROUND: runs PHASE in DIR/KIND and appends "PHASE ROUND seconds requests
# logins cpu-seconds" to DIR/KIND.times (requests and logins: the emulator's counters after minus
# before).
# The output is kept in DIR/KIND-PHASE-ROUND.log. A refresh-plan must find no changes.
tf() {
  local dir=$1 kind=$2 phase=$3 round=$4 args=() rc=0
  local log=$dir/$kind-$phase-$round.log t0 t1 before after
  read -r -a args <<<"$(bench_phase_args "$phase" "$par")"
  before=$(counters)
  e0=$(emulator_ticks)
  t0=$(date +%s.%N)
  { time terraform -chdir="$dir/$kind" "${args[@]}" >"$log" 2>&1 || rc=$?; } 2>"$dir/time"
  t1=$(date +%s.%N)
  e1=$(emulator_ticks)
  after=$(counters)
  if [ "$rc" != 0 ]; then
    cat "$log" >&2
    if [ "$phase" = plan ] && [ "$rc" = 2 ]; then
      bench_fail "the refresh-plan of ${kind_label[$kind]} found changes (N=$(basename "$dir"), round $round): see $log"
    else
      bench_fail "terraform ${args[*]} failed for ${kind_label[$kind]} (N=$(basename "$dir"), round $round): see $log"
    fi
    exit 1
  fi
  echo "$phase $round $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
    "$(($(requests "$after") - $(requests "$before")))" \
    "$(($(bench_json_int "$after" logins) - $(bench_json_int "$before" logins)))" \
    "$(awk -v e="$((e1 - e0))" -v hz="$clk_tck" '{ printf "%.3f", $1 + $2 + e / hz }' "$dir/time")" >>"$dir/$kind.times"
}

# measure N ROUNDS: ROUNDS rounds of the four phases for the four configurations of N resources.
# Each phase runs for all four before the next phase; the first of the four rotates per round.
measure() {
  local count=$1 nrounds=$2 dir=$out/$1 round phase i k order line
  write_configs "$dir" "$count"
  for round in $(seq 1 "$nrounds"); do
    bench_step "N=$count, round $round of $nrounds: validate, apply, refresh-plan, destroy (-parallelism=$par), interleaved"
    order=()
    for i in 0 1 2 3; do order+=("${kinds[$(((i + round - 1) % 4))]}"); done
    for phase in "${phases[@]}"; do
      line=$(printf '  %-26s' "${phase_label[$phase]}")
      for k in "${order[@]}"; do
        tf "$dir" "$k" "$phase" "$round"
        line+=$(printf ' %s %ss' "$k" "$(tail -n1 "$dir/$k.times" | cut -d' ' -f3)")
      done
      echo "$line"
    done
  done
}

# col DIR KIND PHASE FIELD: FIELD (3 seconds, 4 requests, 5 logins, 6 CPU seconds) of every
# round, one a line.
col() { awk -v p="$3" -v f="$4" '$1 == p { print $f }' "$1/$2.times"; }
# med DIR KIND PHASE: the median seconds.
med() { col "$1" "$2" "$3" 3 | bench_median; }
# ratio DIR KIND BASE PHASE [FIELD]: the median over the rounds of KIND ÷ BASE within one round,
# of wall seconds (FIELD 3, the default) or CPU seconds (6).
ratio() {
  paste -d' ' <(col "$1" "$2" "$4" "${5:-3}") <(col "$1" "$3" "$4" "${5:-3}") |
    while read -r a b; do bench_ratio "$a" "$b"; done | grep -v '^-$' | bench_median |
    awk 'NF { printf "%.2f\n", $1; found = 1 } END { if (!found) print "-" }'
}
# per_resource DIR KIND PHASE N: the median requests of the command ÷ N.
per_resource() {
  col "$1" "$2" "$3" 4 | bench_median | awk -v n="$4" 'NF { printf "%.2f\n", $1 / n; f = 1 } END { if (!f) print "-" }'
}
# per_walk DIR KIND PHASE: the median logins of the command ÷ the graph walks in which Terraform
# configured the provider for that command (counted by (c) below); "-" when none (validate).
per_walk() {
  local w=${walks_of[$3]:-0}
  col "$1" "$2" "$3" 5 | bench_median | awk -v w="$w" 'NF && w > 0 { printf "%.2f\n", $1 / w; f = 1 } END { if (!f) print "-" }'
}

measure "$n" "$rounds"
if [ "$n2" -gt 0 ]; then measure "$n2" "$rounds2"; fi

# ---- (c) logins per command ----
bench_step "Logins per terraform command (counters before and after each command)"
rows=()
declare -A walks_of=() # graph walks per command label, for (b)
failed=0
per_walk=1 # every command logged in once per provider configuration
# counted LABEL ARGS...: one command with Terraform's core trace log, so the number of times
# Terraform configured the provider (one per graph walk, each in a fresh plugin process) is known.
counted() {
  local label=$1
  shift
  local before after log=$out/counted-${label// /-}.log
  before=$(counters)
  if ! TF_LOG_CORE=TRACE TF_LOG_PATH=$out/core-trace.log terraform -chdir="$out/$n/mfa" "$@" -input=false -no-color -parallelism="$par" >"$log" 2>&1; then
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
  walks_of[$label]=$walks
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
  echo "$n \`veeam_aws_user_mfa\` at \`-parallelism=$par\`, one configured product (\`aws\`). The emulator's"
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

# ---- (b) the report: written after (c), which counts the walks per command ----
# ratio_table DIR FIELD: the ratios of wall seconds (FIELD 3) or CPU seconds (6) at DIR.
ratio_table() {
  local p
  echo "| phase | mfa ÷ no-op | mfa ÷ terraform_data | user ÷ no-op | user ÷ terraform_data |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  for p in "${phases[@]}"; do
    echo "| ${phase_label[$p]} | $(ratio "$1" mfa noop "$p" "$2") | $(ratio "$1" mfa data "$p" "$2") | $(ratio "$1" user noop "$p" "$2") | $(ratio "$1" user data "$p" "$2") |"
  done
  echo
}
# table N: the ratios, seconds, requests per resource and logins per walk at N.
table() {
  local count=$1 dir=$out/$1 p
  ratio_table "$dir" 3
  echo "The same ratios of CPU seconds (terraform and its plugins, plus the emulator), which noise moves less:"
  echo
  ratio_table "$dir" 6
  echo "Seconds (median of the rounds), requests per resource and logins per provider configuration (graph walk):"
  echo
  echo "| phase | veeam_aws_user_mfa (s) | veeam_aws_user (s) | noop_item (s) | terraform_data (s) | requests per resource: mfa | user | logins per walk: mfa | user |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for p in "${phases[@]}"; do
    echo "| ${phase_label[$p]} | $(med "$dir" mfa "$p") | $(med "$dir" user "$p") | $(med "$dir" noop "$p") | $(med "$dir" data "$p") |" \
      "$(per_resource "$dir" mfa "$p" "$count") | $(per_resource "$dir" user "$p" "$count") | $(per_walk "$dir" mfa "$p") | $(per_walk "$dir" user "$p") |"
  done
  echo
}
# rounds_of COUNT: "1 round", "5 rounds".
rounds_of() { if [ "$1" = 1 ]; then echo "1 round"; else echo "$1 rounds"; fi; }
# growth KIND BASE PHASE: the ratio at N2 ÷ the ratio at N.
growth() {
  bench_ratio "$(ratio "$out/$n2" "$1" "$2" "$3")" "$(ratio "$out/$n" "$1" "$2" "$3")"
}
{
  echo "## Terraform CLI: $n \`veeam_aws_user_mfa\` and $n \`veeam_aws_user\` beside a no-op resource and \`terraform_data\`"
  echo
  echo "Terraform $(terraform version | head -n1 | sed 's/Terraform //'), the provider and \`cmd/noop-provider\` from a filesystem mirror,"
  echo "the emulator binary (\`veeam-emulator -aws 127.0.0.1:0 -control -ca-cert-out ...\`, HTTPS) with extra users added"
  echo "through \`POST /emulator/users\`. Four configurations of N resources each: \`veeam_aws_user_mfa\` (MFA for"
  echo "existing users), \`veeam_aws_user\` (new users; \`password_wo\` on Terraform 1.11+, else \`password\`), \`noop_item\`"
  echo "(\`cmd/noop-provider\`: copies its plan into state and calls nothing, the floor for any provider) and"
  echo "\`terraform_data\` (built into Terraform, no plugin)."
  echo "Each round runs validate, then apply, then a refresh-plan that must find no changes, then destroy; each phase"
  echo "for all four configurations back to back, the first of them rotating per round, so noise on the shared machine"
  echo "falls on all alike. A ratio is the median over the rounds of the ratio within one round."
  echo "Where the distance to the no-op comes from (the provider's CPU against Terraform's, and a no-op resource"
  echo "with the real schema): design/state-size.md, measured with scripts/bench-breakdown.sh."
  echo
  echo '```'
  printf '%-68s # %s\n' "terraform validate" "validate" \
    "terraform apply -auto-approve -input=false -parallelism=$par" "apply (create)" \
    "terraform plan -detailed-exitcode -input=false -parallelism=$par" "refresh-plan (must exit 0)" \
    "terraform destroy -auto-approve -input=false -parallelism=$par" "destroy"
  echo '```'
  echo
  echo "### N = $n, $(rounds_of "$rounds")"
  echo
  table "$n"
  if [ "$n2" -gt 0 ]; then
    echo "### N = $n2, $(rounds_of "$rounds2")"
    echo
    table "$n2"
    echo "### Growth: the ratio at N = $n2 ÷ the ratio at N = $n"
    echo
    echo "1.00 means the provider's cost per resource grows like the no-op's (or terraform_data's); above 1, it grows"
    echo "faster than the work."
    echo
    echo "| phase | mfa ÷ no-op | mfa ÷ terraform_data | user ÷ no-op | user ÷ terraform_data |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    for p in "${phases[@]}"; do
      echo "| ${phase_label[$p]} | $(growth mfa noop "$p") | $(growth mfa data "$p") | $(growth user noop "$p") | $(growth user data "$p") |"
    done
    echo
  fi
  echo "Requests per resource: every request the emulator served during the command (its counters, \`GET"
  echo "/emulator/counters?product=aws\`, after minus before) ÷ N, logins included. Logins per walk: the command's logins ÷"
  echo "the times Terraform configured the provider during that command (counted in the next section); \"-\" for validate,"
  echo "which configures no provider. This table never fails on speed: it is read, not asserted."
  echo
} >"$BENCH_DIR/sections/20-terraform.md"
cat "$BENCH_DIR/sections/20-terraform.md"
