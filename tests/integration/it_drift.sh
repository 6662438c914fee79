#!/bin/sh
# drift: after an apply, a change made by hand is reported with exit 2 and
# a fingerprint that stays the same for the same drift and changes with it;
# drift itself changes nothing; apply brings the organization back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 100
ps apply --auto-approve
expect_rc 0 "initial apply"

ps drift
expect_rc 0 "in sync after apply"
expect_in out "No drift" "says so"

# By hand: disable an instance and edit a config variable.
id=$(instance_id acme Orders)
gql 'mutation($id: ID!) { updateInstance(input: {id: $id, enabled: false}) { instance { id } errors { field messages } } }' --var id="$id"
gql 'mutation($id: ID!, $v: [InputInstanceConfigVariable]) { updateInstanceConfigVariables(input: {id: $id, configVariables: $v}) { instance { id } errors { field messages } } }' --var id="$id" --var-json v='[{"key":"Shop URL","value":"https://hand.edited.example"}]'
ctl POST /__emulator/requests/reset >/dev/null

ps drift --format json --report "$TMP/report.json"
expect_rc 2 "drift found"
save_json drift-report
expect_eq "$(jq -r .kind "$TMP/out")" "drift" "a drift report"
fp1=$(jq -r .fingerprint "$TMP/out")
expect_eq "$(printf %s "$fp1" | grep -Ec '^[0-9a-f]{64}$')" "1" "a fingerprint"
expect_eq "$(jq -r '[.changes[].id] | join(" ")' "$TMP/out")" "instance.acme/Orders#update instance.acme/Orders#deploy instance.acme/Orders#enable" "the differences"
expect_eq "$(jq -r '.changes[0].fields["configVariables.Shop URL"].before' "$TMP/out")" "https://hand.edited.example" "before is the hand-edited value"
expect_eq "$(jq -r .fingerprint "$TMP/report.json")" "$fp1" "--report writes the same report"
expect_eq "$(ctl GET /__emulator/requests | jq '[.by_field | to_entries[] | select(.key | test("^(create|update|import|publish|deploy|delete)"))] | length')" "0" "drift sent no mutation"

ps drift --format json
expect_eq "$(jq -r .fingerprint "$TMP/out")" "$fp1" "same drift, same fingerprint"
ps drift --format markdown
expect_rc 2 "markdown drift"
expect_in out "### prismsync drift report" "markdown header"
expect_in out "$fp1" "markdown carries the fingerprint"

# One read of the organization gives both reports: markdown on stdout (for
# an issue) and JSON in the report file (for the fingerprint).
ctl POST /__emulator/requests/reset >/dev/null
ps drift --format markdown --report "$TMP/both.json" --report-format json
expect_rc 2 "drift with two formats"
expect_in out "### prismsync drift report" "stdout is markdown"
expect_eq "$(jq -r .fingerprint "$TMP/both.json")" "$fp1" "the report file is JSON with the same fingerprint"
expect_eq "$(ctl GET /__emulator/requests | jq '.by_field.integrations // 0')" "1" "the organization was read once"

gql 'mutation($id: ID!, $v: [InputInstanceConfigVariable]) { updateInstanceConfigVariables(input: {id: $id, configVariables: $v}) { instance { id } errors { field messages } } }' --var id="$id" --var-json v='[{"key":"Shop URL","value":"https://edited.again.example"}]'
ps drift --format json
fp2=$(jq -r .fingerprint "$TMP/out")
if [ "$fp2" != "$fp1" ]; then ok; else bad "a different drift must have a different fingerprint"; fi

ps apply --auto-approve
expect_rc 0 "apply repairs the drift"
ps drift
expect_rc 0 "in sync again"
state
expect_eq "$(sq ".instances[] | select(.id==\"$id\") | .enabled")" "true" "re-enabled"
expect_eq "$(sq ".instances[] | select(.id==\"$id\") | .configVariables[\"Shop URL\"].value")" "https://shop.acme.example" "value restored"
finish
