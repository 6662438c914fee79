#!/bin/sh
# plan and apply against the emulator: creating everything from an empty
# organization, a second run with nothing to do, a definition change, a
# metadata-only change, config variables (plain and from the environment),
# and enable/disable. Each step checks the plan JSON and the emulator's state.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 200

# --- from empty
ps plan --format json --detailed-exitcode
expect_rc 2 "plan on an empty org reports changes"
save_json reconcile-create
expect_eq "$(plan_ids | tr '\n' ' ')" "customer.acme#create customer.globex#create integration.Order Export#create integration.Return Intake#create integration.Order Export#publish integration.Return Intake#publish instance.acme/Orders#create instance.acme/Orders#deploy instance.globex/Orders#create instance.globex/Orders#deploy instance.acme/Returns#create instance.acme/Returns#deploy instance.acme/Returns#disable instance.globex/Returns#create instance.globex/Returns#deploy " "changes in apply order"
expect_not_in out "acme-secret-1" "the secret is not in the plan"
expect_eq "$(jq -r '.changes[] | select(.id=="instance.acme/Orders#create") | .fields["configVariables.API Key"].after' "$TMP/out")" "(sensitive)" "secret shown as (sensitive)"
expect_eq "$(jq -r '.summary | "\(.create) \(.update) \(.publish) \(.deploy) \(.delete)"' "$TMP/out")" "8 1 2 4 0" "summary counts"

ps apply
expect_rc 1 "apply without a terminal and without --auto-approve is refused"
expect_in err "refusing to change the organization without confirmation" "the refusal says why"
state
expect_eq "$(sq '.customers | length')" "0" "the refused apply changed nothing"

ps apply --auto-approve
expect_rc 0 "apply from empty"
expect_in err "Apply complete: 15 done, 0 failed, 0 blocked" "apply summary"
expect_in err '^\[1/15\] \+ customer.acme: created' "progress line per change"
expect_not_in err "acme-secret-1" "the secret is not in the progress"
state
expect_eq "$(sq '[.customers[].externalId] | sort | join(",")')" "acme,globex" "customers created"
expect_eq "$(sq '[.customers[] | select(.externalId=="acme") | .labels[]] | sort | join(",")')" "prismsync:owner=tests,tier-1" "customer labels with the owner label"
expect_eq "$(sq '[.integrations[].name] | sort | join(",")')" "Order Export,Return Intake" "integrations created"
expect_eq "$(sq '[.integrations[] | .versions | length] | join(",")')" "1,1" "one published version each"
expect_eq "$(sq '.integrations[] | select(.name=="Order Export") | .labels | sort | join(",")')" "erp,prismsync:owner=tests" "integration labels"
expect_eq "$(sq '.instances | length')" "4" "four instances"
expect_eq "$(sq '[.instances[] | select(.needsDeploy == false and .deployedVersion == 1)] | length')" "4" "all deployed at version 1"
expect_eq "$(sq '[.instances[] | select(.enabled == false)] | length')" "1" "one disabled"
expect_eq "$(sq '[.instances[].configVariables["API Key"].value // empty] | sort | join(",")')" "acme-secret-1,plain-key-for-globex" "config values set, the secret from the environment"

# --- nothing to do
ps plan --format json --detailed-exitcode
expect_rc 0 "a second plan has nothing to do"
save_json reconcile-noop
expect_eq "$(jq '.changes | length' "$TMP/out")" "0" "no changes"
ps apply --auto-approve
expect_rc 0 "a second apply"
expect_in out "No changes" "a second apply has nothing to do"

