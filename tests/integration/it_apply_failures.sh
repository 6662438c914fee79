#!/bin/sh
# When things go wrong: a failed change blocks only its dependents; a
# mutation whose answer is lost is resolved by re-reading, with no
# duplicates; a saved plan is refused (exit 4) once the organization changed;
# references resolve against the org or fail at their manifest position.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 100

# --- lost answers: the server acts, the client never hears back
fault '{"match":"createCustomer","drop":true,"phase":"after","times":1}'
fault '{"match":"publishIntegration","drop":true,"phase":"after","times":1}'
fault '{"match":"createInstance","drop":true,"phase":"after","times":1}'
ps apply --auto-approve
expect_rc 0 "apply with lost answers converges"
faults_reset
state
expect_eq "$(sq '.customers | length')" "2" "no duplicate customer"
expect_eq "$(sq '[.integrations[].versions | length] | join(",")')" "1,1" "no duplicate version"
expect_eq "$(sq '.instances | length')" "4" "no duplicate instance"
ps plan --detailed-exitcode
expect_rc 0 "nothing left to do"

# --- a failure blocks its dependents only
edit integrations/orders.yml 's/value: "30"}/value: "60"}/'
edit prismsync.yaml 's/description: Globex EU shop/description: Globex EU shop (moved)/'
fault '{"match":"importIntegration","payload_errors":[{"field":"definition","messages":["refused by a test"]}],"times":1}'
ps apply --auto-approve
expect_rc 3 "exit 3 when a change failed"
expect_in err "integration.Order Export: FAILED: .*refused by a test" "the failure is reported"
expect_in err "instance.acme/Orders: blocked: integration.Order Export publish did not succeed" "dependents are blocked"
expect_in err "Apply finished with failures: 0 done, 1 failed, 5 blocked" "summary"
faults_reset
ps apply --auto-approve
expect_rc 0 "a second apply finishes the job"
ps plan --detailed-exitcode
expect_rc 0 "converged"

# An independent change still runs when another fails.
edit prismsync.yaml 's/description: Globex EU shop (moved)/description: Globex EU shop (again)/'
edit prismsync.yaml 's/name: Globex$/name: Globex Corporation/'
fault '{"match":"updateCustomer","payload_errors":[{"field":"name","messages":["refused by a test"]}],"times":1}'
ps apply --auto-approve
expect_rc 3 "one failure"
expect_in err "customer.globex: FAILED" "the customer update failed"
expect_in err "instance.globex/Orders: updated" "the independent instance update ran"
faults_reset
ps apply --auto-approve
expect_rc 0 "then converges"

# A failed deploy blocks nothing else: the other instances still roll out.
# (One deploy per request: the fault answers every deploy of its request.)
edit prismsync.yaml 's|Shop URL: https://shop.acme.example|Shop URL: https://shop.acme.example/v3|'
edit prismsync.yaml 's|Shop URL: https://shop.globex.example$|Shop URL: https://shop.globex.example/v3|'
fault '{"match":"deployInstance","payload_errors":[{"field":"__all__","messages":["deploy refused by a test"]}],"times":1}'
ps apply --auto-approve --batch-size 1
expect_rc 3 "a failed deploy"
expect_in err "Apply finished with failures: 3 done, 1 failed, 0 blocked" "one deploy failed, nothing blocked"
expect_in err "deploy refused by a test" "the reason is shown"
faults_reset
ps apply --auto-approve
expect_rc 0 "the next apply deploys it"

# --- saved plans
edit prismsync.yaml 's/description: Globex EU shop (again)/description: Globex EU shop (saved)/'
ps plan --out "$TMP/plan.json"
expect_rc 0 "plan --out"
expect_eq "$(stat -c %a "$TMP/plan.json")" "600" "saved plan is private"
if grep -q "acme-secret" "$TMP/plan.json"; then bad "secret in the saved plan"; else ok; fi
cp "$TMP/plan.json" "$TMP/out" && save_json saved-plan
run "$PRISMSYNC" apply "$TMP/plan.json" --auto-approve
expect_rc 0 "a fresh saved plan applies"
state
expect_eq "$(sq '.instances[] | select(.description=="Globex EU shop (saved)") | .name')" "Orders" "its change was made"

edit prismsync.yaml 's/description: Globex EU shop (saved)/description: Globex EU shop (stale)/'
ps plan --out "$TMP/plan2.json"
gql 'mutation($id: ID!) { updateInstance(input: {id: $id, description: "changed by hand"}) { instance { id } errors { field messages } } }' --var id="$(instance_id globex Orders)"
run "$PRISMSYNC" apply "$TMP/plan2.json" --auto-approve
expect_rc 4 "a stale plan is refused"
expect_in err "instance.globex/Orders changed since the plan was made" "names what changed"
state
expect_eq "$(sq '.instances[] | select(.description=="changed by hand") | .name')" "Orders" "nothing was changed"

run "$PRISMSYNC" apply "$TMP/missing.json" --auto-approve
expect_rc 1 "a missing plan file"
printf '{"format_version":"9"}' >"$TMP/bad.json"
run "$PRISMSYNC" apply "$TMP/bad.json" --auto-approve
expect_rc 1 "an unknown plan format"
expect_in err "format_version 9" "says why"

# --- references
gql 'mutation { createCustomer(input: {name: "Initech", externalId: "initech"}) { customer { id } errors { field messages } } }'
cat >>"$REPO/prismsync.yaml" <<'YAML'
  - name: Orders
    customer: initech
    integration: Order Export
    configVariables:
      API Key: initech-key
YAML
ps plan --format json
expect_rc 0 "a customer that exists only in the org is a valid reference"
expect_in out '"instance.initech/Orders#create"' "its instance is created"
cat >>"$REPO/prismsync.yaml" <<'YAML'
  - name: Orders
    customer: nobody
    integration: Order Export
YAML
ps plan
expect_rc 1 "an unknown customer"
expect_in err "prismsync.yaml:[0-9]+:15: error: customer 'nobody' is neither in the manifest nor in the organization" "error at the manifest position"
finish
