#!/bin/sh
# A token refused with a GraphQL error (HTTP 200, "Authentication
# credentials were not provided or are invalid or expired.") instead of a
# 401: prismsync refreshes its token once and sends the request again, for
# queries and mutations alike; a second refusal is an auth error.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start

fault '{"match":"*","auth_error":true,"times":1}'
run "$PRISMSYNC" whoami -v
expect_rc 0 "whoami after one refused token"
expect_in out "Emulator User" "the answer after the refresh"
expect_in err "authenticatedUser: HTTP 200 .*refresh the access token and retry" "the refusal led to a refresh"
expect_eq "$(grep -c 'auth/refresh: HTTP 200' "$TMP/err")" "2" "the token was refreshed once more"

faults_reset
fault '{"match":"*","auth_error":true,"times":2}'
run "$PRISMSYNC" whoami
expect_rc 1 "whoami when the fresh token is refused too"
expect_in err "access token was rejected: Authentication credentials were not provided or are invalid or expired" "the refusal is reported as such"
expect_not_in err "test-refresh-token" "no token in the message"

# Without a refresh token there is nothing to retry with.
faults_reset
ctl POST /__emulator/config '{"bad_token_graphql_error": true}' >/dev/null
run env -u PRISM_REFRESH_TOKEN PRISM_ACCESS_TOKEN=not.a.token "$PRISMSYNC" whoami
expect_rc 1 "a bad access token refused with a GraphQL error"
expect_in err "access token was rejected" "named as a rejected token"
ctl POST /__emulator/config '{"bad_token_graphql_error": false}' >/dev/null

# A refused mutation was not run: it is sent again after the refresh, once.
fault '{"match":"createCustomer","auth_error":true,"times":1}'
ps apply --auto-approve
expect_rc 0 "apply with one refused mutation"
state
expect_eq "$(sq '[.customers[] | select(.externalId=="acme")] | length')" "1" "the customer exists once"

finish
