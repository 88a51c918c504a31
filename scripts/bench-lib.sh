# shellcheck shell=bash
# scripts/bench-lib.sh: what the bench scripts share beyond scripts/lib.sh: the work directory,
# medians, ratios and the list of failed checks. Source it after lib.sh.

BENCH_DIR=${BENCH_DIR:-$PWD/.bench}
case $BENCH_DIR in /*) ;; *) BENCH_DIR=$PWD/$BENCH_DIR ;; esac
export BENCH_DIR
BENCH_FAILURES=$BENCH_DIR/failures

bench_step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# bench_median: the median of the numbers on stdin (one per line), or nothing when there are none.
bench_median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    if (m >= 100) printf "%.0f\n", m; else if (m >= 1) printf "%.2f\n", m; else printf "%.4g\n", m
  }'
}

# bench_ratio A B: A/B with two decimals, "-" when either is missing or B is 0.
bench_ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f\n", a / b }'
}

# bench_fail MESSAGE: records a failed check; bench.sh exits non-zero when there is one.
bench_fail() {
  mkdir -p "$BENCH_DIR"
  echo "$*" >>"$BENCH_FAILURES"
  printf '\n\033[1;31m!!! BENCH CHECK FAILED: %s\033[0m\n\n' "$*" >&2
}

# bench_json_int JSON KEY: the integer value of "KEY": in a flat JSON object (no jq needed).
bench_json_int() {
  grep -o "\"$2\":[0-9]*" <<<"$1" | head -n1 | cut -d: -f2
}

# bench_json_str JSON KEY: the string value of "KEY": in a JSON object.
bench_json_str() {
  sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" <<<"$1" | head -n1
}

# bench_phase_args PHASE PARALLELISM: the terraform arguments of a measured phase (validate, apply,
# plan: a refresh-plan that exits 2 on changes, destroy).
bench_phase_args() {
  case $1 in
    validate) echo "validate -no-color" ;;
    apply) echo "apply -auto-approve -input=false -no-color -parallelism=$2" ;;
    plan) echo "plan -detailed-exitcode -input=false -no-color -parallelism=$2" ;;
    destroy) echo "destroy -auto-approve -input=false -no-color -parallelism=$2" ;;
  esac
}
