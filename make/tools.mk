# make/tools.mk: tool-driven targets, included by the top-level GNUmakefile
# (`include make/tools.mk`). Paths are relative to the repository root, where
# make runs.
#
#   make tools          install tfplugindocs and golangci-lint into ./bin
#   make lint           golangci-lint (v2) with .golangci.yml
#   make docs           regenerate docs/ with tfplugindocs (terraform from PATH)
#   make docs-check     make docs, then fail if docs/ differs from git
#   make release-check  goreleaser check + local snapshot release into ./dist
#
# Every target depends on the binaries it runs, so a fresh clone works with
# nothing but Go (and terraform, for docs) installed. Tool versions are pinned
# in scripts/install-tools.sh and tools/go.mod; the binaries are rebuilt when
# either file changes.

# Do not let this file's targets become the default goal of the including
# makefile: remember the goal selected so far and restore it at the end.
TOOLS_MK_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

TOOLS_BIN_DIR       := bin
TOOLS_INSTALL       := scripts/install-tools.sh
TOOLS_TFPLUGINDOCS  := $(TOOLS_BIN_DIR)/tfplugindocs
TOOLS_GOLANGCI_LINT := $(TOOLS_BIN_DIR)/golangci-lint
TOOLS_GORELEASER    := $(TOOLS_BIN_DIR)/goreleaser

# Registry short name of the provider (registry.terraform.io/tfveeam/veeam).
TOOLS_PROVIDER_NAME := veeam

.PHONY: tools lint docs docs-check release-check

tools: ## Install tfplugindocs and golangci-lint (pinned) into ./bin
	$(TOOLS_INSTALL)

# The script is idempotent (it skips a tool already at the pinned version);
# the touch keeps make from re-running it when nothing changed.
$(TOOLS_TFPLUGINDOCS): tools/go.mod tools/go.sum $(TOOLS_INSTALL)
	$(TOOLS_INSTALL) tfplugindocs
	@touch $@

$(TOOLS_GOLANGCI_LINT): $(TOOLS_INSTALL)
	$(TOOLS_INSTALL) golangci-lint
	@touch $@

$(TOOLS_GORELEASER): $(TOOLS_INSTALL)
	$(TOOLS_INSTALL) goreleaser
	@touch $@

lint: $(TOOLS_GOLANGCI_LINT) ## Run golangci-lint v2 (.golangci.yml)
	$(TOOLS_GOLANGCI_LINT) run ./...

# tfplugindocs builds the provider, then runs `terraform providers schema`.
# It must use the terraform on PATH: never pass --tf-version (that downloads
# a Terraform release), and CHECKPOINT_DISABLE=1 stops the version check.
docs: $(TOOLS_TFPLUGINDOCS) ## Regenerate docs/ from the schema, examples/ and templates/
	@command -v terraform >/dev/null 2>&1 || { \
		echo "docs: terraform is not on PATH (tfplugindocs needs it to read the provider schema)" >&2; \
		exit 1; }
	CHECKPOINT_DISABLE=1 $(TOOLS_TFPLUGINDOCS) generate --provider-name $(TOOLS_PROVIDER_NAME)

# Fails when regenerating changes a tracked file under docs/ or creates an
# untracked one. (Compared with the index: stage regenerated docs to pass.)
docs-check: docs ## Regenerate docs/ and fail if it differs from git
	@stale=0; \
	git diff --exit-code --stat -- docs/ || stale=1; \
	untracked="$$(git ls-files --others --exclude-standard -- docs/)"; \
	if [ -n "$$untracked" ]; then \
		echo "untracked files under docs/:"; echo "$$untracked" | sed 's/^/  /'; stale=1; \
	fi; \
	if [ "$$stale" -ne 0 ]; then \
		echo "docs/ is stale: run make docs and commit" >&2; exit 1; \
	fi; \
	echo "docs/ is up to date"

# `goreleaser check` validates .goreleaser.yml; the snapshot release builds
# every archive into ./dist without signing or publishing anything.
release-check: $(TOOLS_GORELEASER) ## goreleaser check + snapshot build of all archives into ./dist
	$(TOOLS_GORELEASER) check
	$(TOOLS_GORELEASER) release --snapshot --clean --skip=sign,publish

.DEFAULT_GOAL := $(TOOLS_MK_SAVED_DEFAULT_GOAL)
