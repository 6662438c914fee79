#!/bin/sh
# Measures the live-state fetch on a large org (not part of ctest: it takes
# a while and its figures depend on the machine).
#
#   tests/integration/measure_fetch.sh BUILD_DIR [SIZE]
#
# SIZE is S, M or L (default L: 1,000 integrations, 10,000 instances, 2,000
# customers). Runs the fetch three times with the emulator at --latency-ms 50,
# then once more under --rate-limit 20, and prints requests and wall time.
set -u
build=${1:?usage: measure_fetch.sh BUILD_DIR [SIZE]}
size=${2:-L}
here=$(cd "$(dirname "$0")" && pwd)
export PRISMSYNC="$build/prismsync" APIDRIVER="$build/tests/integration/apidriver"
export EMULATOR_DIR="$here/../emulator" NODE=${NODE:-node}
. "$here/lib.sh"

genorg "$TMP/org.json" --size "$size"
ni=$(jq '.integrations | length' "$TMP/org.json")
nn=$(jq '.instances | length' "$TMP/org.json")
nc=$(jq '.customers | length' "$TMP/org.json")
target=$((4 + (ni + 99) / 100 + (nn + 99) / 100 + (nc + 99) / 100))
echo "org: $ni integrations, $nn instances, $nc customers; target: at most $target requests, under 3 s"

measure() {
	requests_reset
	start=$(date +%s.%N)
	APIDRIVER_QUIET=1 "$APIDRIVER" fetch 2>"$TMP/err"
	rc=$?
	end=$(date +%s.%N)
	printf '%s: exit %d, %s requests, %.2f s wall; %s\n' "$1" "$rc" "$(requests_total)" \
		"$(echo "$end - $start" | bc)" "$(grep '^stats:' "$TMP/err")"
	grep -E '^(error|fetched)' "$TMP/err"
}

emu_start --seed "$TMP/org.json" --latency-ms 50
for i in 1 2 3; do measure "latency 50 ms, run $i"; done
emu_start --seed "$TMP/org.json" --latency-ms 50 --rate-limit 20
measure "latency 50 ms, rate limit 20/s"
