#!/bin/sh
# Safe rollouts (manifest 'rollouts:'): waves deployed in order, each
# verified with Test Flow + Get Execution; a failing canary stops the later
# waves and is rolled back (or left, with stop); a verification that never
# ends times out; a killed rollout continues from its wave when run again.
. "$(dirname "$0")/lib.sh"

REPO="$TMP/repo"
SRC_DIR="$(cd "$(dirname "$0")/../.." && pwd)"
cp -r "$SRC_DIR/testdata/rollout" "$REPO"
export NO_COLOR=1
emu_start --publish-delay-ms 100 --execution-ms 200

ps() {
	verb=$1
	shift
	run "$PRISMSYNC" "$verb" -f "$REPO/prismsync.yaml" "$@"
}
state() { ctl GET /__emulator/state >"$TMP/state.json"; }
sq() { jq -r "$1" "$TMP/state.json"; }
# deployed EID: the version the instance Orders of customer EID runs.
deployed() {
	state
	sq ".instances[] | select(.name==\"Orders\" and .customerId==(\"$(sq ".customers[] | select(.externalId==\"$1\") | .id")\")) | .deployedVersion"
}
tests_run() { ctl GET /__emulator/requests | jq -r '.by_field.testInstanceFlowConfig // 0'; }
keep_json() { # keep_json FILE NAME: for the plan schema test
	if [ -n "${PRISMSYNC_JSON_OUT:-}" ] && [ -d "$PRISMSYNC_JSON_OUT" ]; then cp "$1" "$PRISMSYNC_JSON_OUT/$2.json"; fi
}
# new_version N: a definition change, so that the next apply publishes version N.
new_version() {
	sed -i "s/^    description: Every ten minutes.*/    description: Every ten minutes, posts paid orders (release $1)./" "$REPO/integrations/orders.yml"
}

# --- plan shows the waves ---------------------------------------------------
ps plan
expect_rc 0 "plan"
expect_in out "^Rollout of 'Order Export' in 2 waves:" "plan names the rollout"
expect_in out "wave 1 'canary': acme/Orders \(create \+ deploy\)$" "the canary wave and its instance"
expect_in out "wave 2 'everyone': globex/Orders \(create \+ deploy\), initech/Orders \(create \+ deploy\)$" "the rest in the last wave"
ps plan --format json
expect_eq "$(jq -r '[.rollouts[0].waves[] | "\(.name):\([.instances[].address] | join(","))"] | join(" ")' "$TMP/out")" \
	"canary:instance.acme/Orders everyone:instance.globex/Orders,instance.initech/Orders" "JSON plan: waves and instances"
keep_json "$TMP/out" rollout-plan
ps plan --format markdown
expect_in out "wave 1 'canary'" "markdown plan shows the waves"
ps plan --out "$TMP/saved.json"
expect_rc 1 "a plan with waves is not saved (apply PLAN would lose them)"
expect_in err "not saved: a saved plan cannot carry rollout waves" "and says why"
[ ! -e "$TMP/saved.json" ] && ok || bad "the plan file was written"

# --- all waves pass -----------------------------------------------------------
requests_reset
ps apply --auto-approve --report "$TMP/r1.json"
expect_rc 0 "first rollout"
expect_in err "^wave 'canary' of 'Order Export': 1 instance" "the canary wave goes first"
expect_in err "^verified instance.acme/Orders: flow 'Export Paid Orders' ended in SUCCESS" "canary verified"
expect_in err "wave 'canary' passed, wave 'everyone' passed" "summary"
expect_eq "$(tests_run)" "3" "one flow test per instance"
# The canary was verified before the next wave was deployed.
canary_ok=$(grep -n "^verified instance.acme/Orders" "$TMP/err" | cut -d: -f1)
globex_dep=$(grep -n "instance.globex/Orders: deployed" "$TMP/err" | cut -d: -f1)
[ "$canary_ok" -lt "$globex_dep" ] && ok || bad "the everyone wave deployed before the canary was verified"
keep_json "$TMP/r1.json" rollout-report-passed
ps plan --detailed-exitcode
expect_rc 0 "nothing left to do"
expect_in out "nothing to roll out" "no wave acts"

