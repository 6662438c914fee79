#!/bin/sh
# Every command with -v under faults: neither the refresh token nor any
# access token may appear anywhere in stdout or stderr, not even when the
# server echoes a token back in an error message.
. "$(dirname "$0")/lib.sh"

RT=rt-7f3a9c-do-not-print-0b1e
emu_start --refresh-token "$RT"
export PRISM_REFRESH_TOKEN="$RT"
all="$TMP/all"
: >"$all"
T="timeout 90"

# Runs a command and keeps everything it printed.
runv() {
	run $T "$@"
	cat "$TMP/out" "$TMP/err" >>"$all"
}

everything() {
	runv "$PRISMSYNC" whoami -v
	runv "$PRISMSYNC" api -v '{ customers { totalCount } }'
	runv "$PRISMSYNC" api -v 'mutation($n: String!) { createCustomer(input: {name: $n}) { customer { id } errors { field messages } } }' --var n="C $1"
	runv "$PRISMSYNC" api -v '{ authenticatedUser { id } }' --var-json 'x={"a": 1}'
	runv "$PRISMSYNC" validate -v -f "$TMP/none.yaml"
	runv "$APIDRIVER" fetch
}

faults_reset
everything plain
expect_in all "whoami|authenticatedUser: HTTP 200" "the verbose log shows operations"

faults_reset
fault '{"match": "*", "status": 429, "retry_after": 1, "times": 2}'
fault '{"match": "*", "status": 503, "times": 2}'
fault '{"match": "customers", "drop": true, "times": 1}'
everything faults
expect_in all "HTTP 429 .*retry in" "the log shows retries"

faults_reset
fault '{"match": "authenticatedUser", "data_null": true}'
fault '{"match": "customers", "garbage": true}'
everything errors

# Expiring tokens: refreshes and 401s.
faults_reset
ctl POST /__emulator/config '{"token_ttl": 2}' >/dev/null
fault '{"match": "*", "delay_ms": 1100}'
runv env APIDRIVER_PARALLELISM=1 "$APIDRIVER" fetch
runv "$PRISMSYNC" whoami -v
ctl POST /__emulator/config '{"token_ttl": 3600}' >/dev/null

# A known access token, rejected, expired, and echoed back by the server.
faults_reset
AT=$(ctl POST /auth/refresh "{\"refresh_token\": \"$RT\"}" | jq -r .access_token)
runv env -u PRISM_REFRESH_TOKEN PRISM_ACCESS_TOKEN="$AT" "$PRISMSYNC" whoami -v
fault "{\"match\": \"authenticatedUser\", \"status\": 500, \"body\": \"{\\\"errors\\\": [{\\\"message\\\": \\\"bad token $AT\\\"}]}\"}"
runv env -u PRISM_REFRESH_TOKEN PRISM_ACCESS_TOKEN="$AT" "$PRISMSYNC" whoami -v
expect_in err "bad token \[redacted\]" "an echoed token is redacted"
faults_reset
runv env -u PRISM_REFRESH_TOKEN PRISM_ACCESS_TOKEN=rejected-token-5d1e "$PRISMSYNC" whoami -v
runv env PRISM_REFRESH_TOKEN=wrong-refresh-token-9c2 "$PRISMSYNC" api -v '{ customers { totalCount } }'

# plan, apply and drift with -v, a saved plan, and a secret from the environment.
. "$(dirname "$0")/reconcile_lib.sh"
export ACME_API_KEY=env-secret-4b7e-do-not-print
faults_reset
runv "$PRISMSYNC" plan -v -f "$REPO/prismsync.yaml" --format json --out "$TMP/saved.json"
cat "$TMP/saved.json" >>"$all"
fault '{"match": "*", "status": 429, "retry_after": 1, "times": 2}'
runv "$PRISMSYNC" apply -v -f "$REPO/prismsync.yaml" --auto-approve
faults_reset
runv "$PRISMSYNC" drift -v -f "$REPO/prismsync.yaml" --format markdown
edit prismsync.yaml 's/ACME_API_KEY/ACME_API_KEY_UNSET/'
runv "$PRISMSYNC" plan -v -f "$REPO/prismsync.yaml"

cp "$all" "$TMP/out"
: >"$TMP/err"
expect_not_in out "env-secret-4b7e" "a secret from the environment never printed or saved"
expect_in out "Apply complete" "the apply ran"
expect_not_in out "$RT" "refresh token never printed"
expect_not_in out "wrong-refresh-token-9c2" "rejected refresh token never printed"
expect_not_in out "rejected-token-5d1e" "rejected access token never printed"
expect_not_in out "eyJ" "no access token (JWT) printed"
expect_not_in out "Bearer|Authorization" "no Authorization header printed"
expect_in out "prismsync: " "there was output to check"

finish
