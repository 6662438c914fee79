#!/bin/sh
# The live-state fetch (api_fetch_live) of a seeded org, compared field by
# field with the emulator's state dump, and its request count: one per 100
# listed objects and at least one per list, read by offset, plus one per 250
# integrations whose definitions are read.
. "$(dirname "$0")/lib.sh"

genorg "$TMP/org.json" --integrations 12 --instances 130 --customers 60 --versions 3
emu_start --seed "$TMP/org.json"

# Change the generated org so every field has something to show: a draft
# that differs from its latest version, an unpublished integration, a
# version not yet available, an instance needing a deploy, a disabled one,
# config values, labels, a customer without externalId.
int1=$(jq -r '.integrations[0].id' "$TMP/org.json")
int2=$(jq -r '.integrations[1].id' "$TMP/org.json")
inst1=$(jq -r '.instances[0].id' "$TMP/org.json")
inst2=$(jq -r '.instances[1].id' "$TMP/org.json")
run "$PRISMSYNC" api 'mutation($id: ID, $d: String) { updateIntegration(input: {id: $id, description: $d, labels: ["a", "b"]}) { errors { field messages } } }' --var id="$int1" --var d="changed draft"
expect_rc 0 "update integration"
run "$PRISMSYNC" api 'mutation($id: ID) { updateIntegration(input: {id: $id, description: "not published"}) { errors { field messages } } }' --var id="$int2"
expect_rc 0 "a draft with changes not published"
run "$PRISMSYNC" api 'mutation($id: ID) { updateInstance(input: {id: $id, enabled: false, labels: ["x"]}) { errors { field messages } } }' --var id="$inst1"
expect_rc 0 "disable instance"
run "$PRISMSYNC" api 'mutation($id: ID) { updateInstance(input: {id: $id, description: "needs a deploy"}) { errors { field messages } } }' --var id="$inst2"
expect_rc 0 "update instance"
run "$PRISMSYNC" api 'mutation { createCustomer(input: {name: "No External Id"}) { errors { field messages } } }'
expect_rc 0 "customer without externalId"
ctl POST /__emulator/config '{"publish_delay_ms": 600000}' >/dev/null
run "$PRISMSYNC" api 'mutation($id: ID) { publishIntegration(input: {id: $id, comment: "pending"}) { errors { field messages } } }' --var id="$int1"
expect_rc 0 "publish a version that stays unavailable"
def=$(printf 'definitionVersion: 7\nname: Never Published\nflows:\n  - name: Flow 1\n    steps:\n      - name: Trigger\n        isTrigger: true\n        action:\n          key: webhook\n          component: {key: webhook-triggers, version: LATEST, isPublic: true}\n')
run "$PRISMSYNC" api 'mutation($d: String!) { importIntegration(input: {definition: $d}) { integration { id } errors { field messages } } }' --var d="$def"
expect_rc 0 "import an integration that is never published"

requests_reset
run "$APIDRIVER" fetch
expect_rc 0 "fetch"
cp "$TMP/out" "$TMP/fetched.json"
ctl GET /__emulator/state >"$TMP/state.json"
run "$NODE" "$(dirname "$0")/compare_state.js" "$TMP/fetched.json" "$TMP/state.json"
expect_rc 0 "fetched state equals the emulator's"
# 61 customers, 13 integrations, 130 instances: 1 + 1 + 2 list pages, and
# one batch for the definitions of the 13 integrations (up to 250 a batch).
expect_eq "$(requests_total)" 5 "requests for the fetch"

# As a plan reads it: the latest version's definition only for the drafts
# that are not that version (int1: its newest version is not available;
# int2: changes not published), in as many requests; the rest is the same.
expect_eq "$(jq -r --arg a "$int1" --arg b "$int2" '[.integrations[] | select((.id == $a or .id == $b) and .hasUnpublishedChanges == (.id == $b))] | length' "$TMP/fetched.json")" 2 "the list tells which drafts are not their latest version"
requests_reset
run "$APIDRIVER" fetch-drafts
expect_rc 0 "fetch as a plan reads"
expect_eq "$(requests_total)" 5 "requests for the fetch as a plan reads"
expect_eq "$(jq -r '[.integrations[] | select(.latest.definition != null) | .id] | sort | join(" ")' "$TMP/out")" "$(printf '%s\n' "$int1" "$int2" | sort | paste -sd ' ')" "latest definitions read only where the draft differs"
no_latest='del(.integrations[] | select(.latest != null) | .latest.definition)'
expect_eq "$(jq -S "$no_latest" "$TMP/out")" "$(jq -S "$no_latest" "$TMP/fetched.json")" "everything else as the full fetch"

