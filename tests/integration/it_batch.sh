#!/bin/sh
# apply sends changes of one kind that are ready together in one request
# (--batch-size): each change still has its own outcome (its payload errors,
# the top-level errors whose path names it), a lost answer is resolved change
# by change, and a server that refuses a batched document gets one change
# per request from then on, with one warning.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

count() { ctl GET /__emulator/requests | jq -r ".by_field.$1 // 0"; }

emu_start --publish-delay-ms 100
ps apply --auto-approve
expect_rc 0 "set-up apply"

# Four new customers in a saved plan; before it is applied, someone gives
# one of their names to another customer by hand.
awk '/^integrations:/ {
	print "  - externalId: c1\n    name: Customer One\n  - externalId: c2\n    name: Initech\n  - externalId: c3\n    name: Customer Three\n  - externalId: c4\n    name: Customer Four"
} { print }' "$REPO/prismsync.yaml" >"$REPO/prismsync.yaml.new"
mv "$REPO/prismsync.yaml.new" "$REPO/prismsync.yaml"
ps plan --out "$TMP/plan.json"
expect_rc 0 "plan --out"
gql 'mutation { createCustomer(input: {name: "Initech", externalId: "by-hand"}) { customer { id } errors { field messages } } }'
requests_reset
run "$PRISMSYNC" apply "$TMP/plan.json" --auto-approve
expect_rc 3 "one customer of the batch failed"
expect_eq "$(count createCustomer)" "2" "the four creates went out in one request (the other: apply's lock)"
expect_in err "customer\.c2: FAILED: createCustomer customer 'c2': name: A Customer with this name already exists\.$" "its own payload error, and only its own"
expect_in err "Apply finished with failures: 3 done, 1 failed, 0 blocked" "the other three were created"
state
expect_eq "$(sq '[.customers[] | select(.externalId | test("^c[134]$"))] | length')" "3" "three customers there"

# A top-level error with a path belongs to its alias only: one unknown id
# among three deploys (apidriver starts them together, batched).
acme=$(instance_id acme Orders)
globex=$(instance_id globex Orders)
requests_reset
"$APIDRIVER" deployBatch "{\"ids\": [\"$acme\", \"SW5zdGFuY2U6bm8tc3VjaA==\", \"$globex\"]}" >"$TMP/out" 2>"$TMP/err"
expect_eq "$(count deployInstance)" "1" "three deploys in one request"
expect_eq "$(jq -sc '[.[] | .ok // .code]' "$TMP/out")" '[true,"not found",true]' "only the unknown instance failed"
expect_in out "Record not found" "with the server's message"

# A lost answer loses every change of its request: each create is re-read by
# its identity and counts as done, none is made twice.
edit prismsync.yaml 's/name: Initech/name: Initech Two/'
cat >>"$REPO/prismsync.yaml" <<'EOF'
  - name: Returns
    customer: c1
    integration: Return Intake
  - name: Returns
    customer: c3
    integration: Return Intake
  - name: Returns
    customer: c4
    integration: Return Intake
EOF
fault '{"match":"createInstance","drop":true,"phase":"after","times":1}'
requests_reset
ps apply --auto-approve -v
expect_rc 0 "apply with the answer of a batch of creates lost"
expect_in err "prismsync: createInstance \\(3 in one request\\): Empty reply from server" "the batch's answer was lost"
expect_eq "$(count createInstance)" "1" "and the creates not sent again: the re-reads found them"
faults_reset
state
expect_eq "$(sq '[.instances[] | select(.name == "Returns")] | length')" "5" "five Returns instances, no duplicate"
ps plan --detailed-exitcode
expect_rc 0 "converged"

# A server that refuses documents with several mutations (a top-level error,
# no data): the refused changes and all later ones go one per request, and
# the user is told once.
sed -i 's/^  - name: Returns$/  - name: Returns Again/' "$REPO/prismsync.yaml"
fault '{"match":"createInstance","data_null":true,"message":"Only one mutation per request is allowed.","times":1}'
requests_reset
ps apply --auto-approve
expect_rc 0 "apply against a server that refuses batches"
expect_eq "$(grep -c "refused" "$TMP/err")" "1" "one warning"
expect_in err "prismsync apply: warning: the server refused 5 changes in one request \\(createInstance: Only one mutation per request is allowed\\.\\); sending one change per request from now on" "which says what happened"
expect_eq "$(count createInstance)" "6" "the refused batch, then five single creates"
expect_eq "$(count deployInstance)" "5" "later changes one per request too"
faults_reset
ps plan --detailed-exitcode
expect_rc 0 "converged after the fallback"
finish
