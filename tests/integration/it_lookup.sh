#!/bin/sh
# An integration read again by id or by name (api/lookup.c, what apply uses
# to re-read an object) has the same selection as the live-state fetch
# (api/fetch.c): the same versions, the same latest version, and its
# provenance (the commit the latest version was published from).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 0
ps apply --auto-approve
expect_rc 0 "apply"
# The latest version of Order Export records a commit, as a publish from git does.
ctl GET /__emulator/state |
	jq '(.integrations[] | select(.name == "Order Export") | .versions[-1].attributes) = {"commitHash": "0123456789abcdef0123456789abcdef01234567", "dirty": false}' >"$TMP/seed.json"
ctl POST /__emulator/state "$(cat "$TMP/seed.json")" >/dev/null

run "$APIDRIVER" fetch
expect_rc 0 "fetch"
jq -c '.integrations[] | select(.name == "Order Export") | {id, versions, latest: (.latest | {id, versionNumber, commit, attributes})}' "$TMP/out" >"$TMP/fetched"
id=$(jq -r .id "$TMP/fetched")
expect_eq "$(jq -r .latest.commit "$TMP/fetched")" "0123456789abcdef0123456789abcdef01234567" "the fetch reads the provenance"

for how in "read-integration $id" "find-integration Order_Export"; do
	# shellcheck disable=SC2086
	run "$APIDRIVER" ${how%% *} "$(echo "${how#* }" | tr _ ' ')"
	expect_rc 0 "$how"
	jq -c '.integrations[0] | {id, versions, latest: (.latest | {id, versionNumber, commit, attributes})}' "$TMP/out" >"$TMP/reread"
	expect_eq "$(cat "$TMP/reread")" "$(cat "$TMP/fetched")" "$how: the same versions, latest version and provenance as the fetch"
done
finish