# --- a definition change: import, publish, version update, deploy
edit integrations/orders.yml 's/timeout: {type: value, value: "30"}/timeout: {type: value, value: "45"}/'
ps plan --format json --detailed-exitcode
expect_rc 2 "definition change pending"
save_json reconcile-definition
expect_eq "$(plan_ids | tr '\n' ' ')" "integration.Order Export#import integration.Order Export#publish instance.acme/Orders#update instance.acme/Orders#deploy instance.globex/Orders#update instance.globex/Orders#deploy " "import, publish, update, deploy"
expect_eq "$(jq -r '.changes[0].fields | keys[]' "$TMP/out")" "definition.flows[0].steps[1].inputs.timeout.value" "the changed path"
expect_eq "$(jq -r '.changes[0].fields[].after' "$TMP/out")" "45" "after value"
ps apply --auto-approve
expect_rc 0 "apply the definition change"
state
expect_eq "$(sq '.integrations[] | select(.name=="Order Export") | .versions | length')" "2" "a second version published"
expect_eq "$(sq '[.instances[] | select(.deployedVersion == 2)] | length')" "2" "both Orders instances run version 2"
ps plan --detailed-exitcode
expect_rc 0 "converged after the definition change"

# --- metadata only: update without import or publish
edit integrations/orders.yml 's/^description: Sends paid orders.*/description: Sends paid orders to fulfilment./'
edit prismsync.yaml 's/    description: Tier 1/    description: Tier 1 (EU)/'
ps plan --format json --detailed-exitcode
expect_rc 2 "metadata change pending"
save_json reconcile-metadata
# Metadata alone never publishes or deploys: nothing that runs changes.
expect_eq "$(plan_ids | tr '\n' ' ')" "customer.acme#update integration.Order Export#update " "update without import, publish or roll out"
ps apply --auto-approve
expect_rc 0 "apply metadata"
state
expect_eq "$(sq '.integrations[] | select(.name=="Order Export") | .versions | length')" "2" "the metadata change publishes no version"
expect_eq "$(sq '.integrations[] | select(.name=="Order Export") | .description')" "Sends paid orders to fulfilment." "integration description updated"
ps plan --detailed-exitcode
expect_rc 0 "converged after the metadata change"
expect_eq "$(sq '.customers[] | select(.externalId=="acme") | .description')" "Tier 1 (EU)" "customer description"

# --- config variables: a plain value and a secret from the environment
edit prismsync.yaml 's|Shop URL: https://shop.globex.example|Shop URL: https://shop.globex.example/v2|'
export ACME_API_KEY=acme-secret-2
ps plan --format json --detailed-exitcode
expect_rc 2 "config changes pending"
save_json reconcile-config
expect_eq "$(plan_ids | tr '\n' ' ')" "instance.acme/Orders#update instance.acme/Orders#deploy instance.globex/Orders#update instance.globex/Orders#deploy " "config updates and deploys"
expect_not_in out "acme-secret" "neither secret in the plan"
expect_eq "$(jq -r '.changes[0].fields["configVariables.API Key"].sensitive' "$TMP/out")" "true" "the secret change is marked sensitive"
expect_eq "$(jq -r '.changes[2].fields | keys | join(",")' "$TMP/out")" "configVariables.Shop URL" "only the changed plain value"
ps apply --auto-approve
expect_rc 0 "apply config"
state
expect_eq "$(sq '.instances[] | select(.name=="Orders") | .configVariables["API Key"].value' | sort | head -1)" "acme-secret-2" "the new secret is set"
expect_eq "$(sq '.instances[] | select(.configVariables["Shop URL"].value=="https://shop.globex.example/v2") | .name')" "Orders" "the plain value is set"

# --- enable and disable
edit prismsync.yaml '/customer: acme/{n;/integration: Return Intake/{n;s/enabled: false/enabled: true/}}'
ps plan --format json --detailed-exitcode
save_json reconcile-enable
expect_eq "$(plan_ids | tr '\n' ' ')" "instance.acme/Returns#enable " "enable"
ps apply --auto-approve
expect_rc 0 "apply enable"
state
expect_eq "$(sq '[.instances[] | select(.enabled == false)] | length')" "0" "all enabled"
ps plan --detailed-exitcode
expect_rc 0 "converged"

finish
