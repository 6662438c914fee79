#!/bin/sh
# Every mutation of api/mutations.h through apidriver, each checked in the
# emulator's state afterwards; payload errors name the operation and object.
. "$(dirname "$0")/lib.sh"

emu_start --publish-delay-ms 300
state() { ctl GET /__emulator/state >"$TMP/state.json"; }
q() { jq -r "$1" "$TMP/state.json"; }

run "$APIDRIVER" createCustomer '{"name": "Acme", "externalId": "acme", "description": "Tier 1", "labels": ["tier-1"]}'
expect_rc 0 "createCustomer"
cust=$(jq -r .id "$TMP/out")
state
expect_eq "$(q '.customers[] | select(.externalId=="acme") | [.id, .name, .description, (.labels|join(","))] | join("|")')" "$cust|Acme|Tier 1|tier-1" "customer created"

run "$APIDRIVER" updateCustomer "{\"id\": \"$cust\", \"name\": \"Acme Corp\", \"labels\": []}"
expect_rc 0 "updateCustomer"
state
expect_eq "$(q ".customers[] | select(.id==\"$cust\") | [.name, .description, (.labels|length)] | join(\"|\")")" "Acme Corp|Tier 1|0" "customer updated, labels replaced"

run "$APIDRIVER" createCustomer '{"name": "Acme Corp", "externalId": "other"}'
expect_rc 1 "createCustomer with a taken name"
expect_in err "createCustomer customer 'other': name" "payload error names operation, object and field"

def1=$(cat "$EMULATOR_DIR/testdata/order-sync.yml")
def2=$(cat "$EMULATOR_DIR/testdata/order-sync-v2.yml")
run "$APIDRIVER" importIntegration "$(jq -n --arg d "$def1" '{definition: $d}')"
expect_rc 0 "importIntegration (create)"
integ=$(jq -r .id "$TMP/out")
state
expect_eq "$(q ".integrations[] | select(.id==\"$integ\") | .versionNumber")" 1 "new integration's draft is version 1"

run "$APIDRIVER" importIntegration "$(jq -n --arg d "$def2" --arg id "$integ" '{definition: $d, integrationId: $id}')"
expect_rc 0 "importIntegration (overwrite the draft)"
expect_eq "$(jq -r .id "$TMP/out")" "$integ" "import keeps the integration id"
state
expect_eq "$(q '.integrations | length')" 1 "no second integration"

run "$APIDRIVER" updateIntegration "{\"id\": \"$integ\", \"description\": \"Synced orders\", \"labels\": [\"erp\"]}"
expect_rc 0 "updateIntegration"
state
expect_eq "$(q ".integrations[] | select(.id==\"$integ\") | [.description, (.labels|join(\",\"))] | join(\"|\")")" "Synced orders|erp" "integration updated"

run "$APIDRIVER" publishIntegration "{\"id\": \"$integ\", \"comment\": \"first\", \"attributes\": \"{\\\"commitHash\\\": \\\"abc123\\\"}\"}"
expect_rc 0 "publishIntegration and wait until available"
expect_eq "$(jq -r '[.versionNumber, .available] | map(tostring) | join("|")' "$TMP/out")" "1|true" "version 1 available"
ver1=$(jq -r .id "$TMP/out")
state
expect_eq "$(q ".integrations[] | select(.id==\"$integ\") | .versions[0] | [.comment, .attributes] | join(\"|\")")" 'first|{"commitHash":"abc123"}' "comment and attributes recorded"

run "$APIDRIVER" createInstance "{\"name\": \"Order Sync\", \"customer\": \"$cust\", \"integration\": \"$ver1\", \"description\": \"EU\", \"labels\": [\"eu\"]}"
expect_rc 0 "createInstance"
inst=$(jq -r .id "$TMP/out")
state
expect_eq "$(q ".instances[] | select(.id==\"$inst\") | [.name, .description, .integrationVersionId, .needsDeploy] | map(tostring) | join(\"|\")")" "Order Sync|EU|$ver1|true" "instance created on version 1"

key=$(q ".integrations[] | select(.id==\"$integ\") | .versions[0].definition.requiredConfigVars[0].key")
# Every required variable gets a value, the first one a known one.
cfg=$(q ".integrations[] | select(.id==\"$integ\") | .versions[0].definition.requiredConfigVars | map({(.key): \"value of \\(.key)\"}) | add | .[\"$key\"] = \"https://erp.example\"")
run "$APIDRIVER" updateInstanceConfigVariables "$(jq -n --arg id "$inst" --argjson c "$cfg" '{id: $id, configVariables: $c}')"
expect_rc 0 "updateInstanceConfigVariables"
state
expect_eq "$(q ".instances[] | select(.id==\"$inst\") | .configVariables[\"$key\"].value")" "https://erp.example" "config variable set"

run "$APIDRIVER" deployInstance "{\"id\": \"$inst\"}"
expect_rc 0 "deployInstance"
state
expect_eq "$(q ".instances[] | select(.id==\"$inst\") | [.needsDeploy, .deployedVersion] | map(tostring) | join(\"|\")")" "false|1" "deployed"

run "$APIDRIVER" disableInstance "{\"id\": \"$inst\"}"
expect_rc 0 "disable"
state
expect_eq "$(q ".instances[] | select(.id==\"$inst\") | .enabled")" false "disabled"
run "$APIDRIVER" enableInstance "{\"id\": \"$inst\"}"
expect_rc 0 "enable"
state
expect_eq "$(q ".instances[] | select(.id==\"$inst\") | .enabled")" true "enabled"

run "$APIDRIVER" publishIntegration "{\"id\": \"$integ\"}"
expect_rc 0 "publish version 2"
ver2=$(jq -r .id "$TMP/out")
run "$APIDRIVER" updateInstance "{\"id\": \"$inst\", \"integration\": \"$ver2\", \"name\": \"Order Sync EU\"}"
expect_rc 0 "updateInstance (version switch and rename)"
state
expect_eq "$(q ".instances[] | select(.id==\"$inst\") | [.name, .versionNumber, .needsDeploy, .configVariables[\"$key\"].value] | map(tostring) | join(\"|\")")" "Order Sync EU|2|true|https://erp.example" "instance moved to version 2, config kept"

run "$APIDRIVER" deployInstance '{"id": "SW5zdGFuY2U6bm9uZQ=="}'
expect_rc 1 "deploy an unknown instance"
expect_in err "code: not found" "unknown instance is not-found"

run "$APIDRIVER" deleteInstance "{\"id\": \"$inst\"}"
expect_rc 0 "deleteInstance"
run "$APIDRIVER" deleteIntegration "{\"id\": \"$integ\"}"
expect_rc 0 "deleteIntegration"
state
expect_eq "$(q '[(.instances|length), (.integrations|length)] | map(tostring) | join("|")')" "0|0" "deleted"

finish
