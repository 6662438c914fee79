#!/bin/sh
# ignore: [field, ...] on a manifest object leaves those fields unmanaged:
# changes made by hand to them are neither planned back nor reported as
# drift, while the object's other fields still are. An unknown field is an
# error at its position with the nearest valid one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 50
ps apply --auto-approve
expect_rc 0 "initial apply"

# Support enables acme's Returns on purpose, edits globex's shop URL and acme's description.
gql 'mutation($id: ID!) { updateInstance(input: {id: $id, enabled: true}) { instance { id } errors { field messages } } }' --var id="$(instance_id acme Returns)"
gql 'mutation($id: ID!) { updateInstanceConfigVariables(input: {id: $id, configVariables: [{key: "Shop URL", value: "https://by-hand.example"}]}) { instance { id } errors { field messages } } }' --var id="$(instance_id globex Orders)"
gql 'mutation($id: ID!) { deployInstance(input: {id: $id}) { instance { id } errors { field messages } } }' --var id="$(instance_id globex Orders)"
state
acme=$(sq '.customers[] | select(.externalId=="acme") | .id')
gql 'mutation($id: ID!) { updateCustomer(input: {id: $id, description: "Edited in the UI"}) { customer { id } errors { field messages } } }' --var id="$acme"

ps drift --format json
expect_rc 2 "without ignore: drift"
expect_eq "$(jq -r '[.changes[].address] | unique | join(" ")' "$TMP/out")" "customer.acme instance.acme/Returns instance.globex/Orders" "all three are drift"

# Leave those fields alone.
awk '
/^  - externalId: acme$/ { print; print "    ignore: [description]"; next }
/^    enabled: false$/ { print; print "    ignore: [enabled]"; next }
/^    description: Globex EU shop$/ { print; print "    ignore: [configVariables.Shop URL]"; next }
{ print }' "$REPO/prismsync.yaml" >"$TMP/m" && mv "$TMP/m" "$REPO/prismsync.yaml"
ps validate
expect_rc 0 "ignore lists validate"
ps drift --format json
expect_rc 0 "ignored fields are not drift"
ps plan --detailed-exitcode
expect_rc 0 "nor planned back"

# Other fields of the same objects are still managed.
edit prismsync.yaml 's/    description: Globex EU shop/    description: Globex EU shop (Berlin)/'
ps plan --format json
expect_eq "$(jq -r '[.changes[] | .id] | join(" ")' "$TMP/out")" "instance.globex/Orders#update" "the description of an object with an ignore list is managed"
expect_eq "$(jq -r '.changes[0].fields | keys | join(",")' "$TMP/out")" "description" "and only it changes"

# Bad input: an unknown field, with the nearest one, at its position.
edit prismsync.yaml 's/    ignore: \[enabled\]/    ignore: [enabeld]/'
edit prismsync.yaml 's/    ignore: \[description\]/    ignore: [descripton, enabled]/'
ps validate
expect_rc 1 "unknown ignore fields"
expect_in err "prismsync.yaml:[0-9]+:14: error: 'enabeld' cannot be ignored; did you mean 'enabled'\?" "names the nearest field, at its position"
expect_in err "error: 'descripton' cannot be ignored; did you mean 'description'\?" "on a customer too"
expect_in err "error: 'enabled' cannot be ignored; a customer or integration can ignore: description, labels" "enabled is for instances only"
finish
