#!/usr/bin/env bash
# scripts/bench-breakdown.sh: where the time of veeam_aws_user_mfa and veeam_aws_user goes, beside
# noop_item and the schema-matched floors (cmd/noop-provider built with -tags benchfloor:
# floor_user_mfa and floor_user have the real schemas, store values of the real sizes, and call
# nothing). Each plugin binary in the filesystem mirror is a small bash wrapper that runs the real
# binary under GNU time (/usr/bin/time), which appends its CPU seconds to a file, so a command's CPU splits
# into the provider process, terraform itself and the emulator. Interleaved like
# bench-terraform.sh: each phase runs for every configuration back to back, the first rotating per
# round. Prints medians; writes nothing into docs/ (design/state-size.md holds what it found).
#
#   BENCH_N (200), BENCH_ROUNDS (3), BENCH_PARALLELISM (10)
#   BENCH_KINDS   configurations (default "mfa floor_mfa user floor_user noop"); what-ifs (cmd/noop-provider/floor.go):
#                 floor_mfa_not_sensitive, floor_mfa_one_sensitive, floor_user_without_is_default, floor_user_wo_not_sensitive
#   BENCH_KEEP    1: keep each configuration's state after apply as DIR/KIND.tfstate (bytes per instance)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

n=${BENCH_N:-200}
rounds=${BENCH_ROUNDS:-3}
par=${BENCH_PARALLELISM:-10}
read -r -a kinds <<<"${BENCH_KINDS:-mfa floor_mfa user floor_user noop}"
version=0.1.0
out=$BENCH_DIR/breakdown
rm -rf "$out"
mkdir -p "$out/bin" "$out/cpu"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
floor_source=registry.terraform.io/tfveeam/floor
platform="$(go env GOOS)_$(go env GOARCH)"

# wrap SOURCE BINARY-NAME BUILD-ARGS...: builds into out/bin and puts a wrapper into the mirror.
wrap() {
  local source=$1 name=$2 dir
  shift 2
  dir=$out/mirror/$source/$version/$platform
  mkdir -p "$dir"
  go build -trimpath -o "$out/bin/$name" "$@"
  printf '#!/bin/sh\nexec /usr/bin/time -f "%%U %%S" -a -o "%s" "%s" "$@"\n' "$out/cpu/$name" "$out/bin/$name" >"$dir/${name}_v$version"
  chmod +x "$dir/${name}_v$version"
}
bench_step "Building the provider, the no-op provider, the floors (wrapped) and the emulator"
wrap "$LIB_PROVIDER_SOURCE" terraform-provider-veeam -ldflags "-X main.version=$version" .
wrap "$LIB_NOOP_SOURCE" terraform-provider-noop ./cmd/noop-provider
wrap "$floor_source" terraform-provider-floor -tags benchfloor ./cmd/noop-provider
lib_build_emulator "$out/bin/veeam-emulator"
lib_write_cli_config "$out/terraformrc" "$out/mirror" "$LIB_NOOP_SOURCE" "$floor_source"
export TF_CLI_CONFIG_FILE=$out/terraformrc

lib_start_emulator "$out/bin/veeam-emulator" "$out/emulator.log" \
  -aws 127.0.0.1:0 -vbr "" -vro "" -vao "" -em "" -m365 "" -one "" -spc "" -azure "" -gcp "" -control -ca-cert-out "$out/ca.pem"
trap lib_stop_emulator EXIT
url=$(lib_emulator_url "$out/emulator.log" aws)
for i in $(seq 1 "$n"); do
  curl -sS --fail-with-body --cacert "$out/ca.pem" -X POST "$url/emulator/users?product=aws" -H 'Content-Type: application/json' \
    -d "$(printf '{"name":"bench%05d","password":"Bench-Passw0rd-%d","role":"Portal Operator"}' "$i" "$i")" >/dev/null
done
export VEEAM_AWS_HOST=$url VEEAM_AWS_CA_CERT_FILE=$out/ca.pem VEEAM_AWS_USERNAME=administrator VEEAM_AWS_PASSWORD=Password1

