#!/bin/sh
# plan and apply ask Prismatic (validateIntegrationSchema) about each
# definition they would import: one the API refuses stops them before any
# change, with the API's reason at the integration's 'definition:' line.
# drift, which changes nothing, does not ask.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 100
# Valid YAML that validate accepts, but not an endpoint type Prismatic knows.
edit integrations/orders.yml 's/^endpointType: .*/endpointType: per_customer/'
ps plan
expect_rc 1 "plan refuses"
line=$(grep -n 'definition: integrations/orders.yml' "$REPO/prismsync.yaml" | cut -d: -f1)
expect_in err "prismsync.yaml:$line:17: error: Prismatic refuses the definition of integration 'Order Export' \\(integrations/orders.yml\\): .*endpointType" \
	"the API's reason at the manifest position"
expect_in err "Prismatic would refuse 1 definition; nothing was changed" "summary"
expect_eq "$(ctl GET /__emulator/requests | jq '.by_field.validateIntegrationSchema')" "2" "both definitions were checked"

ctl POST /__emulator/requests/reset >/dev/null
ps apply --auto-approve
expect_rc 1 "apply refuses"
expect_eq "$(mutations_sent)" "0" "apply changed nothing"

ps drift
expect_not_in err "refuses" "drift does not ask"

# Fixed: plan goes on.
edit integrations/orders.yml 's/^endpointType: .*/endpointType: flow_specific/'
ps plan --detailed-exitcode
expect_rc 2 "plan with changes"
ps apply --auto-approve
expect_rc 0 "apply"
ctl POST /__emulator/requests/reset >/dev/null
ps plan --detailed-exitcode
expect_rc 0 "nothing to import, nothing to check"
expect_eq "$(ctl GET /__emulator/requests | jq '.by_field.validateIntegrationSchema // 0')" "0" "no check without an import"
finish
