#!/bin/sh
# Reads have their own bound, --read-parallelism, apart from --parallelism
# (the changes apply makes at once): with every answer 300 ms late, a plan
# of an org whose instances take 15 pages needs at least one round trip per
# request at --read-parallelism 1, and less than half of that by default,
# whatever --parallelism says. A bad value is a usage error.
# PRISMSYNC_READ_LOG (what bench/run.sh replays for its floor) records every
# read and no write.
. "$(dirname "$0")/lib.sh"

LATENCY=300
SRC=$(cd "$(dirname "$0")/../.." && pwd)

genorg "$TMP/org.json" --integrations 4 --instances 1500 --customers 400 --versions 1
"$NODE" "$SRC/bench/org-manifest.js" "$TMP/org.json" "$TMP/repo" >/dev/null
emu_start --seed "$TMP/repo/seed.json" --latency-ms "$LATENCY"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# timed_plan ARGS...: a no-change plan, its wall time in $ms, its requests in $req.
timed_plan() {
	requests_reset
	t0=$(now_ms)
	run "$PRISMSYNC" plan -f "$TMP/repo/prismsync.yaml" --detailed-exitcode --no-color "$@"
	ms=$(($(now_ms) - t0))
	req=$(requests_total)
}

timed_plan --read-parallelism 1 --parallelism 8
expect_rc 0 "plan --read-parallelism 1: no changes"
serial=$ms serial_req=$req
# One request at a time: every request is a round trip of its own.
if [ "$serial" -ge $((serial_req * LATENCY)) ]; then ok; else
	bad "--read-parallelism 1 took $serial ms for $serial_req requests of $LATENCY ms each"
fi

timed_plan --parallelism 1
expect_rc 0 "plan (default --read-parallelism): no changes"
if [ "$req" -eq "$serial_req" ]; then ok; else
	bad "the same plan sent $req requests by default and $serial_req one at a time"
fi
# --parallelism 1 does not hold reads back: the 15 pages of instances go at once.
if [ $((ms * 2)) -le "$serial" ]; then ok; else
	bad "default --read-parallelism took $ms ms, not half of $serial ms one at a time"
fi

timed_plan --read-parallelism 4
expect_rc 0 "plan --read-parallelism 4: no changes"
if [ "$ms" -lt "$serial" ]; then ok; else
	bad "--read-parallelism 4 took $ms ms, no less than $serial ms one at a time"
fi

# PRISMSYNC_READ_LOG (for the benchmark's floor): the body of every read, one a line, no token.
requests_reset
run env PRISMSYNC_READ_LOG="$TMP/reads.jsonl" "$PRISMSYNC" plan -f "$TMP/repo/prismsync.yaml" --no-color
expect_rc 0 "plan with PRISMSYNC_READ_LOG"
expect_eq "$(wc -l <"$TMP/reads.jsonl" | tr -d ' ')" "$(requests_total)" "one line per request"
expect_eq "$(jq -r '.query | startswith("query")' "$TMP/reads.jsonl" | sort -u)" true "each line a query"
if grep -q "test-refresh-token\|Bearer" "$TMP/reads.jsonl"; then bad "a token in the read log"; else ok; fi
# apply records its reads, never a mutation (whose variables may be secrets).
ctl POST /__emulator/config '{"latency_ms": 0}' >/dev/null
rm -f "$TMP/reads.jsonl"
run env PRISMSYNC_READ_LOG="$TMP/reads.jsonl" "$PRISMSYNC" apply -f "$TMP/repo/prismsync-changed.yaml" \
	--auto-approve --no-color
expect_rc 0 "apply with PRISMSYNC_READ_LOG"
if grep -q '"query":"mutation' "$TMP/reads.jsonl"; then bad "a mutation in the read log"; else ok; fi

for bad_value in 0 65 x; do
	run "$PRISMSYNC" plan -f "$TMP/repo/prismsync.yaml" --read-parallelism "$bad_value"
	expect_rc 64 "--read-parallelism $bad_value"
	expect_in err "--read-parallelism takes a whole number from 1 to 64, not '$bad_value'" \
		"--read-parallelism $bad_value names the problem"
done
run "$PRISMSYNC" validate -f "$TMP/repo/prismsync.yaml" --read-parallelism 4
expect_rc 64 "validate reads nothing from the organization: no --read-parallelism"

finish