# --- canary fails: rollback restores and verifies; later waves untouched ----
new_version 2
fault '{"execution": {"customer": "acme", "instance": "Orders", "flow": "Export Paid Orders", "status": "ERROR", "error": "ERP answered 500: order T-1 rejected", "version": 2}}'
requests_reset
ps apply --auto-approve --report "$TMP/r2.json"
expect_rc 3 "a failed canary is exit 3"
expect_in err "Verification failed: rollout of 'Order Export', wave 'canary', instance.acme/Orders, flow 'Export Paid Orders', execution [^:]+: ERP answered 500: order T-1 rejected" "summary names wave, instance, flow and error"
expect_in err "^rolled back instance.acme/Orders to version 1" "rolled back"
expect_in err "wave 'canary' rolled_back, wave 'everyone' not_run" "wave statuses"
expect_eq "$(deployed acme)" "1" "the canary runs the previous version again"
expect_eq "$(deployed globex) $(deployed initech)" "1 1" "the later wave was not touched"
expect_eq "$(tests_run)" "2" "the canary was tested, then tested again after the rollback"
expect_eq "$(jq -r '.apply.failures[0] | "\(.wave)|\(.instance)|\(.flow)|\(.error)"' "$TMP/r2.json")" \
	"canary|instance.acme/Orders|Export Paid Orders|ERP answered 500: order T-1 rejected" "the JSON report carries the execution error"
expect_eq "$(jq -r '[.apply.rollouts[0].waves[].status] | join(",")' "$TMP/r2.json")" "rolled_back,not_run" "report: wave statuses"
keep_json "$TMP/r2.json" rollout-report-failed

# --- onFailure: stop leaves the canary as it is --------------------------------
sed -i 's/onFailure: rollback/onFailure: stop/' "$REPO/prismsync.yaml"
ps apply --auto-approve
expect_rc 3 "stop: exit 3"
expect_eq "$(deployed acme)" "2" "stop leaves the canary on the new version"
expect_eq "$(deployed globex) $(deployed initech)" "1 1" "and the later wave untouched"
expect_not_in err "rolled back" "no rollback with stop"
# Run again: the canary runs the new version already, so it is verified
# again before anything else is deployed, and still fails.
ps plan
expect_in out "wave 1 'canary' \(verified again first" "plan says the canary is verified again"
ps apply --auto-approve
expect_rc 3 "the failing canary still stops the rollout"
expect_eq "$(deployed globex) $(deployed initech)" "1 1" "a wave is never deployed after an unverified one"
faults_reset
ps apply --auto-approve
expect_rc 0 "fixed: the rollout completes"
expect_eq "$(deployed acme) $(deployed globex) $(deployed initech)" "2 2 2" "everyone on version 2"

# --- a verification that never ends times out ----------------------------------
# (11 s: long enough to see the progress line that comes at least every 10 s)
sed -i 's/timeout: 20s/timeout: 11s/' "$REPO/prismsync.yaml"
new_version 3
fault '{"execution": {"customer": "acme", "flow": "Export Paid Orders", "status": "HANG"}}'
ps apply --auto-approve --report "$TMP/r3.json"
expect_rc 3 "a hanging verification fails the wave"
expect_in err "did not end within the timeout of 11 s" "the timeout is named"
expect_in err "^still verifying wave 'canary' of 'Order Export': 0 of 1 done; waiting for instance.acme/Orders, flow 'Export Paid Orders' \(1[0-9] s\)" "a progress line while it waits"
expect_eq "$(deployed globex) $(deployed initech)" "2 2" "later waves untouched"
keep_json "$TMP/r3.json" rollout-report-timeout
faults_reset
sed -i 's/timeout: 11s/timeout: 20s/' "$REPO/prismsync.yaml"
ps apply --auto-approve
expect_rc 0 "then it completes"

