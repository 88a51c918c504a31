#!/usr/bin/env bash
# scripts/bench-http.sh: requests per second of the emulator binary under wrk (or hey), beside a
# bare net/http server (cmd/benchserver) served the same way, plain HTTP and TLS, on
# loopback. Writes $BENCH_DIR/sections/30-http.md for docs/benchmarks.md.
#
#   BENCH_RUNS            runs per target (default 3); the median is reported
#   BENCH_HTTP_DURATION   seconds per run (default 5)
#   BENCH_HTTP_CONNS      concurrent connections (default 32)
#   BENCH_PIN             1 (default): server on CPU 0 with GOMAXPROCS=1, load generator on CPU 1,
#                         when taskset exists and there are 2 CPUs or more; 0: no pinning
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

lib_require_go "make bench"
runs=${BENCH_RUNS:-3}
duration=${BENCH_HTTP_DURATION:-5}
conns=${BENCH_HTTP_CONNS:-32}
out=$BENCH_DIR/http
section=$BENCH_DIR/sections/30-http.md
mkdir -p "$out" "$BENCH_DIR/bin" "$BENCH_DIR/sections"
rm -f "$out"/*.rps

lib_ensure_apt_tools wrk hey curl || true
tool=""
if command -v wrk >/dev/null; then tool=wrk; elif command -v hey >/dev/null; then tool=hey; fi
if [ -z "$tool" ] || ! command -v curl >/dev/null; then
  msg="skipped: neither wrk nor hey (or no curl) could be installed; install them (apt-get install -y wrk hey curl) and run make bench again"
  echo "$msg" >&2
  printf '## Emulator throughput under load\n\n%s\n\n' "$msg" >"$section"
  exit 0
fi

pin_server=() pin_client=() server_env=()
if [ "${BENCH_PIN:-1}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 0) pin_client=(taskset -c 1) server_env=(GOMAXPROCS=1)
  pinning="server on CPU 0 with GOMAXPROCS=1, $tool on CPU 1 (taskset)"
else
  pinning="no CPU pinning: server and $tool share every CPU"
fi

bench_step "Building the emulator and the bare server"
lib_build_emulator "$BENCH_DIR/bin/veeam-emulator"
go build -trimpath -o "$BENCH_DIR/bin/benchserver" ./cmd/benchserver

pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    if kill "$p" 2>/dev/null; then wait "$p" 2>/dev/null || true; fi
  done
  true
}
trap cleanup EXIT

form='grant_type=password&username=administrator&password=Password1'
cat >"$out/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "$form"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["x-api-version"] = "1.7-rev0"
LUA

# load NAME RUN METHOD URL [HEADER...]: one run; prints requests/s. Every response must be 2xx,
# or the check fails.
load() {
  local name=$1 run=$2 method=$3 url=$4
  shift 4
  local hdr=() h rps bad log=$out/$name.$run.txt
  for h in "$@"; do hdr+=(-H "$h"); done
  if [ "$tool" = wrk ]; then
    if [ "$method" = POST ]; then
      "${pin_client[@]}" wrk -t1 -c"$conns" -d"${duration}s" -s "$out/post.lua" "${hdr[@]}" "$url" >"$log" 2>&1
    else
      "${pin_client[@]}" wrk -t1 -c"$conns" -d"${duration}s" "${hdr[@]}" "$url" >"$log" 2>&1
    fi
    rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$log")
    bad=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$log")
  else
    if [ "$method" = POST ]; then
      "${pin_client[@]}" hey -z "${duration}s" -c "$conns" -m POST -T application/x-www-form-urlencoded -d "$form" "${hdr[@]}" "$url" >"$log" 2>&1
    else
      "${pin_client[@]}" hey -z "${duration}s" -c "$conns" "${hdr[@]}" "$url" >"$log" 2>&1
    fi
    rps=$(sed -n 's/^ *Requests\/sec: *\([0-9.]*\).*/\1/p' "$log")
    bad=$(grep -E '^\s+\[[0-9]+\]' "$log" | grep -vE '^\s+\[2[0-9][0-9]\]' | awk '{ s += $2 } END { print s + 0 }')
  fi
  if [ -z "$rps" ]; then
    bench_fail "$name: $tool printed no requests/s (see $log)"
    return
  fi
  if [ -n "$bad" ] && [ "$bad" != 0 ]; then
    bench_fail "$name: $bad responses were not 2xx (see $log)"
  fi
  echo "  $name run $run: $rps req/s" >&2
  echo "$rps"
}

