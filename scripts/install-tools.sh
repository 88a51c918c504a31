#!/usr/bin/env bash
#
# Installs the development tools this repository uses into ./bin.
#
#   scripts/install-tools.sh                 # tfplugindocs + golangci-lint (default)
#   scripts/install-tools.sh goreleaser      # goreleaser only (large build)
#   scripts/install-tools.sh all             # everything
#   scripts/install-tools.sh tfplugindocs golangci-lint goreleaser
#
# Idempotent: a tool already in ./bin at the pinned version, built with the
# current Go toolchain, is left alone. Versions are read from `go version -m`
# (the module build info embedded in every Go binary), so no tool has to be
# executed to find out what it is.
#
# Pins:
#   tfplugindocs   the version required by tools/go.mod (bump it there with
#                  `cd tools && go get github.com/hashicorp/terraform-plugin-docs@vX && go mod tidy`)
#   golangci-lint  GOLANGCI_LINT_VERSION below (overridable from the environment)
#   goreleaser     GORELEASER_VERSION below (overridable from the environment);
#                  keep it equal to the `version:` in .github/workflows/release.yml
set -euo pipefail

GOLANGCI_LINT_VERSION="${GOLANGCI_LINT_VERSION:-v2.15.0}"
GORELEASER_VERSION="${GORELEASER_VERSION:-v2.16.0}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${ROOT}/bin"
GO="${GO:-go}"

log() { printf 'install-tools: %s\n' "$*"; }
die() { printf 'install-tools: error: %s\n' "$*" >&2; exit 1; }

command -v "${GO}" >/dev/null 2>&1 || die "go is not on PATH"
GO_VERSION="$("${GO}" env GOVERSION)"
mkdir -p "${BIN}"

# installed_version BINARY MODULE -> prints the version of MODULE embedded in
# BINARY, or nothing when the binary is missing, was built by another Go
# toolchain, or does not contain that module.
installed_version() {
	local bin="$1" mod="$2" info built_with
	[[ -x "${bin}" ]] || return 0
	info="$("${GO}" version -m "${bin}" 2>/dev/null)" || return 0
	built_with="$(printf '%s\n' "${info}" | head -n1 | awk '{print $2}')"
	if [[ "${built_with}" != "${GO_VERSION}" ]]; then
		log "$(basename "${bin}") was built with ${built_with}, current toolchain is ${GO_VERSION}: rebuilding"
		return 0
	fi
	# "mod" is the main module of the binary; "dep" covers nothing we need.
	printf '%s\n' "${info}" | awk -v m="${mod}" '$1 == "mod" && $2 == m {print $3}'
}

# ensure NAME MODULE WANT INSTALL_FN
ensure() {
	local name="$1" mod="$2" want="$3" fn="$4" have
	have="$(installed_version "${BIN}/${name}" "${mod}")"
	if [[ "${have}" == "${want}" ]]; then
		log "${name} ${want} already installed in bin/ (skipping)"
		return 0
	fi
	if [[ -n "${have}" ]]; then
		log "${name}: found ${have}, want ${want}: reinstalling"
	fi
	log "installing ${name} ${want} into bin/ ..."
	"${fn}" "${want}"
	have="$(installed_version "${BIN}/${name}" "${mod}")"
	[[ "${have}" == "${want}" ]] || die "${name}: installed version is '${have}', expected ${want}"
	log "installed bin/${name} (${want}, ${GO_VERSION})"
}

install_tfplugindocs() {
	(cd "${ROOT}/tools" && GOWORK=off GOBIN="${BIN}" GOFLAGS="${GOFLAGS:-} -mod=readonly" \
		"${GO}" install github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs)
}

install_golangci_lint() {
	# Installed outside any module (pkg@version) so the root module's
	# go.mod/go.sum are never touched.
	(cd "${ROOT}" && GOBIN="${BIN}" "${GO}" install \
		"github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$1")
}

install_goreleaser() {
	(cd "${ROOT}" && GOBIN="${BIN}" "${GO}" install \
		"github.com/goreleaser/goreleaser/v2@$1")
}

tfplugindocs_version() {
	(cd "${ROOT}/tools" && "${GO}" list -m -f '{{.Version}}' github.com/hashicorp/terraform-plugin-docs)
}

tools=("$@")
if [[ ${#tools[@]} -eq 0 ]]; then
	tools=(tfplugindocs golangci-lint)
fi
if [[ " ${tools[*]} " == *" all "* ]]; then
	tools=(tfplugindocs golangci-lint goreleaser)
fi

for tool in "${tools[@]}"; do
	case "${tool}" in
	tfplugindocs)
		ensure tfplugindocs github.com/hashicorp/terraform-plugin-docs \
			"$(tfplugindocs_version)" install_tfplugindocs
		;;
	golangci-lint)
		ensure golangci-lint github.com/golangci/golangci-lint/v2 \
			"${GOLANGCI_LINT_VERSION}" install_golangci_lint
		;;
	goreleaser)
		ensure goreleaser github.com/goreleaser/goreleaser/v2 \
			"${GORELEASER_VERSION}" install_goreleaser
		;;
	*)
		die "unknown tool '${tool}' (known: tfplugindocs golangci-lint goreleaser all)"
		;;
	esac
done
