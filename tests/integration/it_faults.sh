#!/bin/sh
# Faults injected by the emulator's fault rules. Each run ends in success
# after retries or in a clear error; never a crash, a hang, or a partial
# state handed back as if complete. Every run is bounded by `timeout`.
. "$(dirname "$0")/lib.sh"

genorg "$TMP/org.json" --integrations 3 --instances 20 --customers 150 --versions 1
emu_start --seed "$TMP/org.json"
T="timeout 90"
stat() { sed -n "s/^stats: .*$1=\([0-9.]*\).*/\1/p" "$TMP/err"; }
fresh() { faults_reset; requests_reset; }

# Queries: transient failures are retried until the fetch succeeds.
fresh
fault '{"match": "customers", "status": 429, "times": 2}'
run $T "$APIDRIVER" fetch
expect_rc 0 "429 without Retry-After, then success"
expect_eq "$(stat throttled)" 2 "two 429s counted"

fresh
fault '{"match": "instances", "status": 429, "retry_after": 1, "times": 1}'
run $T "$APIDRIVER" fetch
expect_rc 0 "429 with Retry-After, then success"
secs=$(stat seconds)
expect_eq "$(echo "$secs >= 1.0" | bc)" 1 "Retry-After of 1 s honoured (took $secs s)"

fresh
fault '{"match": "*", "status": 503, "times": 4}'
fault '{"match": "integrations", "status": 502, "times": 1}'
fault '{"match": "integrations", "status": 504, "times": 1}'
run $T "$APIDRIVER" fetch
expect_rc 0 "503 burst and 502/504, then success"
expect_in err "fetched: customers=150 integrations=3 instances=20" "complete state after retries"

fresh
fault '{"match": "customers", "status": 503}'
run $T "$APIDRIVER" fetch
expect_rc 1 "503 for ever"
expect_in err "error: customers: HTTP 503.*\(after 6 attempts\)" "clear error after the retry budget"
expect_not_in out "." "no partial state printed"

fresh
fault '{"match": "customers", "delay_ms": 3000, "times": 1}'
run env PRISMSYNC_HTTP_TIMEOUT_MS=1000 $T "$APIDRIVER" fetch
expect_rc 0 "slow response past the timeout, then success"
expect_eq "$(stat retries)" 1 "one retry after the timeout"

fresh
fault '{"match": "authenticatedUser", "delay_ms": 3000}'
run env PRISMSYNC_HTTP_TIMEOUT_MS=500 $T "$PRISMSYNC" whoami
expect_rc 1 "slow for ever"
expect_in err "authenticatedUser: timed out: .*\(after 6 attempts\)" "timeout error"

fresh
fault '{"match": "instances", "drop": true, "times": 2}'
run $T "$APIDRIVER" fetch
expect_rc 0 "dropped connections, then success"

fresh
fault '{"match": "customers", "oversized_bytes": 300000}'
run env PRISMSYNC_MAX_RESPONSE_BYTES=65536 $T "$APIDRIVER" fetch
expect_rc 1 "body over the cap"
expect_in err "customers: response too large: response larger than the cap of 65536 bytes" "size cap error"
expect_in err "code: too large" "size cap error code"

fresh
fault '{"match": "customers", "garbage": true}'
run $T "$APIDRIVER" fetch
expect_rc 1 "malformed JSON"
expect_in err "customers: invalid JSON at line 1, column [0-9]+" "parse error with a position"

fresh
fault '{"match": "customers", "status": 200, "body": "{\"data\": {\"customers\": {\"totalCount\": 1e999}}}", "content_type": "application/json"}'
run $T "$APIDRIVER" fetch
expect_rc 1 "a number out of range"
expect_in err "customers: field 'totalCount'" "type and range checked"

fresh
fault '{"match": "authenticatedUser", "data_null": true, "message": "Internal server error"}'
run $T "$PRISMSYNC" whoami
expect_rc 1 "data: null with errors"
expect_in err "prismsync whoami: authenticatedUser: Internal server error" "data null error message"

fresh
fault '{"match": "instances", "top_level_error": "Partial failure"}'
run $T "$APIDRIVER" fetch
expect_rc 1 "top-level errors beside data"
expect_in err "instances: Partial failure" "top-level error is an error"

