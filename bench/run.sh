#!/usr/bin/env bash
# The benchmarks: plan, apply and drift of three org sizes. For each size: a generated org
# (tests/emulator/genorg.js) and the repository that manages it
# (bench/org-manifest.js), served by the emulator at --latency-ms 50.
#
#   bench/run.sh [--runs N] [--out FILE] [--smoke] [S|M|L]...   (default: S M L)
#
# prismsync (build/prismsync, built if missing), each the median of N runs
# (default 3), the org reset (POST /__emulator/state) before every run:
#   plan with no changes, plan with 10% of instances and 5% of integrations
#   changed, apply of that change, drift after the apply:
#   wall time, API requests (the emulator's counters), peak RSS.
# Then apply again under --rate-limit 20: the request rate it achieves and
# whether any change failed.
# The baseline, bench/prism-baseline.sh (real prism CLI calls, one after
# another): run in full on S; on M its check phase in full and a sample of
# the changes, extrapolated per call kind; on L extrapolated from S and M.
# With L: a callgrind profile of plan (no changes).
# Writes bench/RESULTS.md (or FILE) through bench/report.js.
#
# --smoke: one run, the baseline reduced to a few prism calls, no profile;
# writes build/bench-smoke.md unless --out is given. scripts/test.sh runs
# `bench/run.sh --smoke S`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
runs=3
out=""
smoke=0
sizes=()
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--smoke) smoke=1; runs=1; shift ;;
	S | M | L) sizes+=("$1"); shift ;;
	*) echo "usage: bench/run.sh [--runs N] [--out FILE] [--smoke] [S|M|L]..." >&2; exit 64 ;;
	esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(S M L)
if [ -z "$out" ]; then
	if [ "$smoke" = 1 ]; then out=build/bench-smoke.md; else out=bench/RESULTS.md; fi
fi
rate_limit=20
latency=50

