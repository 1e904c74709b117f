#!/usr/bin/env bash
# Makes sure the Debian tools the tests run for real are installed: a real
# pseudo-terminal pair (socat), a real InfluxDB-v2-compatible time-series
# server (victoria-metrics), ... (see scripts/test-packages.txt).
# As root it installs what is missing with apt-get; otherwise it names exactly
# what to install and fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
missing=()
while read -r pkg cmd; do
  [[ -z "${pkg:-}" || "$pkg" == \#* ]] && continue
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done < "$here/test-packages.txt"

if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "test-deps: missing Debian packages: ${missing[*]}" >&2
  echo "test-deps: install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
