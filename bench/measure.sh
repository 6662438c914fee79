#!/usr/bin/env bash
# Measures prismsync on a generated organization with the emulator at
# --latency-ms 50: plan with nothing to change, plan with 10% of instances
# and 5% of integrations changed, apply of that change, and drift. For each:
# wall time, API requests (the emulator's counters) and peak RSS.
#
#   bench/measure.sh [S|M|L] [--parallelism N] [--rate-limit RPS]
#
# Needs a build in build/ (cmake -S . -B build && cmake --build build).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-S}
shift || true
parallelism=4
rate=""
while [ $# -gt 0 ]; do
	case "$1" in
	--parallelism) parallelism=$2; shift 2 ;;
	--rate-limit) rate="--rate-limit $2"; shift 2 ;;
	*) echo "usage: bench/measure.sh [S|M|L] [--parallelism N] [--rate-limit RPS]" >&2; exit 64 ;;
	esac
done
bin=$(pwd)/build/prismsync
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prismsync-bench.XXXXXX")
emu=""
trap '[ -n "$emu" ] && kill "$emu" 2>/dev/null; rm -rf "$tmp"' EXIT

node tests/emulator/genorg.js --size "$size" --out "$tmp/org.json" >/dev/null 2>&1
node bench/org-manifest.js "$tmp/org.json" "$tmp/repo" >/dev/null
# shellcheck disable=SC2086
node tests/emulator/server.js --port 0 --seed "$tmp/repo/seed.json" --latency-ms 50 \
	--publish-delay-ms 500 $rate >"$tmp/emu.out" 2>"$tmp/emu.err" &
emu=$!
for _ in $(seq 1 200); do [ -s "$tmp/emu.out" ] && break; sleep 0.05; done
export PRISMATIC_URL=$(head -n 1 "$tmp/emu.out" | cut -d= -f2)
export PRISM_REFRESH_TOKEN=test-refresh-token

measure() { # NAME CMD...
	local name=$1
	shift
	curl -sS -X POST "$PRISMATIC_URL/__emulator/requests/reset" >/dev/null
	set +e
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	set -e
	read -r wall rss <"$tmp/time"
	local requests
	requests=$(curl -sS "$PRISMATIC_URL/__emulator/requests" | jq .total)
	printf '%-24s exit %-3s %8.2f s %7s requests %8.1f MB\n' "$name" "$rc" "$wall" "$requests" \
		"$(awk -v r="$rss" 'BEGIN { printf "%.1f", r / 1024 }')"
	tail -n 1 "$tmp/err" | grep -E "Apply|failed" || true
}

echo "size $size, parallelism $parallelism${rate:+, $rate}, emulator latency 50 ms"
measure "plan (no changes)" "$bin" plan -f "$tmp/repo/prismsync.yaml" --detailed-exitcode --parallelism "$parallelism"
measure "plan (10% changed)" "$bin" plan -f "$tmp/repo/prismsync-changed.yaml" --parallelism "$parallelism"
measure "apply (10% changed)" "$bin" apply -f "$tmp/repo/prismsync-changed.yaml" --auto-approve --parallelism "$parallelism"
measure "drift (after apply)" "$bin" drift -f "$tmp/repo/prismsync-changed.yaml" --parallelism "$parallelism"
