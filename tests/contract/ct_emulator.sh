# The whole contract suite against a fresh emulator: every check passes,
# the report says so without a token in it, and the emulator holds nothing
# the run created afterwards. The emulator is seeded with 150 components so
# that offset pages of 100 cross a page boundary.
. "$INTEGRATION_DIR/lib.sh"

jq -n '{components: [range(150) | {key: "contract-seed-\(.)", label: "Seed Component \(1000 + .)"}]}' >"$TMP/seed.json"
emu_start --seed "$TMP/seed.json"

run sh "$CONTRACT_SH" --org "Emulated Org" --report "$TMP/report.md" --prismsync "$PRISMSYNC"
expect_rc 0 "the suite against the emulator"
expect_in out '^  result: +[0-9]+ passed, 0 failed, 0 skipped$' "every check passes"
expect_in out '^  cleanup: +all 5 object\(s\) the run created were removed$' "the cleanup line"
expect_in out "^  API: +127\.0\.0\.1:[0-9]+ \(the prismsync emulator" "the report names the host"
expect_in out '^  prismsync: +prismsync [0-9]' "the report names the prismsync version"
for check in setup publish.first-number publish.second-number publish.available \
    needs-deploy.after-create deploy.never-deployed-is-0 connection.values-read-back \
    connection.write-only deploy.returns deploy.reread needs-deploy.description \
    needs-deploy.config-update-instance needs-deploy.config-partial config.partial-keeps-others \
    needs-deploy.version deploy.reread-new-version execution.test-flow needs-deploy.enable-disable \
    connection.values-replace-all oauth.pending \
    oauth.deploy-while-pending oauth.authorized errors.unknown-id errors.invalid-input \
    errors.success-empty errors.batch errors.bad-token lock.unique-name lock.simultaneous \
    throttle.shape pages.limit-101-refused \
    pages.limit-100-works pages.offset-small pages.offset-large; do
	expect_in out "^PASS  $check " "check $check ran and passed"
	expect_in report.md "^\| \`$check\` \| \*\*PASS\*\* \|" "check $check in the markdown report"
	nchecks=$((${nchecks:-0} + 1))
done
expect_eq "$(grep -cE '^(PASS|FAIL|SKIP)  ' "$TMP/out")" "$nchecks" "the number of checks in the report"
expect_in out 'pages\.offset-large .*ids in [2-9] page' "offset pages of 100 crossed a page boundary"
expect_in out 'needs-deploy.enable-disable +observed' "enable/disable is reported as an observation"

# No token anywhere: not the refresh token, not an access token (a JWT).
for f in out err report.md; do
	expect_not_in "$f" 'test-refresh-token|eyJ[A-Za-z0-9_-]{8,}' "no token in $f"
done

ctl GET /__emulator/state >"$TMP/state.json"
left=$(jq '[(.customers[], .integrations[], (.instances // [])[]) | select(.name | startswith("prismsync-contract"))] | length' "$TMP/state.json")
expect_eq "$left" 0 "objects the run created left in the emulator"
finish
