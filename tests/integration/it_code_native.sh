#!/bin/sh
# An organization holding code-native integrations (no YAML definition) and
# a definition-less draft: plan, apply and drift work, instances of them are
# managed like any other, their definitions are never asked for, and a
# manifest that tries to import one is refused at its position.
. "$(dirname "$0")/lib.sh"

SEED="$EMULATOR_DIR/testdata/code-native-seed.json"
[ -f "$SEED" ] || { echo "FAIL: $SEED is missing" >&2; exit 1; }
export NO_COLOR=1
emu_start --seed "$SEED"
mkdir -p "$TMP/repo/integrations"
cat >"$TMP/repo/prismsync.yaml" <<'YAML'
version: 1
owner: tests
instances:
  - name: Native Billing
    customer: beta
    integration: Native Billing
    version: 1
    configVariables:
      Billing Token: beta-billing
  - name: Native Billing
    customer: acme
    integration: Native Billing
    version: 1
YAML
ps() { verb=$1; shift; run "$PRISMSYNC" "$verb" -f "$TMP/repo/prismsync.yaml" "$@"; }
integration_reads() { ctl GET /__emulator/requests | jq -r '.by_field.integration // 0'; }

requests_reset
ps plan --detailed-exitcode
expect_rc 2 "plan with code-native integrations in the org"
expect_in out "instance.beta/Native Billing" "the instance of a code-native integration is planned"
expect_in out "deploy version 1 \(never deployed\)" "deployedVersion 0 reads as never deployed"
expect_in out "~ version: 2 -> 1" "the instance of a code-native integration changes version"
expect_eq "$(integration_reads)" "0" "no definition was read: the manifest manages no integration"

ps plan --out "$TMP/plan.json"
expect_rc 0 "saved plan"
run "$PRISMSYNC" apply "$TMP/plan.json" --auto-approve
expect_rc 0 "apply the saved plan to instances of a code-native integration"
ctl GET /__emulator/state >"$TMP/state.json"
expect_eq "$(jq -r '.instances[] | select(.id=="SW5zdGFuY2U6Y24tYmV0YQ==") | "\(.needsDeploy) \(.deployedVersion)"' "$TMP/state.json")" "false 1" "deployed at version 1"

ps plan --detailed-exitcode
expect_rc 0 "nothing left to do"
ps drift
expect_rc 0 "no drift"

# A definition-less integration managed by the manifest: its definitions are
# read, in one batch, and only its own.
cat >"$TMP/repo/integrations/relay.yml" <<'YAML'
definitionVersion: 7
name: YAML Relay
description: A low-code integration beside the code-native ones
requiredConfigVars:
  - key: Target URL
    dataType: string
    defaultValue: https://relay.example
flows:
  - name: Relay
    steps:
      - name: Trigger
        isTrigger: true
        action:
          key: webhook
          component: {key: webhook-triggers, version: LATEST, isPublic: true}
YAML
printf 'integrations:\n  - definition: integrations/relay.yml\n' >>"$TMP/repo/prismsync.yaml"
requests_reset
ps plan --format json
expect_rc 0 "plan managing a YAML integration beside code-native ones"
expect_eq "$(integration_reads)" "1" "one batch read the managed integration's definitions"

# Importing a code-native integration is refused at its position.
cat >"$TMP/repo/integrations/billing.yml" <<'YAML'
definitionVersion: 7
name: Native Billing
requiredConfigVars:
  - key: Billing Token
    dataType: string
flows: []
YAML
printf '  - definition: integrations/billing.yml\n' >>"$TMP/repo/prismsync.yaml"
ps plan
expect_rc 1 "a manifest importing a code-native integration"
expect_in err "prismsync.yaml:[0-9]+:[0-9]+: error: integration 'Native Billing' is code-native: it cannot be imported from a YAML definition" "refused at its position"
state_after=$(ctl GET /__emulator/state | jq -c '.integrations | length')
expect_eq "$state_after" "3" "nothing was imported"

finish
