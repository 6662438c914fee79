#!/bin/sh
# Publishes wait for the version the plan expects without holding one of
# the --parallelism slots, say what they wait for at least every 10 s, and
# give up cleanly after --publish-timeout; a publish that makes another
# number than planned fails; a deploy counts only when a re-read shows it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

# --- two slow publishes under --parallelism 1: both wait at once
emu_start --publish-delay-ms 12000
start=$(date +%s)
ps apply --auto-approve --parallelism 1
expect_rc 0 "apply with slow publishes"
took=$(($(date +%s) - start))
expect_in err "Apply complete: 15 done, 0 failed, 0 blocked" "every change done"
expect_in err "^waiting for integration.Order Export version 1 to become available \\(1[0-9] s\\)" "a progress line for the first publish"
expect_in err "^waiting for integration.Return Intake version 1 to become available \\(1[0-9] s\\)" "a progress line for the second publish"
# Had the first wait held the only slot, the second publish would have
# started only after the first was published.
first_published=$(grep -n ': published' "$TMP/err" | head -n 1 | cut -d: -f1)
second_waiting=$(grep -n '^waiting for integration.Return Intake' "$TMP/err" | head -n 1 | cut -d: -f1)
if [ -n "$first_published" ] && [ -n "$second_waiting" ] && [ "$second_waiting" -lt "$first_published" ]; then ok; else
	bad "the second publish did not wait alongside the first (lines $second_waiting, $first_published)"
fi
if [ "$took" -lt 22 ]; then ok; else bad "two 12 s publishes took $took s: they did not wait together"; fi
state
expect_eq "$(sq '[.instances[] | select(.needsDeploy == false and .deployedVersion == 1)] | length')" "4" "all deployed at version 1 (checked by a re-read)"

# --- a publish that never becomes available: a clean failure after the timeout
ctl POST /__emulator/config '{"publish_delay_ms": 600000}' >/dev/null
edit integrations/orders.yml 's/timeout: {type: value, value: "30"}/timeout: {type: value, value: "40"}/'
ps apply --auto-approve --publish-timeout 0
expect_rc 64 "--publish-timeout 0 is a usage error"
expect_in err "publish-timeout takes a number of seconds" "the usage error names the option"
start=$(date +%s)
ps apply --auto-approve --publish-timeout 3
expect_rc 3 "apply whose publish times out"
took=$(($(date +%s) - start))
expect_in err "integration.Order Export: FAILED: version 2 did not become available within 3 s \\(--publish-timeout\\)" "the timeout is named"
expect_in err "instance.acme/Orders: blocked: integration.Order Export publish did not succeed" "dependents are blocked"
if [ "$took" -lt 15 ]; then ok; else bad "a 3 s publish timeout took $took s"; fi

# --- someone else publishes while the apply's publish is on its way
emu_start --publish-delay-ms 200
ps apply --auto-approve
expect_rc 0 "apply from empty"
edit integrations/orders.yml 's/timeout: {type: value, value: "40"}/timeout: {type: value, value: "50"}/'
fault '{"match":"publishIntegration","delay_ms":3000,"times":1}'
int_id=$(state && sq '.integrations[] | select(.name=="Order Export") | .id')
"$PRISMSYNC" apply --auto-approve -f "$REPO/prismsync.yaml" >"$TMP/bg.out" 2>"$TMP/bg.err" &
bg=$!
sleep 1.5
gql 'mutation($id: ID!) { publishIntegration(input: {id: $id, comment: "by hand"}) { integration { versionNumber } errors { field messages } } }' --var id="$int_id"
wait $bg
rc=$?
cp "$TMP/bg.err" "$TMP/err"
cp "$TMP/bg.out" "$TMP/out"
expect_eq "$rc" "3" "apply whose publish made another number than planned"
expect_in err "integration.Order Export: FAILED: the publish made version 3, not version 2 as planned" "the mismatch is named"

# --- a deploy that a re-read shows did not leave the planned version running
emu_start --publish-delay-ms 200
ps apply --auto-approve
expect_rc 0 "apply from empty"
state
int_id=$(sq '.integrations[] | select(.name=="Order Export") | .id')
v1=$(sq '.integrations[] | select(.name=="Order Export") | .versions[] | select(.versionNumber==1) | .id')
gql 'mutation($id: ID!) { publishIntegration(input: {id: $id, comment: "by hand"}) { errors { field messages } } }' --var id="$int_id"
sleep 1
inst=$(instance_id acme Orders)
# With one slot, acme's deploy is the first deployInstance sent: it is held
# back at the server while its instance is bound to version 1 by hand.
fault '{"match":"deployInstance","delay_ms":3000,"times":1}'
"$PRISMSYNC" apply --auto-approve --parallelism 1 -f "$REPO/prismsync.yaml" >"$TMP/bg.out" 2>"$TMP/bg.err" &
bg=$!
sleep 1.5
gql 'mutation($id: ID!, $v: ID!) { updateInstance(input: {id: $id, integration: $v}) { errors { field messages } } }' --var id="$inst" --var v="$v1"
wait $bg
rc=$?
cp "$TMP/bg.err" "$TMP/err"
cp "$TMP/bg.out" "$TMP/out"
expect_eq "$rc" "3" "apply whose deploy left another version running"
expect_in out "deploy version 2" "the plan deploys version 2"
expect_in err "instance.acme/Orders: FAILED: deployInstance answered, but a re-read shows the instance runs version 1, not version 2" "the re-read's finding is named"
expect_in err "instance.globex/Orders: deployed" "the other deploy is done"

# --- a draft whose publish failed: the next plan publishes it without an
# import, reading the latest version's definition for that integration
# alone, and after the publish for none.
emu_start --publish-delay-ms 200
ps apply --auto-approve
expect_rc 0 "apply from empty"
edit integrations/orders.yml 's/timeout: {type: value, value: "50"}/timeout: {type: value, value: "60"}/'
fault '{"match":"publishIntegration","payload_errors":[{"field":"id","messages":["refused by the test"]}],"times":1}'
ps apply --auto-approve
expect_rc 3 "apply whose publish is refused"
expect_in err "integration.Order Export: FAILED" "the publish failed"
# definitions_read: how many drafts' definitions, and latest versions', the plan's batches asked for.
definitions_read() {
	grep '"query":"query definitions' "$TMP/reads.jsonl" | jq -r '.query' |
		awk '/integration\(id:/ { d++ } /nodes \{ id versionNumber definition \}/ { l++ } END { printf "%d drafts, %d latest\n", d, l }'
}
rm -f "$TMP/reads.jsonl"
run env PRISMSYNC_READ_LOG="$TMP/reads.jsonl" "$PRISMSYNC" plan -f "$REPO/prismsync.yaml" --format json
expect_rc 0 "plan after the refused publish"
expect_eq "$(plan_ids | tr '\n' ' ')" "integration.Order Export#publish instance.acme/Orders#update instance.acme/Orders#deploy instance.globex/Orders#update instance.globex/Orders#deploy " "the unpublished draft is published, not imported again"
expect_eq "$(definitions_read)" "2 drafts, 1 latest" "the latest definition is read only for the draft not published"
ps apply --auto-approve
expect_rc 0 "apply of the publish"
rm -f "$TMP/reads.jsonl"
run env PRISMSYNC_READ_LOG="$TMP/reads.jsonl" "$PRISMSYNC" plan -f "$REPO/prismsync.yaml" --format json --detailed-exitcode
expect_rc 0 "no changes once published"
expect_eq "$(definitions_read)" "2 drafts, 0 latest" "no latest definition read when every draft is published"

finish
