#!/bin/sh
# Two live objects with one identity stop plan, plan --prune, drift and
# apply with an error naming both ids and what to do, at the manifest entry
# that uses the identity; prismsync never picks one of them silently. Once
# one of them is gone, everything works again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 100
ps apply --auto-approve
expect_rc 0 "initial apply"
state
acme=$(sq '.customers[] | select(.externalId=="acme") | .id')
orders_id=$(sq '.integrations[] | select(.name=="Order Export") | .id')
version=$(sq '.integrations[] | select(.name=="Return Intake") | .versions[0].id')
returns_acme=$(instance_id acme Returns)

# A second integration named "Order Export" (imported by hand, as a second
# apply running at the same time would), and a second "Returns" of acme.
gql 'mutation($d: String!) { importIntegration(input: {definition: $d}) { integration { id } errors { field messages } } }' \
	--var d="$(cat "$REPO/integrations/orders.yml")"
orders_dup=$(jq -r '.importIntegration.integration.id' "$TMP/gql.out")
gql 'mutation($c: ID!, $v: ID!) { createInstance(input: {name: "Returns", customer: $c, integration: $v}) { instance { id } errors { field messages } } }' \
	--var c="$acme" --var v="$version"
returns_dup=$(jq -r '.createInstance.instance.id' "$TMP/gql.out")
[ -n "$orders_dup" ] && [ "$orders_dup" != null ] && [ -n "$returns_dup" ] && [ "$returns_dup" != null ] ||
	bad "could not make the duplicates"

check_refused() { # WHAT
	expect_rc 1 "$1 refuses"
	expect_in err "prismsync.yaml:[0-9]+:[0-9]+: error: 2 integrations in the organization are named 'Order Export' \(ids ($orders_id and $orders_dup|$orders_dup and $orders_id)\); prismsync does not pick one of them: in Prismatic, rename all but one" "$1 names both integrations"
	expect_in err "error: 2 instances of customer 'acme' in the organization are named 'Returns' \(ids ($returns_acme and $returns_dup|$returns_dup and $returns_acme)\)" "$1 names both instances"
	expect_in err "in Prismatic, delete the extra instances" "$1 says what to do"
	expect_eq "$(grep -c "integrations in the organization are named 'Order Export'" "$TMP/err")" 1 "$1 reports each identity once"
}

ps plan
check_refused plan
ps plan --prune --format json
check_refused "plan --prune"
expect_eq "$(cat "$TMP/out")" "" "no plan is printed"
ps drift
check_refused drift
requests_reset
ps apply --auto-approve
check_refused apply
expect_eq "$(mutations_sent)" 0 "apply changed nothing"

# export cannot write two records with one identity apart: it refuses, writing nothing.
run "$PRISMSYNC" export --dir "$TMP/exported"
expect_rc 1 "export refuses"
expect_in err "prismsync export: records of the organization share an identity a manifest names them by: " "export says why"
expect_in err "2 integrations are named 'Order Export' \(ids ($orders_id and $orders_dup|$orders_dup and $orders_id)\)" "export names both integrations"
expect_in err "2 instances of customer 'acme' are named 'Returns' \(ids ($returns_acme and $returns_dup|$returns_dup and $returns_acme)\)" "export names both instances"
expect_in err "nothing was written" "and that nothing was written"
expect_eq "$(ls -A "$TMP/exported" 2>/dev/null | wc -l)" 0 "no file was written"
run "$PRISMSYNC" export --dir "$TMP/exported" --customer globex
expect_rc 0 "an export that leaves the duplicates out works"

# An identity the manifest does not use is not prismsync's business.
gql 'mutation($id: ID!) { updateIntegration(input: {id: $id, name: "Order Export (copy)"}) { integration { id } errors { field messages } } }' --var id="$orders_dup"
gql 'mutation($id: ID!) { deleteInstance(input: {id: $id}) { instance { id } errors { field messages } } }' --var id="$returns_dup"
gql 'mutation($d: String!) { importIntegration(input: {definition: $d}) { integration { id } errors { field messages } } }' \
	--var d="$(sed 's/^name: .*/name: Unmanaged/' "$REPO/integrations/orders.yml")"
gql 'mutation($d: String!) { importIntegration(input: {definition: $d}) { integration { id } errors { field messages } } }' \
	--var d="$(sed 's/^name: .*/name: Unmanaged/' "$REPO/integrations/orders.yml")"
ps plan --detailed-exitcode
expect_rc 0 "with the duplicates renamed or deleted, nothing to do"
ps drift
expect_rc 0 "and no drift"
finish
