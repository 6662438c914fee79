# The suite as it runs against a real organization, on the emulator with its
# control endpoints left alone: --org is checked and accepted, raw requests
# use an access token given as PRISM_ACCESS_TOKEN, the OAuth authorization is
# reported as needing a person, and a 429 met during the run (one answer to
# an `integration` query, which prismsync retries) is what throttle.shape
# reports. The emulator answers a bad token with a GraphQL error (HTTP 200),
# the other shape the bad-token check accepts and reports.
. "$INTEGRATION_DIR/lib.sh"

emu_start
token=$(ctl POST /__emulator/token '{}' | jq -r .access_token)
unset PRISM_REFRESH_TOKEN
fault '{"match": "integration", "status": 429, "retry_after": 1, "times": 1}'
ctl POST /__emulator/config '{"bad_token_graphql_error": true}' >/dev/null

run env PRISM_ACCESS_TOKEN="$token" PRISMSYNC_CONTRACT_AS_REAL=1 \
    sh "$CONTRACT_SH" --org "Emulated Org" --report "$TMP/report.md" --prismsync "$PRISMSYNC"
expect_rc 0 "the suite as against a real organization"
expect_in out '^  result: +[0-9]+ passed, 0 failed, 1 skipped$' "one check skipped, none failed"
expect_in out '^  API: +127\.0\.0\.1:[0-9]+ \(organization "Emulated Org"\)$' "the host and organization, not called an emulator"
expect_in out '^SKIP  oauth\.authorized +needs a person' "authorizing is left to a person"
expect_in out '^PASS  throttle\.shape +1 requests answered 429' "the 429 met during the run"
expect_in out '^PASS  errors\.bad-token +HTTP 200 with a GraphQL auth error: "Authentication credentials' "a bad token answered as a GraphQL error"
expect_in out '^PASS  pages\.offset-large ' "offset pages"
expect_in out '^  cleanup: +all 5 object\(s\) the run created were removed$' "the cleanup line"
expect_eq "$(ctl GET /__emulator/config | jq .rate_limit)" 0 "the emulator's rate limit untouched"
for f in out err report.md; do
	expect_not_in "$f" 'eyJ[A-Za-z0-9_-]{8,}' "no access token in $f"
done
left=$(ctl GET /__emulator/state | jq '[(.customers[], .integrations[], (.instances // [])[]) | select(.name | startswith("prismsync-contract"))] | length')
expect_eq "$left" 0 "objects the run created left in the emulator"
finish