for tool in node curl jq bc /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is needed (scripts/deps.sh)" >&2; exit 1; }
done
bin=$repo/build/prismsync
if [ ! -x "$bin" ]; then
	echo "bench: building build/prismsync" >&2
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build --target prismsync >/dev/null
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/prismsync-bench.XXXXXX")
emu=""
stop_emulator() {
	if [ -n "$emu" ]; then
		kill "$emu" 2>/dev/null || true
		wait "$emu" 2>/dev/null || true
		emu=""
	fi
}
# BENCH_KEEP=1 keeps the raw data (bench/report.js DATA reruns the report).
trap 'stop_emulator; if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: data kept in $tmp" >&2; else rm -rf "$tmp"; fi' EXIT
data=$tmp/data.jsonl
: >"$data"
record() { jq -cn "$@" >>"$data"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
ctl() { # METHOD PATH [BODY-FILE-OR-JSON]
	if [ $# -ge 3 ]; then
		curl -sS -f -X "$1" "$PRISMATIC_URL$2" -H 'Content-Type: application/json' --data-binary "$3"
	else
		curl -sS -f -X "$1" "$PRISMATIC_URL$2"
	fi
}
reset_org() { ctl POST /__emulator/state "@$1" >/dev/null; }
counters_reset() { ctl POST /__emulator/requests/reset >/dev/null; }
requests() { ctl GET /__emulator/requests | jq .total; }

# measure SIZE OP RUN EXPECTED_RC CMD...: one timed prismsync run.
measure() {
	local size=$1 op=$2 run=$3 want=$4
	shift 4
	counters_reset
	local rc=0
	/usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "bench: $size $op exited $rc, expected $want:" >&2
		tail -n 20 "$tmp/err" >&2
		exit 1
	fi
	local wall rss user sys
	read -r wall rss user sys < <(tail -n 1 "$tmp/time")
	local done=null failed=null throttled=null
	if grep -q "Apply complete" "$tmp/err"; then
		done=$(sed -n 's/.*Apply complete: \([0-9]*\) done.*/\1/p' "$tmp/err" | tail -n 1)
		failed=$(sed -n 's/.*Apply complete: [0-9]* done, \([0-9]*\) failed.*/\1/p' "$tmp/err" | tail -n 1)
	fi
	if grep -q "^prismsync: [0-9]* API request" "$tmp/err"; then
		throttled=$(sed -n 's/^prismsync: .* \([0-9]*\) throttled.*/\1/p' "$tmp/err" | tail -n 1)
	fi
	record --arg size "$size" --arg op "$op" --argjson run "$run" --argjson wall "$wall" \
		--argjson rss "$rss" --argjson user "$user" --argjson sys "$sys" --argjson requests "$(requests)" \
		--argjson done "$done" --argjson failed "$failed" --argjson throttled "$throttled" \
		'{kind: "prismsync", $size, $op, $run, $wall, rss_kb: $rss, $user, $sys, $requests, $done, $failed, $throttled}'
	printf 'bench: %s %-6s run %s: %6.2f s %6s requests %6.1f MB\n' "$size" "$op" "$run" "$wall" \
		"$(requests)" "$(echo "scale=1; $rss / 1024" | bc)" >&2
}

record --arg load "$(load)" --arg sizes "${sizes[*]}" --argjson runs "$runs" --argjson smoke "$smoke" \
	--argjson latency "$latency" --argjson rate "$rate_limit" \
	--arg prismsync "$("$bin" --version 2>&1 | head -n 1)" --arg node "$(node --version)" \
	--arg prism "$(HOME=$tmp PRISM_SKIP_NEW_VERSION_CHECK=true tests/prism/node_modules/.bin/prism --version 2>/dev/null | head -n 1)" \
	--arg graphql "$(node -p 'require("./tests/emulator/node_modules/graphql/package.json").version')" \
	--arg date "$(date -u '+%Y-%m-%d %H:%M UTC')" \
	'{kind: "start", $load, $sizes, $runs, $smoke, $latency, $rate, versions: {$prismsync, $node, $prism, $graphql}, $date}'

for size in "${sizes[@]}"; do
	d=$tmp/$size
	mkdir -p "$d"
	echo "bench: size $size (load $(load))" >&2
	node tests/emulator/genorg.js --size "$size" --out "$d/org.json" >/dev/null 2>&1
	node bench/org-manifest.js "$d/org.json" "$d/repo" >/dev/null
	node bench/baseline-input.js "$d/repo/prismsync.yaml" "$d/repo/prismsync-changed.yaml" "$d/baseline-input"
	seed=$d/repo/seed.json
	record --arg size "$size" --argjson org "$(cat "$d/baseline-input/expected.json")" --arg load "$(load)" \
		'{kind: "org", $size, $org, $load}'

	node tests/emulator/server.js --port 0 --seed "$seed" --latency-ms "$latency" \
		>"$d/emu.out" 2>"$d/emu.err" &
	emu=$!
	for _ in $(seq 1 400); do [ -s "$d/emu.out" ] && break; sleep 0.05; done
	PRISMATIC_URL=$(head -n 1 "$d/emu.out" | cut -d= -f2)
	[ -n "$PRISMATIC_URL" ] || { echo "bench: the emulator did not start:" >&2; cat "$d/emu.err" >&2; exit 1; }
	export PRISMATIC_URL PRISM_REFRESH_TOKEN=test-refresh-token
	unset PRISM_ACCESS_TOKEN

	# prismsync at --latency-ms 50, no rate limit.
	for run in $(seq 1 "$runs"); do
		reset_org "$seed"
		measure "$size" plan0 "$run" 0 "$bin" plan -f "$d/repo/prismsync.yaml" --detailed-exitcode --no-color
		measure "$size" plan1 "$run" 2 "$bin" plan -f "$d/repo/prismsync-changed.yaml" --detailed-exitcode --no-color
		measure "$size" apply "$run" 0 "$bin" apply -f "$d/repo/prismsync-changed.yaml" --auto-approve --no-color
		measure "$size" drift "$run" 0 "$bin" drift -f "$d/repo/prismsync-changed.yaml" --no-color
	done

	# apply under --rate-limit 20 (-v: the client's count of 429s).
	for run in $(seq 1 "$runs"); do
		reset_org "$seed"
		ctl POST /__emulator/config "{\"rate_limit\": $rate_limit}" >/dev/null
		sleep 1.5 # a full bucket for every run
		measure "$size" rate "$run" 0 "$bin" apply -f "$d/repo/prismsync-changed.yaml" --auto-approve --no-color -v
		ctl POST /__emulator/config '{"rate_limit": 0}' >/dev/null
	done

	# The prism CLI baseline.
	reset_org "$seed"
	case "$smoke:$size" in
	1:*) mode=smoke; limits=(--max-exports 1 --max-integrations 1 --max-instances 1) ;;
	0:S) mode=full; limits=() ;;
	0:M) mode=sample; limits=(--max-integrations 1 --max-instances 10) ;;
	*) mode=extrapolated; limits=() ;;
	esac
	verified=null
	if [ "$mode" != extrapolated ]; then
		echo "bench: $size prism CLI baseline ($mode)" >&2
		bench/prism-baseline.sh --url "$PRISMATIC_URL" --input "$d/baseline-input" --out "$d/baseline" "${limits[@]}"
		if [ "$mode" = full ]; then
			# The baseline did the same work: prismsync finds nothing left to do.
			verified=true
			"$bin" plan -f "$d/repo/prismsync-changed.yaml" --detailed-exitcode --no-color >"$tmp/out" 2>&1 || verified=false
		fi
		cp "$d/baseline-input/expected.json" "$d/baseline/"
	fi
	record --arg size "$size" --arg mode "$mode" --arg dir "$d/baseline" --argjson verified "$verified" \
		'{kind: "baseline", $size, $mode, $dir, $verified}'

	# Where the time of plan goes, on the largest size.
	if [ "$smoke" = 0 ] && [ "$size" = L ]; then
		reset_org "$seed"
		echo "bench: $size callgrind profile of plan" >&2
		valgrind --tool=callgrind --callgrind-out-file="$d/callgrind.out" \
			"$bin" plan -f "$d/repo/prismsync.yaml" --no-color >/dev/null 2>"$d/callgrind.err"
		callgrind_annotate "$d/callgrind.out" 2>/dev/null >"$d/callgrind.txt"
		record --arg size "$size" --arg file "$d/callgrind.txt" '{kind: "profile", $size, $file}'
	fi
	stop_emulator
done
record --arg load "$(load)" '{kind: "end", $load}'
node bench/report.js "$data" >"$out"
echo "bench: wrote $out" >&2
