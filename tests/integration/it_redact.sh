#!/bin/sh
# Secrets the run knows (values of ${env:} references, tokens) are
# redacted from everything prismsync prints or writes, whatever a server
# echoes back: top-level errors during the first read (before a plan has
# resolved any value), payload errors, the api command's data, saved plans
# and reports.
. "$(dirname "$0")/lib.sh"
emu_start
. "$(dirname "$0")/reconcile_lib.sh"
export ACME_API_KEY=sekrit-9f2a-value
T="timeout 60"

fault '{"match":"instances","top_level_error":"value sekrit-9f2a-value is not valid"}'
run $T "$PRISMSYNC" plan -f "$REPO/prismsync.yaml"
expect_rc 1 "plan when the read of instances fails"
expect_in err "value \[redacted\] is not valid" "a top-level error echoing the secret is redacted"
expect_not_in err "sekrit-9f2a" "the secret is not printed by plan"
run $T "$PRISMSYNC" drift -f "$REPO/prismsync.yaml" --format json --report "$TMP/report.json"
expect_not_in err "sekrit-9f2a" "the secret is not printed by drift"
faults_reset

fault '{"match":"createInstance","payload_errors":[{"field":"configVariables","messages":["value sekrit-9f2a-value is not valid"]}]}'
run $T "$PRISMSYNC" apply -f "$REPO/prismsync.yaml" --auto-approve
expect_rc 3 "apply with refused instances"
expect_in err "value \[redacted\] is not valid" "a payload error echoing the secret is redacted"
expect_not_in out "sekrit-9f2a" "the secret is not printed by apply (stdout)"
expect_not_in err "sekrit-9f2a" "the secret is not printed by apply (stderr)"
faults_reset

# The api command: the server answers with the refresh token in its data.
fault "{\"match\":\"customers\",\"status\":200,\"content_type\":\"application/json\",\"body\":\"{\\\"data\\\":{\\\"customers\\\":{\\\"totalCount\\\":\\\"$PRISM_REFRESH_TOKEN\\\"}}}\"}"
run $T "$PRISMSYNC" api '{ customers { totalCount } }'
expect_rc 0 "api with an echoing server"
expect_in out '"totalCount": "\[redacted\]"' "the api command redacts a token in the data"
expect_not_in out "$PRISM_REFRESH_TOKEN" "the refresh token is not printed by api"
faults_reset

# apply PLAN: the values a saved plan takes from the environment are
# secrets from the moment the plan is read, before any request.
run $T "$PRISMSYNC" plan -f "$REPO/prismsync.yaml" --out "$TMP/redact-plan.json"
expect_rc 0 "plan --out"
expect_not_in redact-plan.json "sekrit-9f2a" "the saved plan holds no secret"
fault '{"match":"*","top_level_error":"value sekrit-9f2a-value is not valid"}'
run $T env -u PRISMATIC_ENV "$PRISMSYNC" apply "$TMP/redact-plan.json" --auto-approve
expect_rc 1 "apply PLAN when every request is refused"
expect_in err "value \[redacted\] is not valid" "apply PLAN redacts the echoed secret"
expect_not_in err "sekrit-9f2a" "the secret is not printed by apply PLAN"
faults_reset

finish
