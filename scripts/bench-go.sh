#!/usr/bin/env bash
# scripts/bench-go.sh: the Go benchmarks of internal/client and internal/emulator, BENCH_COUNT
# rounds (default 6) of every benchmark, summarised as medians and as ratios of numbers measured
# in the same round (and by benchstat when it can be installed). Writes $BENCH_DIR/sections/10-go.md for docs/benchmarks.md.
#
#   BENCH_DIR        work directory (default .bench)
#   BENCH_COUNT      rounds (default 6)
#   BENCH_BENCHTIME  -benchtime (default 1s)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

lib_require_go "make bench"
count=${BENCH_COUNT:-6}
benchtime=${BENCH_BENCHTIME:-1s}
out=$BENCH_DIR/go
mkdir -p "$out" "$BENCH_DIR/sections"

# benchstat, pinned; without it (no module proxy) the medians below still stand.
BENCHSTAT_VERSION=v0.0.0-20260908200009-22c9c6c9d4da
benchstat=""
if GOBIN="$BENCH_DIR/bin" GOFLAGS=-mod=mod go install "golang.org/x/perf/cmd/benchstat@$BENCHSTAT_VERSION" >"$out/benchstat-install.log" 2>&1; then
  benchstat=$BENCH_DIR/bin/benchstat
else
  echo "benchstat could not be installed (see $out/benchstat-install.log): printing medians only" >&2
fi

bench_step "Go benchmarks ($count rounds, -benchtime $benchtime)"
# Each package's test binary is built once and run $count times, every benchmark once per round:
# a burst of load from elsewhere on the machine then hits one round of every benchmark rather
# than every run of one, and the ratios below pair numbers from the same round.
declare -A cmds
for pkg in client emulator; do
  go test -c -o "$out/$pkg.test" "./internal/$pkg/"
  cmds[$pkg]="go test -c -o .bench/go/$pkg.test ./internal/$pkg/ && (cd internal/$pkg && ../../.bench/go/$pkg.test -test.run '^\$' -test.bench . -test.benchmem -test.benchtime $benchtime)   # $count times"
  : >"$out/$pkg.txt"
done
for i in $(seq 1 "$count"); do
  for pkg in client emulator; do
    echo "--- round $i of $count: internal/$pkg"
    (cd "internal/$pkg" && "$out/$pkg.test" -test.run '^$' -test.bench . -test.benchmem -test.benchtime "$benchtime") | tee "$out/$pkg.$i.txt"
    cat "$out/$pkg.$i.txt" >>"$out/$pkg.txt"
  done
done

# value FILE BENCH UNIT: the UNIT (ns/op, req/s, conns/op) of BENCH in one round's output.
value() {
  awk -v name="$2" -v unit="$3" '
    { n = $1; sub(/-[0-9]+$/, "", n) }
    n == name { for (i = 3; i < NF; i++) if ($(i+1) == unit) print $i }' "$1"
}
# median FILE BENCH UNIT: the median over every round.
median() { value "$@" | bench_median; }
# pair_ratio PKG_A BENCH_A PKG_B BENCH_B UNIT: the median over the rounds of A/B in the same round.
pair_ratio() {
  local i a b
  for i in $(seq 1 "$count"); do
    a=$(value "$out/$1.$i.txt" "$2" "$5") b=$(value "$out/$3.$i.txt" "$4" "$5")
    bench_ratio "$a" "$b"
  done | grep -v '^-$' | bench_median | awk 'NF { printf "%.2f\n", $1; found = 1 } END { if (!found) print "-" }'
}