# Every server runs for the whole test (an idle one costs nothing); each run measures every
# target in turn, so the emulator and the bare server see the same moment of a noisy machine,
# and the ratios pair numbers from the same run.
declare -A base
for mode in plain tls; do
  flags=(-aws 127.0.0.1:0 -vbr "" -vro "" -vao "" -em "" -m365 "" -one "" -spc "" -azure "" -gcp "")
  curl_tls=()
  if [ "$mode" = plain ]; then flags+=(-plain-http); else
    flags+=(-ca-cert-out "$out/ca.pem")
    curl_tls=(--cacert "$out/ca.pem")
  fi
  lib_start_emulator env "$out/emulator-$mode.log" "${server_env[@]}" "${pin_server[@]}" "$BENCH_DIR/bin/veeam-emulator" "${flags[@]}"
  pids+=("$LIB_EMU_PID")
  base[emu-$mode]=$(lib_emulator_url "$out/emulator-$mode.log" aws)
  answer=$(curl -sS "${curl_tls[@]}" -H 'x-api-version: 1.7-rev0' -d "$form" "${base[emu-$mode]}/api/v1/token")
  token=$(bench_json_str "$answer" access_token)
  [ -n "$token" ] || { echo "no access token from ${base[emu-$mode]}: $answer" >&2; exit 1; }
  declare "token_$mode=$token"
done
env "${server_env[@]}" "${pin_server[@]}" "$BENCH_DIR/bin/benchserver" >"$out/benchserver.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 100); do grep -q 'tls listening' "$out/benchserver.log" && break; sleep 0.1; done
for mode in plain tls; do
  base[bare-$mode]=$(sed -n "s/^benchserver: $mode listening on \(https\{0,1\}:\/\/[^ ]*\).*/\1/p" "$out/benchserver.log")
  [ -n "${base[bare-$mode]}" ] || { cat "$out/benchserver.log" >&2; exit 1; }
done

for run in $(seq 1 "$runs"); do
  bench_step "Load run $run of $runs"
  for mode in plain tls; do
    tokvar=token_$mode
    load "emulator-get-$mode" "$run" GET "${base[emu-$mode]}/api/v1/users/administrator" "x-api-version: 1.7-rev0" "Authorization: Bearer ${!tokvar}" >>"$out/emu-get-$mode.rps"
    load "bare-get-$mode" "$run" GET "${base[bare-$mode]}/api/v1/users/administrator" "x-api-version: 1.7-rev0" "Authorization: Bearer x" >>"$out/bare-get-$mode.rps"
    load "emulator-token-$mode" "$run" POST "${base[emu-$mode]}/api/v1/token" >>"$out/emu-post-$mode.rps"
    load "bare-post-$mode" "$run" POST "${base[bare-$mode]}/api/v1/token" >>"$out/bare-post-$mode.rps"
  done
done
cleanup
pids=()

declare -A rps
for k in emu-get-plain emu-get-tls bare-get-plain bare-get-tls emu-post-plain emu-post-tls bare-post-plain bare-post-tls; do
  rps[$k]=$(grep -v '^$' "$out/$k.rps" | bench_median)
done
# pratio A B: the median over the runs of A/B within a run.
pratio() {
  paste -d' ' "$out/$1.rps" "$out/$2.rps" | while read -r a b; do bench_ratio "$a" "$b"; done |
    grep -v '^-$' | bench_median | awk 'NF { printf "%.2f\n", $1; found = 1 } END { if (!found) print "-" }'
}

if [ "$tool" = wrk ]; then
  cmd="wrk -t1 -c$conns -d${duration}s [-s post.lua] -H 'x-api-version: 1.7-rev0' [-H 'Authorization: Bearer TOKEN'] URL"
else
  cmd="hey -z ${duration}s -c $conns [-m POST -T application/x-www-form-urlencoded -d FORM] -H 'x-api-version: 1.7-rev0' [-H 'Authorization: Bearer TOKEN'] URL"
fi
{
  echo "## Emulator throughput under load ($tool)"
  echo
  echo "The emulator binary (\`veeam-emulator -aws 127.0.0.1:0\`, plain with \`-plain-http\`, TLS with its self-signed"
  echo "ECDSA certificate) beside \`cmd/benchserver\`, a bare net/http server that answers 200 with a JSON body of"
  echo "about the same size, served the same way. $conns connections, ${duration} s per run, median of $runs runs;"
  echo "$pinning. Loopback only."
  echo
  echo '```'
  echo "$cmd"
  echo '```'
  echo
  echo "| request | plain HTTP req/s | TLS req/s | bare server plain req/s | bare server TLS req/s | emulator ÷ bare, plain | emulator ÷ bare, TLS |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  echo "| \`GET /api/v1/users/administrator\` (Bearer, x-api-version) | ${rps[emu-get-plain]:--} | ${rps[emu-get-tls]:--} | ${rps[bare-get-plain]:--} | ${rps[bare-get-tls]:--} | $(pratio emu-get-plain bare-get-plain) | $(pratio emu-get-tls bare-get-tls) |"
  echo "| \`POST /api/v1/token\` grant_type=password | ${rps[emu-post-plain]:--} | ${rps[emu-post-tls]:--} | ${rps[bare-post-plain]:--} | ${rps[bare-post-tls]:--} | $(pratio emu-post-plain bare-post-plain) | $(pratio emu-post-tls bare-post-tls) |"
  echo
  echo "Ratios are medians over the runs of the ratio within one run (each run measures every target in turn)."
  echo "TLS ÷ plain: emulator GET $(pratio emu-get-tls emu-get-plain), bare GET $(pratio bare-get-tls bare-get-plain); emulator token $(pratio emu-post-tls emu-post-plain), bare POST $(pratio bare-post-tls bare-post-plain)."
  echo
} >"$section"
cat "$section"
