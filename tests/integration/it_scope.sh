#!/bin/sh
# --target and --select limit plan, apply and drift to part of the
# organization (and what it depends on); the JSON plan records the scope; a
# target that matches nothing is an error naming the closest address.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 50
ps apply --auto-approve
expect_rc 0 "initial apply"

# Three changes: acme's customer record, acme's Returns and globex's Returns.
edit prismsync.yaml 's/    description: Tier 1$/    description: Tier 1 (EU)/'
edit prismsync.yaml '/^  - name: Returns/,/^    enabled: false/ s/^    enabled: false/    enabled: true/'
edit prismsync.yaml 's/    labels: \[eu\]/    labels: [eu, returns]/'

ps plan --format json
expect_eq "$(jq -r '[.changes[].address] | unique | join(" ")' "$TMP/out")" "customer.acme instance.acme/Returns instance.globex/Returns" "unscoped: three objects change"
expect_eq "$(jq -r 'has("scope")' "$TMP/out")" "false" "an unscoped plan records no scope"

ps plan --format json --target 'instance.globex/*'
expect_rc 0 "plan --target with a glob"
save_json scope-target
expect_eq "$(jq -r '[.changes[].address] | unique | join(" ")' "$TMP/out")" "instance.globex/Returns" "only globex's instances"
expect_eq "$(jq -c '.scope' "$TMP/out")" '{"targets":["instance.globex/*"],"select":[]}' "the JSON plan records the scope"

ps plan --target 'instance.globex/*'
expect_in out "^Limited to --target instance.globex/\*" "the text plan says it is limited"

ps plan --format json --select tier-1
expect_eq "$(jq -r '[.changes[].address] | unique | join(" ")' "$TMP/out")" "customer.acme" "--select: objects carrying the label"
expect_eq "$(jq -c '.scope.select' "$TMP/out")" '["tier-1"]' "the selected labels are recorded"

ps plan --format json --target instance.acme/Returns --target customer.acme
expect_eq "$(jq -r '[.changes[].address] | unique | join(" ")' "$TMP/out")" "customer.acme instance.acme/Returns" "repeated --target"

# Bad input: a target matching nothing names the closest address.
ps plan --target instance.globex/Return
expect_rc 1 "a target that matches nothing"
expect_in err "--target 'instance.globex/Return' matches no object of the manifest or the organization; the closest is 'instance.globex/Returns'" "names the closest"
ps apply PLAN.json --target customer.acme
expect_rc 64 "a saved plan takes no --target"

# apply --target changes only that; the rest is still pending.
ps apply --auto-approve --target 'instance.acme/*'
expect_rc 0 "apply --target"
state
expect_eq "$(sq '.instances[] | select(.name=="Returns" and .enabled==true) | .name' | wc -l | tr -d ' ')" "2" "acme's Returns is enabled now"
expect_eq "$(sq '.customers[] | select(.externalId=="acme") | .description')" "Tier 1" "the customer was left alone"
ps drift --format json --target 'customer.*'
expect_rc 2 "drift --target sees the customer"
expect_eq "$(jq -r '[.changes[].address] | unique | join(" ")' "$TMP/out")" "customer.acme" "only customers"
ps drift --target 'instance.acme/*'
expect_rc 0 "nothing left for acme's instances"
finish