section=$BENCH_DIR/sections/10-go.md
{
  echo "## Go benchmarks"
  echo
  echo "No network for the emulator handlers (\`httptest.NewRecorder\`); TLS on loopback for the client."
  echo "Medians of $count rounds (\`-benchtime $benchtime\`); in each round every benchmark runs once, in turn."
  echo
  echo '```'
  echo "${cmds[client]}"
  echo "${cmds[emulator]}"
  echo '```'
  echo
  echo "| benchmark | what | ns/op | req/s | new TLS conns per request |"
  echo "| --- | --- | ---: | ---: | ---: |"
  row() { # FILE BENCH WHAT
    local ns rps conns
    ns=$(median "$1" "$2" ns/op); rps=$(median "$1" "$2" req/s); conns=$(median "$1" "$2" conns/op)
    echo "| \`$2\` | $3 | ${ns:--} | ${rps:--} | ${conns:--} |"
  }
  c=$out/client.txt e=$out/emulator.txt
  row "$c" BenchmarkSessionCredential "Session.Credential, valid token, 1 goroutine"
  row "$c" BenchmarkSessionCredentialParallel "Session.Credential, valid token, 4×GOMAXPROCS goroutines"
  row "$c" BenchmarkAWSGetUser "client GetUser → emulator over TLS, 1 goroutine"
  row "$c" BenchmarkAWSGetUserParallel "client GetUser → emulator over TLS, 10×GOMAXPROCS goroutines"
  row "$c" BenchmarkBareTLSGet "bare pooled net/http GET → 200 handler over TLS, 1 goroutine"
  row "$c" BenchmarkBareTLSGetParallel/idle=cleanhttp "same, 10×GOMAXPROCS goroutines, go-cleanhttp idle pool"
  row "$c" BenchmarkBareTLSGetParallel/idle=64 "same, idle pool of 64 per host"
  row "$e" BenchmarkEmulatorPasswordGrant "emulator POST /api/v1/token grant_type=password"
  row "$e" BenchmarkEmulatorRefreshGrant "emulator POST /api/v1/token grant_type=refresh_token"
  row "$e" BenchmarkEmulatorAuthenticatedGet "emulator GET /api/v1/users/administrator, Bearer"
  row "$e" BenchmarkEmulatorAuthenticatedGetParallel "same, GOMAXPROCS goroutines"
  row "$e" BenchmarkBareHandler "bare handler writing a small JSON body"
  echo
  echo "Ratios (each the median over the rounds of the ratio within one round):"
  echo
  ratio() { # LABEL RATIO
    echo "- $1: ${2:--}"
  }
  ratio "client GetUser req/s ÷ bare TLS GET req/s (1 goroutine)" "$(pair_ratio client BenchmarkAWSGetUser client BenchmarkBareTLSGet req/s)"
  ratio "client GetUser req/s ÷ bare TLS GET req/s (parallel, same idle pool)" "$(pair_ratio client BenchmarkAWSGetUserParallel client BenchmarkBareTLSGetParallel/idle=cleanhttp req/s)"
  ratio "bare TLS GET parallel req/s, idle pool 64 ÷ go-cleanhttp idle pool" "$(pair_ratio client BenchmarkBareTLSGetParallel/idle=64 client BenchmarkBareTLSGetParallel/idle=cleanhttp req/s)"
  ratio "Session.Credential ns/op, parallel ÷ 1 goroutine" "$(pair_ratio client BenchmarkSessionCredentialParallel client BenchmarkSessionCredential ns/op)"
  ratio "emulator password grant req/s ÷ bare handler req/s" "$(pair_ratio emulator BenchmarkEmulatorPasswordGrant emulator BenchmarkBareHandler req/s)"
  ratio "emulator refresh grant req/s ÷ bare handler req/s" "$(pair_ratio emulator BenchmarkEmulatorRefreshGrant emulator BenchmarkBareHandler req/s)"
  ratio "emulator authenticated GET req/s ÷ bare handler req/s" "$(pair_ratio emulator BenchmarkEmulatorAuthenticatedGet emulator BenchmarkBareHandler req/s)"
  if [ -n "$benchstat" ]; then
    echo
    echo "<details><summary>benchstat (golang.org/x/perf/cmd/benchstat@$BENCHSTAT_VERSION)</summary>"
    echo
    echo '```'
    "$benchstat" "$out/client.txt" 2>&1 || true
    "$benchstat" "$out/emulator.txt" 2>&1 || true
    echo '```'
    echo
    echo "</details>"
  fi
  echo
} >"$section"
cat "$section"
