#!/bin/sh
# Measures apply (not part of ctest: its figures depend on the machine).
#
#   tests/integration/measure_apply.sh BUILD_DIR [INSTANCES]
#
# Applies testdata/reconcile and a generated manifest (10 customers, the two
# test integrations, INSTANCES instances, default 200) to an empty emulator
# at --latency-ms 50 with --parallelism 1, 4 and 8, then the generated one
# with --parallelism 8 under --rate-limit 20, and prints wall time, requests
# to /api and the request rate.
set -u
build=${1:?usage: measure_apply.sh BUILD_DIR [INSTANCES]}
ninst=${2:-200}
here=$(cd "$(dirname "$0")" && pwd)
export PRISMSYNC="$build/prismsync" APIDRIVER="$build/tests/integration/apidriver"
export EMULATOR_DIR="$here/../emulator" NODE=${NODE:-node}
. "$here/lib.sh"
. "$here/reconcile_lib.sh"

cp "$REPO/prismsync.yaml" "$TMP/small.yaml"
{
	echo "version: 1"
	echo "owner: bench"
	echo "customers:"
	c=1
	while [ "$c" -le 10 ]; do
		echo "  - externalId: c$c"
		echo "    name: Customer $c"
		c=$((c + 1))
	done
	echo "integrations:"
	echo "  - definition: integrations/returns.yml"
	echo "  - definition: integrations/orders.yml"
	echo "instances:"
	i=1
	while [ "$i" -le "$ninst" ]; do
		echo "  - name: Returns $i"
		echo "    customer: c$((i % 10 + 1))"
		echo "    integration: Return Intake"
		echo "    description: instance $i"
		i=$((i + 1))
	done
} >"$TMP/large.yaml"

# measure NAME MANIFEST PARALLELISM [server.js args...]
measure() {
	name=$1 manifest=$2 par=$3
	shift 3
	emu_start --publish-delay-ms 100 "$@"
	cp "$manifest" "$REPO/prismsync.yaml"
	ps plan --format json
	changes=$(jq '.changes | length' "$TMP/out")
	requests_reset
	start=$(date +%s.%N)
	ps apply --auto-approve --parallelism "$par" -v
	end=$(date +%s.%N)
	result=$(grep -E "^Apply " "$TMP/err" | tail -n 1)
	total=$(requests_total)
	throttled=$(grep -c "HTTP 429" "$TMP/err")
	awk -v n="$name" -v p="$par" -v c="$changes" -v s="$start" -v e="$end" -v r="$total" \
		-v t="$throttled" -v res="$result" -v a="$*" 'BEGIN {
		w = e - s
		printf "%-9s %-34s p=%d %4d changes %6.2f s %4d requests (%3d 429s) %6.1f req/s, %6.1f accepted/s  %s\n",
			n, a, p, c, w, r, t, r / w, (r - t) / w, res
	}'
}

for p in 1 4 8; do
	measure testdata "$TMP/small.yaml" "$p" --latency-ms 50
done
for p in 1 4 8; do
	measure generated "$TMP/large.yaml" "$p" --latency-ms 50
done
measure generated "$TMP/large.yaml" 8 --rate-limit 20
measure generated "$TMP/large.yaml" 8 --rate-limit 20 --latency-ms 50
