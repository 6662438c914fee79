#!/bin/sh
# apply interrupted while it makes changes: the first SIGINT (or SIGTERM)
# stops starting changes and lets the one in flight finish, says so, and
# the summary and exit status say what was not started; a second SIGINT
# stops it at once. Either way a re-run converges with no duplicate.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

count() { ctl GET /__emulator/requests | jq -r ".by_field.$1 // 0"; }

# start_apply: apply one change at a time in the background ($pid), output in $TMP/bg.*.
start_apply() {
	"$PRISMSYNC" apply -f "$REPO/prismsync.yaml" --auto-approve --parallelism 1 --batch-size 1 \
		>"$TMP/bg.out" 2>"$TMP/bg.err" &
	pid=$!
}

# wait_for_create: until the first createInstance request reached the server (at most 20 s).
wait_for_create() {
	n=0
	while [ "$(count createInstance)" = 0 ] && [ "$n" -lt 400 ]; do
		sleep 0.05
		n=$((n + 1))
	done
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

check_converges() {
	ps apply --auto-approve
	expect_rc 0 "$1: a re-run finishes the job"
	ps plan --detailed-exitcode
	expect_rc 0 "$1: converged"
	state
	expect_eq "$(sq '.instances | length')" "4" "$1: four instances, no duplicate"
	expect_eq "$(sq '[.customers[].externalId] | length')" "2" "$1: two customers, no duplicate"
}

# --- the first SIGINT: the create in flight (answered 3 s late) finishes, nothing else starts.
emu_start --publish-delay-ms 100 --latency-ms 20
fault '{"match":"createInstance","delay_ms":3000,"times":1}'
start_apply
wait_for_create
t0=$(now_ms)
kill -INT "$pid"
wait "$pid"
rc=$?
ms=$(($(now_ms) - t0))
cp "$TMP/bg.err" "$TMP/err"
expect_rc 130 "exit status 130 after SIGINT"
expect_in err "interrupted: starting no new changes; waiting for those in flight to finish" "the interrupt is acknowledged at once"
expect_in err "^\\[[0-9]+/[0-9]+\\] \\+ instance\\.[a-z]+/[A-Za-z]+: created" "the create in flight finished"
expect_in err "^Apply interrupted: [0-9]+ done, 0 failed, 0 blocked, [1-9][0-9]* not started\\. Run apply again to finish\\.$" "the summary says what was left undone"
expect_in err ": not started$" "each change left undone is named"
expect_not_in err "FAILED" "nothing failed"
expect_eq "$(count createInstance)" "1" "no other create started after the interrupt"
if [ "$ms" -ge 1500 ]; then ok; else bad "apply exited $ms ms after SIGINT: it did not wait for the create in flight"; fi
faults_reset
state
expect_eq "$(sq '.instances | length')" "1" "the interrupted create was made"
check_converges "after SIGINT"

# --- SIGTERM is the same as the first SIGINT.
emu_start --publish-delay-ms 100 --latency-ms 20
fault '{"match":"createInstance","delay_ms":1000,"times":1}'
start_apply
wait_for_create
kill -TERM "$pid"
wait "$pid"
rc=$?
cp "$TMP/bg.err" "$TMP/err"
expect_rc 143 "exit status 143 after SIGTERM"
expect_in err "^Apply interrupted: [0-9]+ done, 0 failed, 0 blocked, [1-9][0-9]* not started" "SIGTERM: the summary"
faults_reset
check_converges "after SIGTERM"

# --- a second SIGINT stops at once, in the middle of a create answered 10 s late.
emu_start --publish-delay-ms 100 --latency-ms 20
fault '{"match":"createInstance","delay_ms":10000,"times":1}'
start_apply
wait_for_create
t0=$(now_ms)
kill -INT "$pid"
sleep 0.3
kill -INT "$pid"
wait "$pid"
rc=$?
ms=$(($(now_ms) - t0))
cp "$TMP/bg.err" "$TMP/err"
expect_rc 130 "killed by the second SIGINT"
expect_in err "interrupted again: stopping now" "the second interrupt is acknowledged"
expect_not_in err "^Apply " "no summary: it stopped at once"
if [ "$ms" -lt 5000 ]; then ok; else bad "apply took $ms ms to stop after the second SIGINT"; fi
faults_reset
# Stopped at once, it left its lock, and says how to remove it.
lock=$(lock_id)
expect_in err "the apply lock $lock stays: remove it with 'prismsync apply --force-unlock $lock'" "the second interrupt names the lock it leaves"
ps apply --force-unlock "$lock"
expect_rc 0 "--force-unlock"
check_converges "after two SIGINTs"
finish