# A draft changed between the list and the read of its definition: the
# list's view of it is stale, and the fetch says so instead of going on.
int3=$(jq -r '.integrations[2].id' "$TMP/org.json")
faults_reset
fault '{"match": "integration", "delay_ms": 4000, "times": 1}'
"$APIDRIVER" fetch-drafts >"$TMP/bg.out" 2>"$TMP/bg.err" &
bg=$!
# The change lands once the batch is held at the server: after the list was read.
for _ in $(seq 1 100); do
	[ "$(ctl GET /__emulator/faults | jq '.rules[0].hits')" = 1 ] && break
	sleep 0.05
done
run "$PRISMSYNC" api 'mutation($id: ID) { updateIntegration(input: {id: $id, description: "changed meanwhile"}) { errors { field messages } } }' --var id="$int3"
expect_rc 0 "a draft changed while the definitions are read"
wait $bg
expect_eq "$?" 1 "the fetch fails"
expect_eq "$(grep -c 'was published or changed while it was read; run again' "$TMP/bg.err")" 1 "and says to run again"
faults_reset

# Pagination at the boundaries, every list at once.
for n in 0 1 100 101 250; do
	genorg "$TMP/org$n.json" --integrations $((n < 20 ? n : 20)) --customers "$n" --instances "$n" --versions 1
	ctl POST /__emulator/state @"$TMP/org$n.json" >/dev/null
	requests_reset
	run "$APIDRIVER" fetch
	expect_rc 0 "fetch of $n objects"
	cp "$TMP/out" "$TMP/fetched.json"
	ctl GET /__emulator/state >"$TMP/state.json"
	run "$NODE" "$(dirname "$0")/compare_state.js" "$TMP/fetched.json" "$TMP/state.json"
	expect_rc 0 "fetched state of $n objects equals the emulator's"
	ni=$(jq '.integrations | length' "$TMP/state.json")
	pages() { if [ "$1" -eq 0 ]; then echo 1; else echo $((($1 + 99) / 100)); fi; }
	want=$(($(pages "$n") + $(pages "$n") + $(pages "$ni") + (ni + 249) / 250))
	expect_eq "$(requests_total)" "$want" "requests for $n objects"
done

# Definitions are asked for while the integrations list is still read: the
# last of 6 pages of 600 integrations comes 1.5 s late, so the batches sent
# for the first pages are answered before the list is complete and in order.
# The same state, and no more requests: 6 + 1 + 1 list pages, 3 batches.
genorg "$TMP/org600.json" --integrations 600 --customers 5 --instances 5 --versions 1
ctl POST /__emulator/state @"$TMP/org600.json" >/dev/null
faults_reset
fault '{"match": "integrations", "delay_ms": 1500, "skip": 5, "times": 1}'
requests_reset
run "$APIDRIVER" fetch
expect_rc 0 "fetch with a late page of integrations"
cp "$TMP/out" "$TMP/fetched.json"
ctl GET /__emulator/state >"$TMP/state.json"
run "$NODE" "$(dirname "$0")/compare_state.js" "$TMP/fetched.json" "$TMP/state.json"
expect_rc 0 "fetched state with a late page equals the emulator's"
expect_eq "$(requests_total)" 11 "requests with a late page of integrations"
faults_reset

# Nested lists longer than a page (230 versions each: two more pages per
# integration, read by offset at once) and a code-native integration, whose
# definitions are never asked for: 3 list pages, 1 definitions batch for the
# 2 others, 6 version pages.
genorg "$TMP/nested.json" --integrations 3 --customers 2 --instances 5 --versions 230 --code-native 1
ctl POST /__emulator/state @"$TMP/nested.json" >/dev/null
requests_reset
run "$APIDRIVER" fetch
expect_rc 0 "fetch of long version lists"
cp "$TMP/out" "$TMP/fetched.json"
ctl GET /__emulator/state >"$TMP/state.json"
run "$NODE" "$(dirname "$0")/compare_state.js" "$TMP/fetched.json" "$TMP/state.json"
expect_rc 0 "fetched versions equal the emulator's"
expect_eq "$(jq '[.integrations[].versions | length] | join(",")' -r "$TMP/fetched.json")" "230,230,230" "every version read"
expect_eq "$(jq '[.integrations[] | select(.isCodeNative) | .definition] | join(",")' -r "$TMP/fetched.json")" "" "no definition for the code-native one"
expect_eq "$(requests_total)" 10 "requests for long version lists"

finish
