#!/usr/bin/env bash
# scripts/bench.sh: `make bench` and `make bench-full`. Runs the Go benchmarks
# (scripts/bench-go.sh), the terraform CLI against the emulator binary
# (scripts/bench-terraform.sh) and the HTTP load test (scripts/bench-http.sh), then writes
# docs/benchmarks.md from what they measured. Exits non-zero, loudly, when a check failed
# (the results are written first).
#
#   scripts/bench.sh [--full] [go] [terraform] [http]   (no part named: all three)
#
# Sizes (the environment wins over the profile):
#   default: BENCH_COUNT=6 BENCH_BENCHTIME=1s BENCH_RUNS=3 BENCH_HTTP_DURATION=5
#            BENCH_N=200 BENCH_ROUNDS=5 BENCH_N2=400 BENCH_ROUNDS2=2
#   --full:  BENCH_COUNT=10 BENCH_BENCHTIME=2s BENCH_RUNS=5 BENCH_HTTP_DURATION=10
#            BENCH_N=200 BENCH_ROUNDS=5 BENCH_N2=800 BENCH_ROUNDS2=5
#   (BENCH_N, BENCH_ROUNDS: the terraform comparison; BENCH_N2, BENCH_ROUNDS2: its growth check,
#   BENCH_N2=0 skips it; BENCH_RUNS: the load test. A quick look: BENCH_ROUNDS=2 BENCH_N2=0.)
#   BENCH_PARALLELISM=10  BENCH_HTTP_CONNS=32  BENCH_PIN=1  BENCH_LOGINS=per-walk
#   BENCH_DOC: where the report goes (default docs/benchmarks.md when all parts run, else
#   .bench/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

profile=default
parts=()
for a in "$@"; do
  case $a in
    --full) profile=full ;;
    go | terraform | http) parts+=("$a") ;;
    -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scripts/bench.sh: unknown argument $a (use --full, go, terraform, http)" >&2; exit 2 ;;
  esac
