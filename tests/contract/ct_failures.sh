# When the API does not behave as assumed, the suite says so: every deploy
# refused (a payload error injected by the emulator) fails deploy.returns
# with the API's message, the needsDeploy checks that would start from an
# undeployed instance are skipped rather than passed, the run exits 1, and
# it still removes what it created. When the main integration cannot even be
# imported, the run says why and reports every check, skipped.
. "$INTEGRATION_DIR/lib.sh"

emu_start
fault '{"match": "deployInstance", "payload_errors": [{"field": "__all__", "messages": ["Deploys are switched off for this test."]}]}'

run sh "$CONTRACT_SH" --prismsync "$PRISMSYNC"
expect_rc 1 "a run with failed checks"
expect_in out '^FAIL  deploy\.returns +expected deployInstance to succeed; saw an error: .*Deploys are switched off for this test\.' "the failure names expectation and the API's text"
expect_in err '^FAIL  deploy\.returns ' "failures are shown while the run goes"
expect_in out '^SKIP  deploy\.reread ' "no re-read without a deploy"
for check in needs-deploy.description needs-deploy.config-update-instance needs-deploy.config-partial needs-deploy.version; do
	expect_in out "^SKIP  $check +the instance could not be deployed before this check" "$check is not passed on an undeployed instance"
done
expect_in out '^FAIL  deploy\.reread-new-version ' "the second deploy fails too"
expect_in out '^PASS  needs-deploy\.after-create ' "checks that do not deploy still pass"
expect_in out '^  result: +[0-9]+ passed, [1-9][0-9]* failed' "the summary counts the failures"
expect_in out '^  cleanup: +all 5 object\(s\) the run created were removed$' "the cleanup line"
left=$(ctl GET /__emulator/state | jq '[(.customers[], .integrations[], (.instances // [])[]) | select(.name | startswith("prismsync-contract"))] | length')
expect_eq "$left" 0 "objects the run created left in the emulator"

faults_reset
fault '{"match": "importIntegration", "payload_errors": [{"field": "definition", "messages": ["Unknown component sftp."]}]}'
run sh "$CONTRACT_SH" --prismsync "$PRISMSYNC"
expect_rc 1 "a run whose integrations cannot be imported"
expect_in out '^FAIL  setup +expected a customer and an integration .*; saw importing definitions/main\.yml: .*Unknown component sftp\.' "setup names the API's error"
expect_eq "$(grep -cE '^(PASS|FAIL|SKIP)  ' "$TMP/out")" 34 "every check is reported"
expect_in out '^SKIP  deploy\.returns +needs the customer and an available version' "checks that need the integration are skipped"
expect_in out '^PASS  errors\.unknown-id ' "checks that need no object still run"
expect_in out '^  cleanup: +all 1 object\(s\) the run created were removed$' "the customer is removed"
finish
