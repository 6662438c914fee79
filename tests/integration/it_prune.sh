#!/bin/sh
# --prune deletes only what carries this owner's label and the manifest no
# longer lists; never an object without the label, never one labelled
# prismsync:protected, never a customer. Without --prune nothing is deleted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 100
ps apply --auto-approve
expect_rc 0 "initial apply"
state
acme=$(sq '.customers[] | select(.externalId=="acme") | .id')
version=$(sq '.integrations[] | select(.name=="Return Intake") | .versions[0].id')

# An instance made by hand, without the owner label.
gql 'mutation($c: ID!, $v: ID!) { createInstance(input: {name: "Hand Made", customer: $c, integration: $v}) { instance { id } errors { field messages } } }' --var c="$acme" --var v="$version"
# An owned instance someone protected.
id=$(instance_id globex Returns)
gql 'mutation($id: ID!) { updateInstance(input: {id: $id, labels: ["eu", "prismsync:owner=tests", "prismsync:protected"]}) { instance { id } errors { field messages } } }' --var id="$id"

# Drop the two Returns instances, the Return Intake integration and a customer from the manifest.
awk 'BEGIN{skip=0} /^  - name: Returns/{skip=1; next} skip && /^  - /{skip=0} skip && /^[a-z]/{skip=0} !skip{print}' "$REPO/prismsync.yaml" >"$TMP/m" && mv "$TMP/m" "$REPO/prismsync.yaml"
edit prismsync.yaml '/definition: integrations\/returns.yml/d'
edit prismsync.yaml '/externalId: globex/,+1d'
edit prismsync.yaml 's/customer: globex/customer: acme/; s/name: Orders$/name: Orders/'
# keep one Orders instance for acme only
awk 'BEGIN{n=0} /^  - name: Orders/{n++} n==2 && /^  - name: Orders/{skip=1} skip && /^  - name: /{if(!/Orders/)skip=0} !skip{print}' "$REPO/prismsync.yaml" >"$TMP/m" && mv "$TMP/m" "$REPO/prismsync.yaml"

ps plan --format json
expect_rc 0 "plan without --prune"
expect_eq "$(jq '[.changes[] | select(.action=="delete")] | length' "$TMP/out")" "0" "no deletes without --prune"
# ... but the plan says what --prune would delete: counted in text, named with -v and in JSON.
expect_eq "$(jq -r '.prunable | join(" ")' "$TMP/out")" "instance.acme/Returns instance.globex/Orders" "JSON names what --prune would delete"
ps plan
expect_rc 0 "text plan without --prune"
expect_in out "^2 owned objects are no longer in the manifest: --prune would delete them \(-v names them\)" "the text plan counts them"
expect_not_in out "instance.globex/Orders" "without -v, not named"
ps plan -v
expect_in out "^  - instance.acme/Returns$" "-v names them"
ps plan --format markdown
expect_in out "^2 owned objects are no longer in the manifest: --prune would delete them:$" "the pull request comment says so"
expect_in out "^  - instance.globex/Orders$" "and names them, for a reviewer"
ps drift --format json
expect_eq "$(jq -r '.prunable | length' "$TMP/out")" "2" "drift reports them too"
ps drift
expect_in out "2 owned objects are no longer in the manifest" "drift text counts them"

ps plan --prune --format json
expect_rc 0 "plan --prune"
save_json prune-plan
expect_eq "$(jq -r '[.changes[] | select(.action=="delete") | .id] | sort | join(" ")' "$TMP/out")" "instance.acme/Returns#delete instance.globex/Orders#delete" "deletes only owned, unprotected instances"
expect_in err "not deleting integration 'Return Intake'" "the integration still has unmanaged instances"

ps apply --prune --auto-approve
expect_rc 0 "apply --prune"
state
expect_eq "$(sq '[.instances[].name] | sort | join(",")')" "Hand Made,Orders,Returns" "hand-made and protected instances stay"
expect_eq "$(sq '.customers | length')" "2" "customers are never deleted"
expect_eq "$(sq '[.integrations[].name] | sort | join(",")')" "Order Export,Return Intake" "an integration in use is kept"

# Once nothing else uses it, an owned integration is pruned after its instances.
gql 'mutation($id: ID!) { deleteInstance(input: {id: $id}) { instance { id } errors { field messages } } }' --var id="$(instance_id acme 'Hand Made')"
gql 'mutation($id: ID!) { updateInstance(input: {id: $id, labels: ["eu", "prismsync:owner=tests"]}) { instance { id } errors { field messages } } }' --var id="$id"
ps apply --prune --auto-approve
expect_rc 0 "apply --prune again"
state
expect_eq "$(sq '[.integrations[].name] | join(",")')" "Order Export" "the owned integration is gone"
expect_eq "$(sq '[.instances[].name] | join(",")')" "Orders" "and its last owned instance first"
ps plan --prune --detailed-exitcode
expect_rc 0 "converged with --prune"
finish
