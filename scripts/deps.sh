#!/usr/bin/env bash
# Installs what building and testing prismsync needs, and only what is
# missing: Debian packages with apt-get, and the npm packages of every
# test tool under tests/ with `npm ci` (pinned by their package-lock.json).
# Safe to run again; a second run changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc clang cmake ninja-build pkg-config git curl jq
	libyaml-dev libcurl4-openssl-dev libjson-c-dev libgit2-dev libcmocka-dev tzdata)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "deps: Node.js 20 and npm are needed for the emulator and test tools; install Node.js 20 (it ships npm)" >&2
	exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
	echo "deps: Node.js $(node --version) is too old; 20 or newer is needed" >&2
	exit 1
fi

for lock in tests/*/package-lock.json; do
	[ -e "$lock" ] || continue
	dir=$(dirname "$lock")
	# npm ci records the lock it installed in node_modules/.package-lock.json.
	if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$lock" -nt "$dir/node_modules/.package-lock.json" ]; then
		echo "deps: npm ci in $dir"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
	fi
done