# Mutations: never blindly retried.
fresh
fault '{"match": "createCustomer", "payload_errors": [{"field": "externalId", "messages": ["is taken"]}]}'
run $T "$APIDRIVER" createCustomer '{"name": "Fault One", "externalId": "f1"}'
expect_rc 1 "payload errors"
expect_in err "createCustomer customer 'f1': externalId: is taken" "payload error names operation, object, field"

fresh
fault '{"match": "createCustomer", "status": 429, "retry_after": 1, "times": 1}'
run $T "$APIDRIVER" createCustomer '{"name": "Fault Two", "externalId": "f2"}'
expect_rc 0 "429 on a mutation: not run, so retried"
expect_eq "$(ctl GET /__emulator/state | jq '[.customers[] | select(.externalId=="f2")] | length')" 1 "one customer"

fresh
fault '{"match": "createCustomer", "drop": true, "phase": "after", "times": 1}'
run $T "$APIDRIVER" createCustomer '{"name": "Fault Three", "externalId": "f3"}'
expect_rc 1 "dropped connection after a mutation ran"
expect_in err "code: outcome unknown" "unknown outcome reported"
expect_in err "may or may not have been made" "unknown outcome message"
expect_eq "$(ctl GET /__emulator/requests | jq '.by_field.createCustomer')" 1 "mutation sent once"
expect_eq "$(ctl GET /__emulator/state | jq '[.customers[] | select(.externalId=="f3")] | length')" 1 "it did run"

fresh
fault '{"match": "deployInstance", "status": 503}'
inst=$(jq -r '.instances[0].id' "$TMP/org.json")
run $T "$APIDRIVER" deployInstance "{\"id\": \"$inst\"}"
expect_rc 1 "503 on a mutation"
expect_in err "code: outcome unknown" "503 after a mutation is an unknown outcome"
expect_eq "$(ctl GET /__emulator/requests | jq '.by_field.deployInstance')" 1 "mutation sent once"

fresh
fault '{"match": "updateInstance", "delay_ms": 2000, "times": 1}'
run env PRISMSYNC_HTTP_TIMEOUT_MS=500 $T "$APIDRIVER" disableInstance "{\"id\": \"$inst\"}"
expect_rc 1 "mutation timeout"
expect_in err "code: outcome unknown" "timeout after a mutation is an unknown outcome"

# Tokens expiring mid-run: refreshed once after the 401, then success. Each
# request takes 1.1 s and the fetch makes five, so a 3 s token expires
# mid-run; a fresh token still outlives one slow request on a loaded machine.
fresh
ctl POST /__emulator/config '{"token_ttl": 3}' >/dev/null
fault '{"match": "*", "delay_ms": 1100}'
run env APIDRIVER_PARALLELISM=1 $T "$APIDRIVER" fetch
expect_rc 0 "token expired mid-run, refreshed"
expect_eq "$(echo "$(stat refreshes) >= 2" | bc)" 1 "the token was refreshed again"

# Without a refresh token, the expiry is a clear error.
fresh
short=$(ctl POST /__emulator/token '{"expires_in": 2}' | jq -r .access_token)
fault '{"match": "*", "delay_ms": 1100}'
run env -u PRISM_REFRESH_TOKEN PRISM_ACCESS_TOKEN="$short" APIDRIVER_PARALLELISM=1 $T "$APIDRIVER" fetch
expect_rc 1 "access token expired mid-run"
expect_in err "(access token was rejected \(HTTP 401: Token has expired.\)|access token in PRISM_ACCESS_TOKEN has expired)" "expiry error"
ctl POST /__emulator/config '{"token_ttl": 3600}' >/dev/null

# A rate-limited org still converges: the in-flight limit shrinks under
# 429s, Retry-After is waited for, and nothing fails.
fresh
ctl POST /__emulator/config '{"rate_limit": 3, "latency_ms": 20}' >/dev/null
genorg "$TMP/big.json" --integrations 5 --instances 600 --customers 300 --versions 1
ctl POST /__emulator/state @"$TMP/big.json" >/dev/null
run $T "$APIDRIVER" fetch
expect_rc 0 "rate-limited fetch converges"
expect_in err "fetched: customers=300 integrations=5 instances=600" "complete state under a rate limit"
expect_eq "$(echo "$(stat throttled) >= 1" | bc)" 1 "the rate limit was hit"
ctl POST /__emulator/config '{"rate_limit": 0, "latency_ms": 0}' >/dev/null

finish