done
all=0
if [ ${#parts[@]} -eq 0 ]; then parts=(go terraform http); all=1; fi

if [ "$profile" = full ]; then
  : "${BENCH_COUNT:=10}" "${BENCH_BENCHTIME:=2s}" "${BENCH_RUNS:=5}" "${BENCH_HTTP_DURATION:=10}"
  : "${BENCH_N:=200}" "${BENCH_ROUNDS:=5}" "${BENCH_N2:=800}" "${BENCH_ROUNDS2:=5}"
else
  : "${BENCH_COUNT:=6}" "${BENCH_BENCHTIME:=1s}" "${BENCH_RUNS:=3}" "${BENCH_HTTP_DURATION:=5}"
  : "${BENCH_N:=200}" "${BENCH_ROUNDS:=5}" "${BENCH_N2:=400}" "${BENCH_ROUNDS2:=2}"
fi
: "${BENCH_PARALLELISM:=10}" "${BENCH_HTTP_CONNS:=32}" "${BENCH_PIN:=1}" "${BENCH_LOGINS:=per-walk}"
export BENCH_COUNT BENCH_BENCHTIME BENCH_N BENCH_ROUNDS BENCH_N2 BENCH_ROUNDS2 BENCH_RUNS BENCH_HTTP_DURATION BENCH_PARALLELISM BENCH_HTTP_CONNS BENCH_PIN BENCH_LOGINS
if [ -z "${BENCH_DOC:-}" ]; then
  if [ "$all" = 1 ]; then BENCH_DOC=docs/benchmarks.md; else BENCH_DOC=$BENCH_DIR/benchmarks.md; fi
fi

lib_require_go "make bench"
mkdir -p "$BENCH_DIR"
rm -rf "$BENCH_DIR/sections"
rm -f "$BENCH_FAILURES"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$(date +%s)

for p in "${parts[@]}"; do
  if ! "scripts/bench-$p.sh"; then
    bench_fail "scripts/bench-$p.sh stopped with an error (its output above says why)"
  fi
done

# ---- docs/benchmarks.md ----
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
tfv=$(command -v terraform >/dev/null && terraform version 2>/dev/null | head -n1 | sed 's/^Terraform //' || echo "not installed")
loadgen=none
if command -v wrk >/dev/null; then
  loadgen=$( (wrk -v 2>&1 || true) | head -n1 | awk '{ print $1, $2 }')
elif command -v hey >/dev/null; then
  loadgen="hey ($(dpkg-query -W -f '${Version}' hey 2>/dev/null || echo "version unknown"))"
fi
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
args="$*"
if [ "$all" = 1 ] && [ "$profile" = full ]; then how="make bench-full"
elif [ "$all" = 1 ]; then how="make bench"
else how="scripts/bench.sh $args"; fi
mkdir -p "$(dirname "$BENCH_DOC")"
{
  echo "# Benchmarks"
  echo
  echo "Written by \`$how\` (scripts/bench.sh) on $started, in $(( $(date +%s) - t0 )) s."
  echo "Do not edit by hand: run \`make bench\` again to regenerate it. \`make docs\` (tfplugindocs) does not touch it."
  echo "The machine is shared and noisy: other work running at the same time can move an absolute number a long way."
  echo "Read the ratios first: each pairs measurements made back to back in the same round or run."
  echo
  echo "| machine | |"
  echo "| --- | --- |"
  echo "| CPU | ${cpu:-unknown} |"
  echo "| CPUs (nproc) | $(nproc) |"
  echo "| memory | ${mem:-unknown} |"
  echo "| OS | $(uname -sr) |"
  echo "| Go | $(go env GOVERSION) |"
  echo "| Terraform | $tfv |"
  echo "| load generator | $loadgen |"
  echo "| commit | $commit |"
  echo
  echo "Reproduce:"
  echo
  echo '```'
  echo "$how"
  echo "# sizes used: BENCH_COUNT=$BENCH_COUNT BENCH_BENCHTIME=$BENCH_BENCHTIME BENCH_N=$BENCH_N BENCH_ROUNDS=$BENCH_ROUNDS \\"
  echo "#   BENCH_N2=$BENCH_N2 BENCH_ROUNDS2=$BENCH_ROUNDS2 BENCH_RUNS=$BENCH_RUNS \\"
  echo "#   BENCH_PARALLELISM=$BENCH_PARALLELISM BENCH_HTTP_DURATION=$BENCH_HTTP_DURATION BENCH_HTTP_CONNS=$BENCH_HTTP_CONNS BENCH_PIN=$BENCH_PIN"
  echo '```'
  echo
  echo "Raw outputs stay in \`.bench/\` (not committed)."
  echo
  for f in "$BENCH_DIR"/sections/*.md; do
    [ -e "$f" ] && cat "$f"
  done
  echo "## Checks"
  echo
  if [ -s "$BENCH_FAILURES" ]; then
    echo "Failed:"
    echo
    sed 's/^/- /' "$BENCH_FAILURES"
  else
    echo "Every check passed (all responses 2xx, no-op re-applies changed nothing, one login per provider configuration)."
  fi
  echo
  echo "## Reading the numbers"
  echo
  echo "- Go benchmarks: \`ns/op\` of a \`RunParallel\` benchmark is wall time divided by operations across all goroutines."
  echo "  \`new TLS conns per request\` counts connections the server accepted: the client keeps up to 64 idle"
  echo "  connections per host (go-cleanhttp's default, GOMAXPROCS+1, made 45% of parallel requests open a new TLS"
  echo "  connection against an HTTP/1.1 server; \`BenchmarkBareTLSGetParallel\` compares both pool sizes). The emulator binary and \`cmd/benchserver\` speak HTTP/2 over TLS"
  echo "  to Go clients, so the terraform runs share one connection; the in-process benchmarks use HTTP/1.1."
  echo "  \`Session.Credential\` takes the session's mutex on every call, so it gets slower per call under contention;"
  echo "  compare it with one authenticated request (\`BenchmarkAWSGetUser\`), not with zero."
  echo "- Terraform: wall time of whole commands, including plugin start-up and state writes. \`noop_item\`"
  echo "  (\`cmd/noop-provider\`) is a plugin that copies its plan into state: the floor for any provider, so the ratio"
  echo "  to it is what this provider adds. Both plugins are built on terraform-plugin-framework and both turn their"
  echo "  logging off when no \`TF_LOG*\` variable is set (internal/unreadlogs: Terraform would parse and drop every line)."
  echo "  \`terraform_data\` is built into Terraform (no plugin, no network call). CPU seconds are terraform's and its"
  echo "  plugins' user + system time plus the emulator's: on a shared machine they move less than wall time."
  echo "- Load test: the emulator and the bare server run the same Go HTTP stack and the same kind of certificate;"
  echo "  the ratio is the cost of the emulator's routing, version check, token check, store and JSON."
  echo "- Reliability under faults, short token lifetimes, log and state secrecy and bad inputs is tested, not"
  echo "  benchmarked: \`make test\` runs internal/reliability at small sizes, \`make reliability\` at full size."
} >"$BENCH_DOC"
echo
echo "wrote $BENCH_DOC"

if [ -s "$BENCH_FAILURES" ]; then
  printf '\n\033[1;31m%s\033[0m\n' "================ make bench FAILED ================"
  sed 's/^/  - /' "$BENCH_FAILURES" >&2
  printf '\033[1;31m%s\033[0m\n' "==================================================="
  exit 1
fi
echo "all bench checks passed"
