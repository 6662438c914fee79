#!/bin/sh
# environments: one manifest, two organizations on two emulators at once
# (staging, and a production stack in another region). Each environment is
# applied with its own URL, credentials and overrides; drift --all-envs
# checks both in one run and names the one changed by hand; credentials of
# the wrong organization, a saved plan of another environment and a
# missing credentials variable are refused before any change.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start_org staging "Acme Staging" --publish-delay-ms 50
emu_start_org eu "Acme EU" --publish-delay-ms 50
export TOKEN_STAGING=token-staging TOKEN_EU=token-eu

# The reconcile repository, made for two environments: the EU one runs the
# Orders instance of acme against its own shop, and keeps globex's Returns
# disabled (from the override file).
M="$REPO/prismsync.yaml"
{
	sed -n '/^version/,/^owner/p' "$M"
	cat <<YAML
environments:
  staging:
    url: $EMU_URL_staging
    organization: Acme Staging
    credentials: TOKEN_STAGING
  eu:
    url: $EMU_URL_eu
    organization: Acme EU
    credentials: TOKEN_EU
    overrides:
      customers:
        - {externalId: acme, description: EU region}
      instances:
        - customer: acme
          name: Orders
          labels: [eu]
          configVariables:
            Shop URL: https://shop.eu.acme.example
YAML
	sed -n '/^customers:/,$p' "$M"
} >"$TMP/m.yaml"
mv "$TMP/m.yaml" "$M"
cat >"$REPO/prismsync.eu.yaml" <<'YAML'
instances:
  - customer: globex
    name: Returns
    enabled: false
YAML

at_staging() { ctl_at "$EMU_URL_staging" "$@"; }
at_eu() { ctl_at "$EMU_URL_eu" "$@"; }
# mutations URL: how many mutations the emulator at URL has received.
mutations() { mutations_sent "$1"; }
# state_of URL JQ
state_of() { ctl_at "$1" GET /__emulator/state | jq -r "$2"; }
config_value() { # URL EID NAME KEY
	ctl_at "$1" GET /__emulator/state | jq -r --arg e "$2" --arg n "$3" --arg k "$4" \
		'(.customers[] | select(.externalId==$e) | .id) as $c | .instances[] | select(.name==$n and .customerId==$c) | .configVariables[$k].value'
}
instance_field() { # URL EID NAME FIELD
	ctl_at "$1" GET /__emulator/state | jq -r --arg e "$2" --arg n "$3" --arg f "$4" \
		'(.customers[] | select(.externalId==$e) | .id) as $c | .instances[] | select(.name==$n and .customerId==$c) | .[$f] | tostring'
}

ps validate
expect_rc 0 "validate checks the merged manifest of every environment"
expect_in out "environments checked: staging eu" "names both"

ps plan
expect_rc 1 "a manifest with environments needs --env"
expect_in err "choose one with --env NAME" "says how"

ps plan --env stagin
expect_rc 1 "unknown environment"
expect_in err "did you mean 'staging'" "did-you-mean"

# A missing credentials variable is named, before any request.
at_eu POST /__emulator/requests/reset >/dev/null
TOKEN_EU= run "$PRISMSYNC" plan -f "$M" --env eu
expect_rc 1 "credentials variable unset"
expect_in err "prismsync.yaml:[0-9]+:[0-9]+: error: environment .eu. takes its refresh token from the variable TOKEN_EU, which is not set" "names the variable at its line"
expect_eq "$(at_eu GET /__emulator/requests | jq .total)" "0" "nothing was sent"

TOKEN_EU=not-the-eu-token run "$PRISMSYNC" plan -f "$M" --env eu
expect_rc 1 "a rejected token"
expect_in err "environment 'eu' reads its refresh token from TOKEN_EU" "the hint names the environment's variable"
expect_not_in err "not-the-eu-token" "and never the value"

ps whoami --env eu
expect_rc 0 "whoami --env"
expect_in out "org: +Acme EU" "the EU organization"
expect_in out "url: +$EMU_URL_eu" "at the EU URL"

ps plan --env staging --format json
expect_rc 0 "plan for staging"
save_json env-plan-staging
expect_eq "$(jq -r .source.environment "$TMP/out")" "staging" "the plan records its environment"
expect_eq "$(jq -r .source.organization "$TMP/out")" "Acme Staging" "and its organization"

# On a terminal, apply's question names the environment and the organization.
if command -v script >/dev/null; then
	printf 'no\n' | script -qefc "'$PRISMSYNC' apply -f '$M' --env staging --allow-dirty --no-color" /dev/null >"$TMP/out" 2>&1
	rc=$?
	expect_rc 1 "not confirmed"
	expect_in out "to environment 'staging', the organization 'Acme Staging' \\($EMU_URL_staging\\)\\?" "the question names both"
	expect_eq "$(mutations "$EMU_URL_staging")" "0" "nothing was changed"
