#!/bin/sh
# A refused connection (reset before any answer: fault rule `refuse`) and a
# connection reset mid-response (`reset_after_bytes`). A query is retried
# until it succeeds. A mutation is never sent again blindly: the client
# library reports an unknown outcome, and apply reads the object back and
# sends the mutation again only when the change was not made.
. "$(dirname "$0")/lib.sh"

genorg "$TMP/org.json" --integrations 2 --instances 6 --customers 4 --versions 1
emu_start --seed "$TMP/org.json"
T="timeout 90"
fresh() { faults_reset; requests_reset; }
count() { ctl GET /__emulator/requests | jq ".by_field.$1 // 0"; }
hits() { ctl GET /__emulator/faults | jq -c '[.rules[].hits]'; }

# --- queries: retried until complete
fresh
fault '{"match": "instances", "refuse": true, "times": 2}'
run $T "$APIDRIVER" fetch
expect_rc 0 "refused connections on a query, then success"
expect_in err "fetched: customers=4 integrations=2 instances=6" "complete state after a refused query"
expect_eq "$(hits)" "[2]" "both refusals were met"
expect_eq "$(count instances)" 3 "the query was sent again until answered"

fresh
fault '{"match": "customers", "reset_after_bytes": 30, "times": 2}'
run $T "$APIDRIVER" fetch
expect_rc 0 "responses cut off mid-body on a query, then success"
expect_in err "fetched: customers=4 integrations=2 instances=6" "complete state after cut-off answers"
expect_eq "$(count customers)" 3 "the query was sent again until answered"

# --- one mutation through the client library: an unknown outcome, sent once
fresh
fault '{"match": "createCustomer", "refuse": true, "times": 1}'
run $T "$APIDRIVER" createCustomer '{"name": "Refused", "externalId": "refused"}'
expect_rc 1 "refused connection on a mutation"
expect_in err "code: outcome unknown" "a refusal after sending is an unknown outcome"
expect_eq "$(count createCustomer)" 1 "the mutation was not sent again"
expect_eq "$(ctl GET /__emulator/state | jq '[.customers[] | select(.externalId=="refused")] | length')" 0 "nothing was made"

fresh
fault '{"match": "createCustomer", "reset_after_bytes": 30, "times": 1}'
run $T "$APIDRIVER" createCustomer '{"name": "Cut Off", "externalId": "cut-off"}'
expect_rc 1 "answer cut off on a mutation"
expect_in err "code: outcome unknown" "a cut-off answer is an unknown outcome"
expect_in err "may or may not have been made" "unknown outcome message"
expect_eq "$(count createCustomer)" 1 "the mutation was not sent again"
expect_eq "$(ctl GET /__emulator/state | jq '[.customers[] | select(.externalId=="cut-off")] | length')" 1 "it did run"

# --- apply: the unknown outcome is resolved by reading back
. "$(dirname "$0")/reconcile_lib.sh"
emu_start --publish-delay-ms 100
ps apply --auto-approve
expect_rc 0 "baseline apply without faults"
ctl GET /__emulator/requests >"$TMP/base.json"
base() { jq ".by_field.$1 // 0" "$TMP/base.json"; }

# apply_with RULE: the same apply on an empty organization, under RULE.
apply_with() {
	ctl DELETE /__emulator/state >/dev/null
	fresh
	fault "$1"
	ps apply --auto-approve
	expect_rc 0 "apply converges under $1"
	expect_eq "$(hits)" "[1]" "the fault was met: $1"
	state
	expect_eq "$(sq '.customers | length')" 2 "no duplicate customer under $1"
	expect_eq "$(sq '.instances | length')" 4 "no duplicate instance under $1"
	expect_eq "$(sq '[.integrations[].versions | length] | join(",")')" "1,1" "no duplicate version under $1"
}

# "skip": 1 lets apply's lock (a customer create) through.
apply_with '{"match": "createCustomer", "skip": 1, "refuse": true, "times": 1}'
# The creates of a batch whose request was refused are read back, then sent
# again (as a batch or one by one); apply_with checks that nothing is duplicated.
expect_ge "$(count customers)" "$(($(base customers) + 1))" "customers read back after the refusal"
expect_ge "$(count createCustomer)" "$(($(base createCustomer) + 1))" "sent again once the read-back found nothing"

apply_with '{"match": "createCustomer", "skip": 1, "reset_after_bytes": 10, "times": 1}'
expect_ge "$(count customers)" "$(($(base customers) + 1))" "customers read back after the cut-off answer"
expect_eq "$(count createCustomer)" "$(base createCustomer)" "not sent again: the read-back found it"

apply_with '{"match": "createInstance", "reset_after_bytes": 40, "times": 1}'
# The creates lost with the answer are read back (one read per batch that lost its answer).
expect_ge "$(count instances)" "$(($(base instances) + 1))" "instances read back after the cut-off answer"
expect_eq "$(count createInstance)" "$(base createInstance)" "not sent again: the read-back found it"

apply_with '{"match": "publishIntegration", "reset_after_bytes": 10, "times": 1}'
expect_eq "$(count publishIntegration)" "$(base publishIntegration)" "publish not sent again"

ps plan --detailed-exitcode
expect_rc 0 "nothing left to do"

finish
