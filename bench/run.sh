#!/usr/bin/env bash
# The benchmarks: plan, apply and drift of three org sizes. For each size: a generated org
# (tests/emulator/genorg.js) and the repository that manages it
# (bench/org-manifest.js), served by the emulator at --latency-ms 50.
#
#   bench/run.sh [--runs N] [--rate-runs N] [--out FILE] [--smoke] [--no-baseline]
#                [--no-profile] [S|M|L]...   (default: S M L)
#
# prismsync (build/prismsync, built if missing), each the median of N runs
# (default 3), the org reset (POST /__emulator/state) before every run:
#   plan with no changes, plan with 10% of instances and 5% of integrations
#   changed, apply of that change, drift after the apply:
#   wall time, API requests (the emulator's counters), peak RSS.
# The floor of a no-change plan, in the same run against the same emulator:
# the read requests that plan sent (captured with PRISMSYNC_READ_LOG), sent
# again by curl --parallel with prismsync's read bound (--read-parallelism's
# default), after the same reset as every prismsync run; the report prints
# plan's wall time as a multiple of it. The same
# plan and floor again at --latency-ms 200 (a distant region), and plan at
# --read-parallelism 4, 8, 16 and 32 (what the default was chosen from).
# Then apply again under --rate-limit 20 (--rate-runs N times, default 1):
# the request rate it achieves and whether any change failed; once with
# apply's default --batch-size (batching on) and once with --batch-size 1
# (off), when this prismsync has --batch-size.
# --no-baseline skips the prism CLI baseline (minutes on M; L is
# extrapolated from S and M), --no-profile the callgrind profile of L: with
# both, `bench/run.sh --no-baseline --no-profile L` takes about 10 minutes.
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
rate_runs=1
out=""
smoke=0
baseline=1
profile=1
sizes=()
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--rate-runs) rate_runs=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--smoke) smoke=1; runs=1; shift ;;
	--no-baseline) baseline=0; shift ;;
	--no-profile) profile=0; shift ;;
	S | M | L) sizes+=("$1"); shift ;;
	*) echo "usage: bench/run.sh [--runs N] [--rate-runs N] [--out FILE] [--smoke] [--no-baseline] [--no-profile] [S|M|L]..." >&2; exit 64 ;;
	esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(S M L)
if [ -z "$out" ]; then
	if [ "$smoke" = 1 ]; then out=build/bench-smoke.md; else out=bench/RESULTS.md; fi
fi
rate_limit=20
latency=50
far_latency=200

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

