#!/usr/bin/env bash
# Apply of one size's change under the emulator's --rate-limit (what limits an
# apply against a real organization is the request count, not latency): the
# same org and change as bench/run.sh, one timed run per --batch-size given.
#
#   bench/apply_rate.sh [--size S|M|L] [--rate RPS] [--latency MS] BATCH_SIZE...
#
# Prints, per batch size: wall time, requests to /api (and 429 answers),
# requests by root field (a request of several aliases counts once), changes
# done and failed; then whether a plan finds anything left and whether any
# instance exists twice. Default: --size L --rate 20 --latency 50, batch
# sizes 1 and the default. Not part of ctest: its figures depend on the
# machine.
set -euo pipefail
cd "$(dirname "$0")/.."
size=L rate=20 latency=50
sizes=()
while [ $# -gt 0 ]; do
	case "$1" in
	--size) size=$2; shift 2 ;;
	--rate) rate=$2; shift 2 ;;
	--latency) latency=$2; shift 2 ;;
	[0-9]* | default) sizes+=("$1"); shift ;;
	*) echo "usage: bench/apply_rate.sh [--size S|M|L] [--rate RPS] [--latency MS] BATCH_SIZE..." >&2; exit 64 ;;
	esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1 default)
bin=$(pwd)/build/prismsync
[ -x "$bin" ] || { echo "bench: build build/prismsync first" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/prismsync-rate.XXXXXX")
emu=""
trap '[ -z "$emu" ] || kill "$emu" 2>/dev/null; rm -rf "$tmp"' EXIT
node tests/emulator/genorg.js --size "$size" --out "$tmp/org.json" >/dev/null 2>&1
node bench/org-manifest.js "$tmp/org.json" "$tmp/repo" >/dev/null
node tests/emulator/server.js --port 0 --seed "$tmp/repo/seed.json" --latency-ms "$latency" \
	>"$tmp/emu.out" 2>"$tmp/emu.err" &
emu=$!
for _ in $(seq 1 400); do [ -s "$tmp/emu.out" ] && break; sleep 0.05; done
PRISMATIC_URL=$(head -n 1 "$tmp/emu.out" | cut -d= -f2)
export PRISMATIC_URL PRISM_REFRESH_TOKEN=test-refresh-token
unset PRISM_ACCESS_TOKEN
ctl() { curl -sS -f -X "$1" "$PRISMATIC_URL$2" -H 'Content-Type: application/json' ${3:+--data-binary "$3"}; }

echo "size $size, --rate-limit $rate, --latency-ms $latency, load $(cut -d' ' -f1-3 /proc/loadavg)"
for bs in "${sizes[@]}"; do
	ctl POST /__emulator/state "@$tmp/repo/seed.json" >/dev/null
	ctl POST /__emulator/config "{\"rate_limit\": $rate}" >/dev/null
	ctl POST /__emulator/requests/reset >/dev/null
	sleep 1.5 # a full bucket
	args=()
	[ "$bs" = default ] || args=(--batch-size "$bs")
	start=$(date +%s.%N)
	rc=0
	"$bin" apply -f "$tmp/repo/prismsync-changed.yaml" --auto-approve --no-color -v "${args[@]}" \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
	end=$(date +%s.%N)
	ctl POST /__emulator/config '{"rate_limit": 0}' >/dev/null
	counts=$(ctl GET /__emulator/requests)
	total=$(echo "$counts" | jq .total)
	mutations=$(echo "$counts" | jq '[.by_field | to_entries[] | select(.key | test("^(create|update|import|publish|deploy|delete)")) | .value] | add')
	throttled=$(grep -c "HTTP 429" "$tmp/err" || true)
	summary=$(grep -E "^Apply " "$tmp/err" | tail -n 1 || true)
	printf 'batch %-7s exit %d  %6.1f s  %5d requests (%d 429s)  %5d with mutations  %s\n' \
		"$bs" "$rc" "$(echo "$end - $start" | bc)" "$total" "$throttled" "$mutations" "$summary"
	echo "  by root field: $(echo "$counts" | jq -c .by_field)"
	prc=0
	"$bin" plan -f "$tmp/repo/prismsync-changed.yaml" --detailed-exitcode --no-color >/dev/null 2>&1 || prc=$?
	ctl GET /__emulator/state >"$tmp/state.json"
	echo "  then: plan --detailed-exitcode exits $prc (0: nothing left to do);" \
		"$(jq '[.instances[] | "\(.customerId)/\(.name)"] | length - (unique | length)' "$tmp/state.json") duplicate instances"
done