else
	echo "note: script(1) missing, the prompt is not checked"
fi

ps apply --env staging --auto-approve --allow-dirty
expect_rc 0 "apply to staging"
ps apply --env eu --auto-approve --allow-dirty
expect_rc 0 "apply to eu"
expect_eq "$(config_value "$EMU_URL_staging" acme Orders 'Shop URL')" "https://shop.acme.example" "staging has the base value"
expect_eq "$(config_value "$EMU_URL_eu" acme Orders 'Shop URL')" "https://shop.eu.acme.example" "eu has its override"
expect_eq "$(instance_field "$EMU_URL_eu" acme Orders labels | jq -r 'map(select(startswith("prismsync:") | not)) | join(",")')" "eu" "eu labels overridden"
expect_eq "$(instance_field "$EMU_URL_staging" globex Returns enabled)" "true" "staging: globex Returns enabled"
expect_eq "$(instance_field "$EMU_URL_eu" globex Returns enabled)" "false" "eu: disabled by the override file"
expect_eq "$(state_of "$EMU_URL_eu" '.customers[] | select(.externalId=="acme") | .description')" "EU region" "eu customer description"
expect_eq "$(state_of "$EMU_URL_staging" '.customers[] | select(.externalId=="acme") | .description')" "Tier 1" "staging customer description"

ps plan --env eu --detailed-exitcode
expect_rc 0 "eu converged"
expect_in out "^Environment eu, organization 'Acme EU'\\." "the text plan says which environment it planned"
ps plan --env eu --format markdown
expect_in out "Environment \`eu\`, organization Acme EU" "so does the markdown plan"

ps drift --all-envs
expect_rc 0 "both in sync"
expect_in out "environment staging: organization 'Acme Staging'.*in sync" "staging section"
expect_in out "environment eu: organization 'Acme EU'.*in sync" "eu section"

# By hand, in the EU organization only: disable acme's Orders.
id=$(ctl_at "$EMU_URL_eu" GET /__emulator/state | jq -r '(.customers[] | select(.externalId=="acme") | .id) as $c | .instances[] | select(.name=="Orders" and .customerId==$c) | .id')
run "$PRISMSYNC" api -f "$M" --env eu 'mutation($id: ID!) { updateInstance(input: {id: $id, enabled: false}) { instance { id } errors { field messages } } }' --var id="$id"
expect_rc 0 "a change by hand in eu"
at_staging POST /__emulator/requests/reset >/dev/null
at_eu POST /__emulator/requests/reset >/dev/null

ps drift --all-envs --format json --report "$TMP/drift.md" --report-format markdown
expect_rc 2 "drift found in one environment"
# For tests/schema/validate_plans.js (ctest plan_schema), which checks it against its schema.
if [ -n "${PRISMSYNC_JSON_OUT:-}" ] && [ -d "$PRISMSYNC_JSON_OUT" ]; then
	cp "$TMP/out" "$PRISMSYNC_JSON_OUT/drift-all-envs.json"
fi
expect_eq "$(jq -r '[.environments[] | .environment + ":" + .status] | join(" ")' "$TMP/out")" "staging:in-sync eu:drifted" "one section each, eu drifted"
expect_eq "$(jq -r '.environments[1].report.changes | map(.id) | join(" ")' "$TMP/out")" "instance.acme/Orders#enable" "names the change"
fp=$(jq -r '.environments[1].fingerprint' "$TMP/out")
expect_eq "$(printf %s "$fp" | grep -Ec '^[0-9a-f]{64}$')" "1" "a fingerprint for eu"
expect_eq "$(jq -r '.environments[0].fingerprint' "$TMP/out")" "null" "none for staging"
expect_eq "$(jq -r '.environments[1].report.source.environment' "$TMP/out")" "eu" "the section says its environment"
expect_eq "$(jq -r .summary.drifted "$TMP/out")" "1" "summary"
if grep -q "Environment \`eu\`: organization Acme EU, drifted" "$TMP/drift.md" && grep -q "$fp" "$TMP/drift.md"; then ok; else bad "markdown report names eu and its fingerprint"; fi
expect_eq "$(mutations "$EMU_URL_staging")$(mutations "$EMU_URL_eu")" "00" "drift changed nothing"
ps drift --all-envs
expect_rc 2 "text report"
expect_in out "environment eu: .*drifted" "text names eu"
expect_in out "instance.acme/Orders" "and the instance"

