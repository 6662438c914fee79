#!/bin/sh
# apply killed (SIGKILL) while it waits for a published version, then run
# again: the version that was published but is not available yet is waited
# for, not published a second time. Both with `version: latest` and with
# the instances pinned to the version being published.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 300
ps apply --auto-approve
expect_rc 0 "initial apply (version 1 of each integration)"

# kill_during_wait: starts apply, kills it once Order Export's publish was
# sent (the version is made, not yet available), removes the lock it leaves.
kill_during_wait() {
	requests_reset
	"$PRISMSYNC" apply -f "$REPO/prismsync.yaml" --auto-approve >"$TMP/killed.out" 2>"$TMP/killed.err" &
	pid=$!
	for _ in $(seq 1 400); do
		[ "$(ctl GET /__emulator/requests | jq '.by_field.publishIntegration // 0')" -gt 0 ] && break
		sleep 0.02
	done
	sleep 0.1 # the answer is back: the version exists
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	lock=$(lock_id)
	[ -z "$lock" ] || "$PRISMSYNC" apply --force-unlock "$lock" >/dev/null 2>&1
	state
	expect_eq "$(sq '.integrations[] | select(.name == "Order Export") | [.versions[] | select(.versionIsAvailable == false)] | length')" "1" "$1: killed with a version published and not yet available"
}

# --- version: latest --------------------------------------------------------
ctl POST /__emulator/config '{"publish_delay_ms": 4000}' >/dev/null
edit integrations/orders.yml 's/timeout: {type: value, value: "30"}/timeout: {type: value, value: "41"}/'
kill_during_wait latest
ps plan --format json
expect_eq "$(jq -r '[.changes[] | select(.address == "integration.Order Export") | .action] | join(",")' "$TMP/out")" "publish" "the plan waits for the version, imports nothing"
ps plan
expect_in out "\\^ publish as version 2 \\(already published by an earlier run: waits until it is available\\)" "and says so"
ps apply --auto-approve
expect_rc 0 "the re-run"
expect_in err "waiting for integration.Order Export version 2|integration.Order Export: published" "it waits for version 2"
state
expect_eq "$(sq '.integrations[] | select(.name == "Order Export") | [.versions[].versionNumber] | join(",")')" "1,2" "one version published, not two"
expect_eq "$(sq '[.instances[] | select(.needsDeploy == false and .deployedVersion == 2)] | length')" "2" "its instances run it"
ps plan --detailed-exitcode
expect_rc 0 "converged"

# --- pinned to the version being published ------------------------------------
edit integrations/orders.yml 's/value: "41"}/value: "42"}/'
awk '/integration: Order Export/ {print; print "    version: 3"; next} {print}' "$REPO/prismsync.yaml" >"$TMP/m" && mv "$TMP/m" "$REPO/prismsync.yaml"
kill_during_wait pinned
ps plan
expect_rc 0 "the plan of the re-run is not refused"
expect_not_in err "has no published version 3" "no wrong message about version 3"
ps apply --auto-approve
expect_rc 0 "the re-run with pinned instances"
state
expect_eq "$(sq '.integrations[] | select(.name == "Order Export") | [.versions[].versionNumber] | join(",")')" "1,2,3" "version 3 made once"
expect_eq "$(sq '[.instances[] | select(.needsDeploy == false and .deployedVersion == 3)] | length')" "2" "the pinned instances run version 3"

# --- a pinned version that is published but waits for nothing of this run ----
ctl POST /__emulator/config '{"publish_delay_ms": 60000}' >/dev/null
edit integrations/orders.yml 's/value: "42"}/value: "43"}/'
sed -i 's/    version: 3/    version: 4/' "$REPO/prismsync.yaml"
kill_during_wait "pinned, changed again"
edit integrations/orders.yml 's/value: "43"}/value: "44"}/'
ps plan
expect_rc 1 "version 4 pinned while the manifest changes the definition again"
expect_in err "version 4 of integration 'Order Export' is published but not available yet" "the message says what is the matter"
finish
