#!/bin/sh
# prismsync api: raw GraphQL with variables from --var, --var-json, a file
# or stdin; data on stdout, errors on stderr with exit 1.
. "$(dirname "$0")/lib.sh"

emu_start

run "$PRISMSYNC" api 'mutation($n: String!, $e: String, $l: [String]) { createCustomer(input: {name: $n, externalId: $e, labels: $l}) { customer { id name externalId labels } errors { field messages } } }' \
	--var n='Acme "Corp"' --var e=acme --var-json 'l=["tier-1","eu"]'
expect_rc 0 "createCustomer through api"
expect_eq "$(jq -r .createCustomer.customer.name "$TMP/out")" 'Acme "Corp"' "name sent as a variable"
expect_eq "$(jq -c .createCustomer.customer.labels "$TMP/out")" '["tier-1","eu"]' "labels from --var-json"

printf 'query q($e: String) {\n  customers(externalId: $e) { totalCount nodes { name } }\n}\n' >"$TMP/q.graphql"
run "$PRISMSYNC" api @"$TMP/q.graphql" --var e=acme
expect_rc 0 "query from @FILE"
expect_eq "$(jq -r .customers.totalCount "$TMP/out")" 1 "query from a file finds the customer"

run sh -c "'$PRISMSYNC' api - --var-json first=1 <'$TMP/q.graphql'"
expect_rc 0 "query from stdin"
expect_eq "$(jq -r .customers.nodes[0].name "$TMP/out")" 'Acme "Corp"' "query from stdin"

# Empty lists print as [], as every JSON tool prints them.
run "$PRISMSYNC" api 'query($e: String) { customers(externalId: $e) { nodes { labels } } }' --var e=nobody
expect_rc 0 "a query with no results"
expect_in out '"nodes": \[\]$' "an empty list on one line"
expect_eq "$(grep -c '^ *\]' "$TMP/out")" 0 "no closing bracket alone on a line"
run "$PRISMSYNC" api 'query($e: String) { customers(externalId: $e) { nodes { name labels } } }' --var e=acme
expect_in out '"name": "Acme \\"Corp\\""' "a non-empty result is unchanged"

run "$PRISMSYNC" api '{ customers { nodes { nope } } }'
expect_rc 1 "a field the API lacks"
expect_in err '^prismsync api: customers: Cannot query field "nope"' "GraphQL validation error"
expect_eq "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "nothing on stdout on error"

run "$PRISMSYNC" api 'query($id: ID!) { customer(id: $id) { id } }' --var id=Q3VzdG9tZXI6bm9uZQ==
expect_rc 1 "unknown id"
expect_in err 'customer: Record not found' "not found error"

run "$PRISMSYNC" api 'mutation { createCustomer(input: {name: "Acme \"Corp\""}) { customer { id } errors { field messages } } }'
expect_rc 1 "payload errors"
expect_in err 'createCustomer' "payload error names the operation"
expect_in err 'name' "payload error names the field"

run "$PRISMSYNC" api '{ customers { totalCount } }' --var-json 'x={bad'
expect_rc 1 "--var-json that is not JSON"
expect_in err '--var-json x: invalid JSON at line 1, column' "JSON error with a position"

run "$PRISMSYNC" api @"$TMP/missing.graphql"
expect_rc 1 "missing query file"
expect_in err 'cannot open' "missing file message"

run "$PRISMSYNC" api
expect_rc 64 "api without QUERY"
expect_in err "^prismsync api: missing QUERY" "missing QUERY usage line"
expect_in err "^see 'prismsync api --help'" "usage hint"
run "$PRISMSYNC" api '{ a }' '{ b }'
expect_rc 64 "two queries"
run "$PRISMSYNC" api '{ a }' --var novalue
expect_rc 64 "--var without ="
run "$PRISMSYNC" api --help
expect_rc 0 "api --help"
expect_in out '^usage: prismsync api QUERY' "api usage"

finish