# Credentials of the wrong organization: the EU environment pointed at the
# staging stack (its token is accepted there) is refused before any change.
sed "s|url: $EMU_URL_eu|url: $EMU_URL_staging|" "$M" >"$REPO/wrong.yaml"
cp "$REPO/prismsync.eu.yaml" "$REPO/wrong.eu.yaml"
# (The staging stack is told to accept the EU token: a token that works, for
# the wrong organization.)
curl -sS --noproxy '*' -X POST -H 'Content-Type: application/json' --data-binary '{"refresh_token": "token-eu"}' "$EMU_URL_staging/__emulator/config" >/dev/null
ctl_at "$EMU_URL_staging" GET /__emulator/state >"$TMP/before.json"
at_staging POST /__emulator/requests/reset >/dev/null
for verb in plan apply drift whoami; do
	extra=""
	[ "$verb" = apply ] && extra="--auto-approve --allow-dirty"
	# shellcheck disable=SC2086
	run "$PRISMSYNC" $verb -f "$REPO/wrong.yaml" --env eu $extra
	expect_rc 1 "$verb: wrong organization refused"
	expect_in err "environment 'eu' is organization 'Acme EU', but the credentials in TOKEN_EU belong to organization 'Acme Staging'" "$verb names both organizations"
done
expect_eq "$(ctl_at "$EMU_URL_staging" GET /__emulator/requests | jq -c '.by_field')" '{"authenticatedUser":4}' "only whoami was asked"
ctl_at "$EMU_URL_staging" GET /__emulator/state >"$TMP/after.json"
if cmp -s "$TMP/before.json" "$TMP/after.json"; then ok; else bad "the wrong organization's state changed"; fi
if grep -q token-eu "$TMP/err"; then bad "a token reached the output"; else ok; fi
curl -sS --noproxy '*' -X POST -H 'Content-Type: application/json' --data-binary '{"refresh_token": "token-staging"}' "$EMU_URL_staging/__emulator/config" >/dev/null

# Without environments, a top-level organization is checked the same way.
{
	echo "organization: Acme EU"
	sed -n '/^version/,/^owner/p;/^customers:/,$p' "$M"
} >"$REPO/single.yaml"
at_staging POST /__emulator/requests/reset >/dev/null
PRISMATIC_URL=$EMU_URL_staging PRISM_REFRESH_TOKEN=token-staging run "$PRISMSYNC" apply -f "$REPO/single.yaml" --auto-approve --allow-dirty
expect_rc 1 "top-level organization refused"
expect_in err "the manifest is for organization 'Acme EU', but the credentials belong to organization 'Acme Staging'" "names both"
expect_eq "$(mutations "$EMU_URL_staging")" "0" "no change"

# A saved plan runs only in the environment it was made for.
ps apply --env eu --auto-approve --allow-dirty
ps plan --env staging --out "$TMP/staging.plan"
at_eu POST /__emulator/requests/reset >/dev/null
run "$PRISMSYNC" apply "$TMP/staging.plan" --env eu --auto-approve
expect_rc 1 "a staging plan for eu"
expect_in err "made for environment 'staging', not environment 'eu'" "says so"
expect_eq "$(at_eu GET /__emulator/requests | jq .total)" "0" "nothing was sent to eu"
jq '.source.organization = "Acme Old Staging"' "$TMP/staging.plan" >"$TMP/other.plan"
chmod 600 "$TMP/other.plan"
run "$PRISMSYNC" apply "$TMP/other.plan" --auto-approve
expect_rc 1 "a plan for another organization"
expect_in err "made for organization 'Acme Old Staging'" "names the plan's organization"

# Promotion: a version pinned in eu; staging keeps following the latest.
edit prismsync.eu.yaml '$a\  - customer: acme\n    name: Orders\n    version: 1'
edit integrations/orders.yml 's/timeout: {type: value, value: "30"}/timeout: {type: value, value: "50"}/'
ps apply --env staging --auto-approve --allow-dirty
expect_rc 0 "staging gets version 2"
ps plan --env eu --format json
save_json env-plan-eu
expect_eq "$(jq -r '[.changes[] | .id] | join(" ")' "$TMP/out")" "integration.Order Export#import integration.Order Export#publish instance.globex/Orders#update instance.globex/Orders#deploy" "eu: the integration is promoted, the instance pinned in eu stays"
ps apply --env eu --auto-approve --allow-dirty
expect_rc 0 "promotion applied"
expect_eq "$(instance_field "$EMU_URL_eu" acme Orders enabled)" "true" "the hand change in eu was repaired by the earlier apply"
expect_eq "$(config_value "$EMU_URL_eu" acme Orders 'Shop URL')" "https://shop.eu.acme.example" "eu keeps its override"

# export reads the environment's organization, after checking it is the one named.
run "$PRISMSYNC" export --env eu -f "$M" --dir "$TMP/export-eu"
expect_rc 0 "export --env eu"
expect_in export-eu/prismsync.yaml "https://shop.eu.acme.example" "the export is of the eu organization"
TOKEN_EU=$TOKEN_STAGING run "$PRISMSYNC" export --env eu -f "$M" --dir "$TMP/export-wrong"
expect_rc 1 "export with staging's credentials for eu"
expect_in err "TOKEN_EU" "names the environment's credentials variable"
[ ! -e "$TMP/export-wrong/prismsync.yaml" ] && ok || bad "nothing is written for the wrong organization"
finish
