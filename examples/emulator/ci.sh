#!/usr/bin/env bash
# Start veeam-emulator, wait until it listens, run a command against it with the
# provider's environment set, then stop the emulator.
#
#   ci.sh                              # a curl smoke test
#   ci.sh terraform apply -auto-approve
#   VEEAM_EMULATOR_SEED=seed.json ci.sh go test ./...
#
# Needs veeam-emulator on PATH (built from source, or a release once one exists) and curl.
set -euo pipefail

work=$(mktemp -d)
log=$work/emulator.log

# 127.0.0.1:0 picks free ports; the "listening on" lines say which.
args=(-aws 127.0.0.1:0 -vbr 127.0.0.1:0 -vro 127.0.0.1:0 -vao 127.0.0.1:0 -em 127.0.0.1:0
  -m365 127.0.0.1:0 -one 127.0.0.1:0 -spc 127.0.0.1:0 -azure 127.0.0.1:0 -gcp 127.0.0.1:0 -ca-cert-out "$work/ca.pem" -control)
if [ -n "${VEEAM_EMULATOR_SEED:-}" ]; then
  args+=(-config "$VEEAM_EMULATOR_SEED")
fi
veeam-emulator "${args[@]}" >"$log" 2>&1 &
pid=$!
# SIGTERM stops the emulator cleanly (exit status 0).
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# url PRODUCT: waits for "veeam-emulator: PRODUCT listening on URL", prints URL.
url() {
  local u
  for _ in $(seq 100); do
    u=$(sed -n "s/^veeam-emulator: $1 listening on //p" "$log")
    if [ -n "$u" ]; then
      echo "$u"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "veeam-emulator did not start:" >&2
  cat "$log" >&2
  return 1
}

# The provider reads VEEAM_<PRODUCT>_<ATTRIBUTE>; the certificate file trusts
# every listener. The credentials are the default accounts unless already set.
for p in aws vbr vro vao em m365 one spc azure gcp; do
  u=$(url "$p")
  P=$(echo "$p" | tr '[:lower:]' '[:upper:]')
  export "VEEAM_${P}_HOST=$u" "VEEAM_${P}_CA_CERT_FILE=$work/ca.pem"
done
export VEEAM_AWS_USERNAME=${VEEAM_AWS_USERNAME:-administrator} VEEAM_AWS_PASSWORD=${VEEAM_AWS_PASSWORD:-Password1}
export VEEAM_VBR_USERNAME=${VEEAM_VBR_USERNAME:-administrator} VEEAM_VBR_PASSWORD=${VEEAM_VBR_PASSWORD:-Password1}
export VEEAM_VRO_CLIENT_ID=${VEEAM_VRO_CLIENT_ID:-terraform-client} VEEAM_VRO_CLIENT_SECRET=${VEEAM_VRO_CLIENT_SECRET:-Client-Secret1}
export VEEAM_VAO_USERNAME=${VEEAM_VAO_USERNAME:-'VEEAM\administrator'} VEEAM_VAO_PASSWORD=${VEEAM_VAO_PASSWORD:-Password1}
export VEEAM_EM_USERNAME=${VEEAM_EM_USERNAME:-administrator} VEEAM_EM_PASSWORD=${VEEAM_EM_PASSWORD:-Password1}
for P in M365 ONE SPC AZURE GCP; do
  u=VEEAM_${P}_USERNAME w=VEEAM_${P}_PASSWORD
  export "$u=${!u:-administrator}" "$w=${!w:-Password1}"
done

smoke() {
  local c=(curl -sSf --cacert "$VEEAM_AWS_CA_CERT_FILE")
  # Log in to Backup for AWS exactly as its documentation shows.
  "${c[@]}" -H 'x-api-version: 1.7-rev0' \
    -d grant_type=password -d username="$VEEAM_AWS_USERNAME" --data-urlencode password="$VEEAM_AWS_PASSWORD" \
    "$VEEAM_AWS_HOST/api/v1/token" >/dev/null
  # Move the emulator's clock past the access token's lifetime (no sleeping),
  # then read what the emulator served.
  "${c[@]}" -X POST "$VEEAM_AWS_HOST/emulator/clock/advance?seconds=3600" >/dev/null
  "${c[@]}" "$VEEAM_AWS_HOST/emulator/counters?product=aws"
  echo
}

if [ $# -gt 0 ]; then
  "$@"
else
  smoke
fi
