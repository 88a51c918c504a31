# shellcheck shell=bash
# scripts/lib.sh: shell helpers shared by demo.sh and the bench scripts. Source it; it defines
# functions and sets nothing else. Every helper fails loudly (message on stderr, non-zero status)
# instead of leaving a half-started emulator behind.
#
#   lib_require_go / lib_require_terraform WHAT   exit with an install hint when missing
#   lib_build_provider MIRROR VERSION             build the provider into a filesystem mirror
#   lib_build_noop_provider MIRROR VERSION        build cmd/noop-provider (the bench's floor) into it
#   lib_build_emulator OUT                        build cmd/veeam-emulator into OUT
#   lib_start_emulator BIN LOG [FLAGS...]         start it in the background (LIB_EMU_PID)
#   lib_emulator_url LOG PRODUCT                  wait for "PRODUCT listening on URL", print URL
#   lib_stop_emulator                             stop the emulator lib_start_emulator started
#   lib_write_cli_config FILE MIRROR [SOURCE...]  terraform CLI config: the provider (and SOURCEs) from MIRROR only
#   lib_ensure_apt_tools TOOL...                  install missing Debian packages (needs root)
#
# The repository root is the caller's working directory (the scripts cd there first).

LIB_PROVIDER_SOURCE=registry.terraform.io/tfveeam/veeam
LIB_NOOP_SOURCE=registry.terraform.io/tfveeam/noop
LIB_EMU_PID=""

lib_die() { echo "$*" >&2; exit 1; }

lib_require_go() {
  command -v go >/dev/null || lib_die "$1 needs Go (https://go.dev/dl/)"
}

lib_require_terraform() {
  command -v terraform >/dev/null || lib_die "$1 needs the terraform CLI on PATH (1.10 or newer)"
}

# lib_build_provider MIRROR VERSION: the provider binary, where `terraform init` finds it in a
# filesystem mirror (MIRROR/registry.terraform.io/tfveeam/veeam/VERSION/OS_ARCH/).
lib_build_provider() {
  local mirror=$1 version=$2 platform dir
  platform="$(go env GOOS)_$(go env GOARCH)"
  dir=$mirror/$LIB_PROVIDER_SOURCE/$version/$platform
  mkdir -p "$dir"
  go build -trimpath -ldflags "-X main.version=$version" -o "$dir/terraform-provider-veeam_v$version" .
}

# lib_build_noop_provider MIRROR VERSION: cmd/noop-provider, the provider whose one resource
# (noop_item) copies its plan into state, where `terraform init` finds it as tfveeam/noop.
lib_build_noop_provider() {
  local mirror=$1 version=$2 platform dir
  platform="$(go env GOOS)_$(go env GOARCH)"
  dir=$mirror/$LIB_NOOP_SOURCE/$version/$platform
  mkdir -p "$dir"
  go build -trimpath -o "$dir/terraform-provider-noop_v$version" ./cmd/noop-provider
}

# lib_build_emulator OUT
lib_build_emulator() {
  go build -trimpath -o "$1" ./cmd/veeam-emulator
}

# lib_start_emulator BIN LOG [FLAGS...]: stdout and stderr go to LOG; the pid is LIB_EMU_PID.
# Callers pass their own product addresses (e.g. -aws 127.0.0.1:0 -vbr "" ...).
lib_start_emulator() {
  local bin=$1 log=$2
  shift 2
  "$bin" "$@" >"$log" 2>&1 &
  LIB_EMU_PID=$!
}

# lib_emulator_url LOG PRODUCT: waits (up to 10 s) for the emulator's
# "veeam-emulator: PRODUCT listening on URL" line and prints URL.
lib_emulator_url() {
  local log=$1 product=$2 url=""
  for _ in $(seq 1 100); do
    url=$(sed -n "s/^veeam-emulator: $product listening on \(https\{0,1\}:\/\/[^ ]*\).*/\1/p" "$log" | head -n1)
    [ -n "$url" ] && break
    if [ -n "$LIB_EMU_PID" ] && ! kill -0 "$LIB_EMU_PID" 2>/dev/null; then
      cat "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  if [ -z "$url" ]; then
    echo "the emulator did not start:" >&2
    cat "$log" >&2
    return 1
  fi
  echo "$url"
}

# lib_stop_emulator: SIGTERM to the emulator this shell started (by pid), then wait for it.
lib_stop_emulator() {
  if [ -n "$LIB_EMU_PID" ]; then
    kill "$LIB_EMU_PID" 2>/dev/null && wait "$LIB_EMU_PID" 2>/dev/null
    LIB_EMU_PID=""
  fi
  true
}

# lib_write_cli_config FILE MIRROR [SOURCE...]: the provider (and each extra SOURCE, e.g.
# $LIB_NOOP_SOURCE) comes from MIRROR, every other provider from its registry (which is
# unreachable offline: only built-in ones such as terraform_data work).
lib_write_cli_config() {
  local file=$1 mirror=$2 list s
  shift 2
  list="\"$LIB_PROVIDER_SOURCE\""
  for s in "$@"; do list="$list, \"$s\""; done
  cat >"$file" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = [$list]
  }
  direct {
    exclude = [$list]
  }
}
RC
}

# lib_ensure_apt_tools TOOL...: installs the Debian packages of the same names that are not on
# PATH. Returns non-zero (after saying why) when some are still missing; callers degrade.
lib_ensure_apt_tools() {
  local missing=() t
  for t in "$@"; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "missing ${missing[*]}: install them (apt-get install -y ${missing[*]}); not root, so not installing" >&2
      return 1
    fi
  fi
  if command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} (apt-get)" >&2
    $sudo apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || true
  fi
  local still=()
  for t in "${missing[@]}"; do
    command -v "$t" >/dev/null || still+=("$t")
  done
  if [ ${#still[@]} -gt 0 ]; then
    echo "could not install ${still[*]}: install them by hand (apt-get install -y ${still[*]})" >&2
    return 1
  fi
}
