#!/usr/bin/env bash
# Debian packages admon needs beyond Python: a CJK font for report charts, and Chromium, which
# the browser tests drive through Playwright (no browser is ever downloaded by Playwright).
# Idempotent: installs only what is missing. Needs root (as on the project's machines and CI).
set -euo pipefail

missing=()
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
dpkg -s fontconfig >/dev/null 2>&1 || missing+=(fontconfig)
dpkg -s chromium >/dev/null 2>&1 || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "admon: please install the Debian packages: ${missing[*]}" >&2
  exit 1
fi
echo "admon: installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