# The read bound prismsync uses by default (--read-parallelism), which the floor's curl gets too;
# an older prismsync without it reads with --parallelism's 4.
read_par=$("$bin" plan --help | tr '\n' ' ' | sed -n 's/.*--read-parallelism N[^(]*(default \([0-9]*\)).*/\1/p')
[ -n "$read_par" ] || read_par=4
# Batching on and off for the rate-limited apply, when apply has --batch-size.
has_batch=false
"$bin" apply --help | grep -q -- '--batch-size' && has_batch=true
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
dirty=false
[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || dirty=true

# floor SIZE OP RUN READS CONCURRENCY: the reads (one JSON body a line) sent by curl --parallel.
floor() {
	local size=$1 op=$2 run=$3 reads=$4 par=$5 dir=$tmp/floor
	rm -rf "$dir"
	mkdir -p "$dir"
	local token
	token=$(curl -sS -f -X POST "$PRISMATIC_URL/auth/refresh" -H 'Content-Type: application/json' \
		--data-binary "{\"refresh_token\": \"$PRISM_REFRESH_TOKEN\"}" | jq -r .access_token)
	local i=0
	: >"$dir/curl.conf"
	while IFS= read -r body; do
		i=$((i + 1))
		printf '%s' "$body" >"$dir/req-$i.json"
		{
			echo "next"
			echo "url = \"$PRISMATIC_URL/api\""
			echo "header = \"Content-Type: application/json\""
			echo "header = \"Authorization: Bearer $token\""
			echo "data-binary = \"@$dir/req-$i.json\""
			echo "output = \"/dev/null\""
			echo "write-out = \"%{http_code}\\n\""
		} >>"$dir/curl.conf"
	done <"$reads"
	sed -i '1d' "$dir/curl.conf" # no "next" before the first
	counters_reset
	local t0 t1
	t0=$(date +%s%N)
	curl -sS --parallel --parallel-immediate --parallel-max "$par" -K "$dir/curl.conf" >"$dir/codes" \
		2>"$dir/stderr" || { echo "bench: curl failed:" >&2; tail -n 5 "$dir/stderr" >&2; exit 1; }
	t1=$(date +%s%N)
	local failed
	failed=$(grep -vc '^200$' "$dir/codes" || true)
	local wall
	wall=$(echo "scale=3; ($t1 - $t0) / 1000000000" | bc)
	record --arg size "$size" --arg op "$op" --argjson run "$run" --argjson wall "$wall" \
		--argjson requests "$(requests)" --argjson sent "$i" --argjson failed "$failed" --argjson par "$par" \
		'{kind: "floor", $size, $op, $run, $wall, $requests, $sent, $failed, $par}'
	printf 'bench: %s %-6s run %s: %6.2f s %6s requests (curl --parallel-max %s)\n' "$size" "$op" "$run" \
		"$wall" "$i" "$par" >&2
}

record --arg load "$(load)" --arg sizes "${sizes[*]}" --argjson runs "$runs" --argjson smoke "$smoke" \
	--argjson latency "$latency" --argjson rate "$rate_limit" --argjson far "$far_latency" \
	--argjson rate_runs "$rate_runs" --argjson baseline "$baseline" --argjson read_par "$read_par" \
	--argjson has_batch "$has_batch" --arg commit "$commit" --argjson dirty "$dirty" \
	--arg prismsync "$("$bin" --version 2>&1 | head -n 1)" --arg node "$(node --version)" \
	--arg prism "$(HOME=$tmp PRISM_SKIP_NEW_VERSION_CHECK=true tests/prism/node_modules/.bin/prism --version 2>/dev/null | head -n 1)" \
	--arg graphql "$(node -p 'require("./tests/emulator/node_modules/graphql/package.json").version')" \
	--arg date "$(date -u '+%Y-%m-%d %H:%M UTC')" \
	'{kind: "start", $load, $sizes, $runs, $smoke, $latency, $rate, $far, $rate_runs, $baseline, $read_par, $has_batch, $commit, $dirty, versions: {$prismsync, $node, $prism, $graphql}, $date}'

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

	# The floor: the reads of a no-change plan, captured, then sent by curl at the same bound.
	reset_org "$seed"
	rm -f "$d/reads.jsonl"
	PRISMSYNC_READ_LOG=$d/reads.jsonl "$bin" plan -f "$d/repo/prismsync.yaml" --no-color >/dev/null 2>&1 ||
		{ echo "bench: $size: the plan that captures the reads failed" >&2; exit 1; }
	for run in $(seq 1 "$runs"); do
		reset_org "$seed" # as before every prismsync run: both sides meet the same emulator
		floor "$size" floor "$run" "$d/reads.jsonl" "$read_par"
	done

	# A distant region: plan and its floor with every answer $far_latency ms late.
	ctl POST /__emulator/config "{\"latency_ms\": $far_latency}" >/dev/null
	for run in $(seq 1 "$runs"); do
		reset_org "$seed"
		measure "$size" plan0far "$run" 0 "$bin" plan -f "$d/repo/prismsync.yaml" --detailed-exitcode --no-color
		reset_org "$seed"
		floor "$size" floorfar "$run" "$d/reads.jsonl" "$read_par"
	done
	ctl POST /__emulator/config "{\"latency_ms\": $latency}" >/dev/null

	# What the default --read-parallelism was chosen from.
	if [ "$smoke" = 0 ] && "$bin" plan --help | grep -q -- --read-parallelism; then
		for rp in 4 8 16 32; do
			for run in $(seq 1 "$runs"); do
				reset_org "$seed"
				measure "$size" "plan0rp$rp" "$run" 0 "$bin" plan -f "$d/repo/prismsync.yaml" \
					--detailed-exitcode --no-color --read-parallelism "$rp"
			done
		done
	fi

	# apply under --rate-limit 20 (-v: the client's count of 429s), batching on (apply's
	# default --batch-size) and off (--batch-size 1) when prismsync batches.
	batch_modes=(rate)
	[ "$has_batch" = false ] || batch_modes=(rate rate_nobatch)
	for mode in "${batch_modes[@]}"; do
		extra=()
		[ "$mode" = rate ] || extra=(--batch-size 1)
		for run in $(seq 1 "$rate_runs"); do
			reset_org "$seed"
			ctl POST /__emulator/config "{\"rate_limit\": $rate_limit}" >/dev/null
			sleep 1.5 # a full bucket for every run
			measure "$size" "$mode" "$run" 0 "$bin" apply -f "$d/repo/prismsync-changed.yaml" --auto-approve \
				--no-color -v "${extra[@]}"
			ctl POST /__emulator/config '{"rate_limit": 0}' >/dev/null
		done
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
	[ "$baseline" = 1 ] || mode=skipped
	if [ "$mode" != extrapolated ] && [ "$mode" != skipped ]; then
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
	if [ "$smoke" = 0 ] && [ "$profile" = 1 ] && [ "$size" = L ]; then
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