# --- killed during a wave, then applied again: converges, verified ----------------
new_version 5
ctl POST /__emulator/config '{"execution_ms": 1500}' >/dev/null
"$PRISMSYNC" apply -f "$REPO/prismsync.yaml" --auto-approve >"$TMP/kill.out" 2>"$TMP/kill.err" &
pid=$!
for _ in $(seq 1 200); do
	grep -q "verifying wave 'canary'" "$TMP/kill.err" && break
	sleep 0.05
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
expect_eq "$(deployed acme) $(deployed globex)" "4 3" "killed while verifying the deployed canary"
# A SIGKILL leaves the apply lock behind: removed as its message says.
lock=$(lock_id)
run "$PRISMSYNC" rollback 'Order Export' --customer acme -f "$REPO/prismsync.yaml" --auto-approve
expect_rc 1 "rollback refuses while the killed apply's lock is held"
expect_in err "^prismsync rollback: another apply holds the organization's lock" "and says so"
[ -n "$lock" ] && "$PRISMSYNC" apply --force-unlock "$lock" >/dev/null 2>&1
expect_eq "$(lock_id)" "" "the lock the killed apply left is removed"
ctl POST /__emulator/config '{"execution_ms": 200}' >/dev/null
requests_reset
ps apply --auto-approve
expect_rc 0 "apply again after the kill"
expect_in err "wave 'canary' of 'Order Export' runs the new version already: verifying it again first" "the unverified canary is verified before the next wave"
expect_eq "$(tests_run)" "3" "canary verified again, then the everyone wave"
expect_eq "$(deployed acme) $(deployed globex) $(deployed initech)" "4 4 4" "converged"
ps plan --detailed-exitcode
expect_rc 0 "nothing left"

# --- prismsync rollback: the emergency path -----------------------------------
run "$PRISMSYNC" rollback 'Order Export' --customer acme -f "$REPO/prismsync.yaml" </dev/null
expect_rc 1 "rollback without a terminal needs --auto-approve"
expect_in err "refusing to change the organization without confirmation" "and says so"
expect_eq "$(deployed acme)" "4" "nothing changed"
run "$PRISMSYNC" rollback 'Order Export' --customer acme -f "$REPO/prismsync.yaml" --auto-approve
expect_rc 0 "rollback of the canary"
expect_in out "acme/Orders: version 4 -> 3" "to the version before the newest it runs"
expect_in out "prismsync.yaml:[0-9]+: instance acme/Orders: version: 3" "names the manifest change that keeps it there"
expect_eq "$(deployed acme) $(deployed globex) $(deployed initech)" "3 4 4" "only the customer given"
"$PRISMSYNC" drift -f "$REPO/prismsync.yaml" >"$TMP/out" 2>"$TMP/err"
expect_eq "$?" "2" "drift reports the rolled-back instance until the manifest pins it"
run "$PRISMSYNC" rollback 'Order Export' --to 1 -f "$REPO/prismsync.yaml" --auto-approve
expect_rc 0 "rollback of every instance to version 1"
expect_eq "$(deployed acme) $(deployed globex) $(deployed initech)" "1 1 1" "all on version 1"
run "$PRISMSYNC" rollback 'Order Export' --to 99 --auto-approve
expect_rc 1 "a version that does not exist"
expect_in err "no available published version 99" "is named"

# --- SIGTERM during a rollback: its own name, the lock released -------------
fault '{"match": "integrations", "delay_ms": 1500, "times": 1}'
"$PRISMSYNC" rollback 'Order Export' --to 2 -f "$REPO/prismsync.yaml" --auto-approve \
	>"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_lock
kill -TERM "$pid"
wait "$pid"
expect_eq "$?" "143" "SIGTERM ends rollback by that signal"
expect_in err "^prismsync rollback: interrupted: stopping at the next safe point" "the message names rollback"
expect_not_in err "prismsync apply: interrupted" "not apply"
expect_eq "$(lock_id)" "" "the lock is released"
expect_in err "interrupted before any change; nothing was changed" "and that nothing changed"
expect_eq "$(deployed acme) $(deployed globex) $(deployed initech)" "1 1 1" "nothing was rolled back"

# --- SIGTERM while moving instances: the one in flight finishes, no other starts --
requests_reset
fault '{"match": "updateInstance", "delay_ms": 1500, "times": 1}'
"$PRISMSYNC" rollback 'Order Export' --to 2 -f "$REPO/prismsync.yaml" --auto-approve \
	>"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 1 200); do
	ctl GET /__emulator/requests | grep -q updateInstance && break
	sleep 0.05
done
kill -TERM "$pid"
wait "$pid"
expect_eq "$?" "143" "SIGTERM during the moves ends rollback by that signal"
expect_in err "interrupted: starting no new changes" "the interrupt is acknowledged"
expect_in out "^Rollback interrupted: 1 instance on version 2, 0 failed, 2 not started" "the summary counts what was not started"
expect_eq "$(lock_id)" "" "the lock is released"
expect_eq "$(deployed acme) $(deployed globex) $(deployed initech)" "2 1 1" "only the first instance moved"
faults_reset
finish