# config KIND N: the configuration of N resources of KIND. The MFA-shaped kinds take existing
# users, the user-shaped ones create users with a write-only password, as in bench-terraform.sh.
config() {
  local k=$1 count=$2 type source
  case $k in
    mfa) type=veeam_aws_user_mfa source=veeam ;;
    user) type=veeam_aws_user source=veeam ;;
    noop) type=noop_item source=noop ;;
    floor_mfa*) type=floor_user_mfa${k#floor_mfa} source=floor ;;
    floor_user*) type=$k source=floor ;;
  esac
  printf 'terraform {\n  required_providers {\n    %s = { source = "tfveeam/%s" }\n  }\n}\n' "$source" "$source"
  [ "$source" = veeam ] && printf 'provider "veeam" {\n  aws {}\n}\n'
  printf 'resource "%s" "bench" {\n  count = %s\n' "$type" "$count"
  case $k in
    *user*) printf '  name                = format("benchnew%%05d", count.index + 1)\n  password_wo         = format("Bench-New-Passw0rd-%%d", count.index + 1)\n  password_wo_version = 1\n}\n' ;;
    noop) printf '  name = format("bench%%05d", count.index + 1)\n}\n' ;;
    *) printf '  user_name = format("bench%%05d", count.index + 1)\n}\n' ;;
  esac
}
binary_of() { case $1 in mfa | user) echo terraform-provider-veeam ;; floor_*) echo terraform-provider-floor ;; noop) echo terraform-provider-noop ;; esac; }
for k in "${kinds[@]}"; do
  mkdir -p "$out/$k"
  config "$k" "$n" >"$out/$k/main.tf"
  terraform -chdir="$out/$k" init -input=false -no-color >/dev/null
done

TIMEFORMAT='%U %S'
clk_tck=$(getconf CLK_TCK)
emu_ticks() { awk '{ print $14 + $15 }' "/proc/$LIB_EMU_PID/stat"; }
plugin_cpu() { awk '{ s += $1 + $2 } END { printf "%.3f", s + 0 }' "$out/cpu/$1" 2>/dev/null || echo 0; }
# run KIND PHASE: appends "PHASE wall cpu plugin-cpu emulator-cpu" to out/KIND.times.
run() {
  local k=$1 phase=$2 args=() t0 t1 e0 e1 p0 p1 bin
  read -r -a args <<<"$(bench_phase_args "$phase" "$par")"
  bin=$(binary_of "$k")
  p0=$(plugin_cpu "$bin")
  e0=$(emu_ticks)
  t0=$(date +%s.%N)
  { time terraform -chdir="$out/$k" "${args[@]}" >"$out/$k-$phase.log" 2>&1 || {
    cat "$out/$k-$phase.log" >&2
    exit 1
  }; } 2>"$out/time"
  t1=$(date +%s.%N)
  e1=$(emu_ticks)
  p1=$(plugin_cpu "$bin")
  if [ "$phase" = apply ] && [ "${BENCH_KEEP:-0}" = 1 ]; then cp "$out/$k/terraform.tfstate" "$out/$k.tfstate"; fi
  awk -v ph="$phase" -v a="$t0" -v b="$t1" -v p0="$p0" -v p1="$p1" -v e="$((e1 - e0))" -v hz="$clk_tck" \
    '{ printf "%s %.3f %.3f %.3f %.3f\n", ph, b - a, $1 + $2 + e / hz, p1 - p0, e / hz }' "$out/time" >>"$out/$k.times"
}
for round in $(seq 1 "$rounds"); do
  bench_step "round $round of $rounds (N=$n, -parallelism=$par)"
  order=()
  for i in "${!kinds[@]}"; do order+=("${kinds[$(((i + round - 1) % ${#kinds[@]}))]}"); done
  for phase in validate apply plan destroy; do
    for k in "${order[@]}"; do run "$k" "$phase"; done
  done
done

# med KIND PHASE FIELD: median of FIELD (2 wall, 3 cpu, 4 plugin cpu, 5 emulator cpu).
med() { awk -v p="$2" -v f="$3" '$1 == p { print $f }' "$out/$1.times" | bench_median; }
# tfcpu KIND PHASE: median of cpu - plugin - emulator (terraform itself).
tfcpu() { awk -v p="$2" '$1 == p { print $3 - $4 - $5 }' "$out/$1.times" | bench_median; }
echo
echo "N=$n, -parallelism=$par, medians of $rounds rounds (seconds); ratios to noop_item of the medians"
echo
echo "| phase | configuration | wall | CPU | provider CPU | terraform CPU | emulator CPU | wall ÷ noop | CPU ÷ noop |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for phase in validate apply plan destroy; do
  for k in "${kinds[@]}"; do
    w=$(med "$k" "$phase" 2) c=$(med "$k" "$phase" 3)
    echo "| $phase | $k | $w | $c | $(med "$k" "$phase" 4) | $(tfcpu "$k" "$phase") | $(med "$k" "$phase" 5) |" \
      "$(bench_ratio "$w" "$(med noop "$phase" 2)") | $(bench_ratio "$c" "$(med noop "$phase" 3)") |"
  done
done
