#!/bin/sh
# Config variables of every kind against the emulator: an instance made by
# the real prism CLI with a connection is adopted with no config change, and
# prism reads back what prismsync wrote; a required variable left unset and
# a customer-level connection the customer does not have fail plan at their
# position and change nothing; an existing customer-level connection is
# written, read back, and then nothing is left to do.
. "$(dirname "$0")/lib.sh"
PRISM="$(cd "$(dirname "$0")/../prism" && pwd)/node_modules/.bin/prism"
export NO_COLOR=1
export SHOP_PW=shop-pw-4e1d-do-not-print

repo="$TMP/repo"
mkdir -p "$repo"
cat >"$repo/conn.yml" <<'YAML'
definitionVersion: 7
name: Conn Sync
description: Orders through a basic-auth shop, a customer's Slack and a nightly run.
requiredConfigVars:
  - key: Base URL
    dataType: string
  - key: Shop Connection
    dataType: connection
    connection:
      key: basic
      component: {key: http, version: LATEST, isPublic: true}
    inputs:
      username: {type: value, value: ""}
      password: {type: value, value: ""}
  - key: Slack
    dataType: connection
    connection:
      key: apiKey
      component: {key: slack, version: LATEST, isPublic: true}
    inputs:
      token: {type: value, value: ""}
  - key: Nightly
    dataType: schedule
flows:
  - name: Sync
    steps:
      - name: Trigger
        isTrigger: true
        action:
          key: schedule
          component: {key: schedule-triggers, version: LATEST, isPublic: true}
YAML

# Globex has more customer-level connections than one page holds.
jq -n '{customers: [
  {externalId: "acme", name: "Acme", configVariables: [
    {key: "slack-workspace", status: "ACTIVE", inputs: {token: "xoxb-acme"}},
    {key: "slack-sandbox", status: "ACTIVE", inputs: {token: "xoxb-sandbox"}}]},
  {externalId: "globex", name: "Globex", configVariables:
    [range(0; 150) | {key: "gx-\(.)", status: "ACTIVE", inputs: {token: "t"}}]}]}' >"$TMP/seed.json"

head_manifest() {
	cat <<'YAML'
version: 1
owner: cfg
integrations:
  - definition: conn.yml
YAML
}
conn_sync() { # conn_sync CUSTOMER NAME BASE-URL USERNAME SLACK-KEY
	cat <<YAML
  - name: $2
    customer: $1
    integration: Conn Sync
    configVariables:
      Base URL: $3
      Shop Connection:
        inputs:
          username: $4
          password: \${env:SHOP_PW}
      Slack:
        customerConnection: $5
      Nightly:
        schedule: "0 2 * * *"
        timeZone: Europe/Berlin
YAML
}
ps() { verb=$1; shift; run "$PRISMSYNC" "$verb" -f "$repo/prismsync.yaml" "$@"; }
state() { ctl GET /__emulator/state >"$TMP/state.json"; }
sq() { jq -r "$1" "$TMP/state.json"; }
all="$TMP/all"
: >"$all"
keep() { cat "$TMP/out" "$TMP/err" >>"$all"; }
# save_json NAME: keeps the last JSON plan for the plan schema test.
save_json() {
	if [ -n "${PRISMSYNC_JSON_OUT:-}" ] && [ -d "$PRISMSYNC_JSON_OUT" ]; then
		cp "$TMP/out" "$PRISMSYNC_JSON_OUT/$1.json"
	fi
}

emu_start --seed "$TMP/seed.json" --publish-delay-ms 50
head_manifest >"$repo/prismsync.yaml"
ps apply --auto-approve
keep
expect_rc 0 "import and publish Conn Sync"
state
acme=$(sq '.customers[] | select(.externalId=="acme") | .id')
version=$("$PRISMSYNC" api '{ integrations(name: "Conn Sync") { nodes { versionSequence(first: 1, versionIsAvailable: true, sortBy: [{field: VERSION_NUMBER, direction: DESC}]) { nodes { id } } } } }' |
	jq -r '.integrations.nodes[0].versionSequence.nodes[0].id')
slack=$("$PRISMSYNC" api 'query($c: ID) { customerConfigVariables(customer: $c, key: "slack-workspace") { nodes { id } } }' --var c="$acme" |
	jq -r '.customerConfigVariables.nodes[0].id')
expect_eq "$(printf %s "$slack" | grep -c .)" "1" "the seeded customer-level connection is listed"

# (c) A required variable left unset: an error at the instance, nothing changes.
{
	head_manifest
	echo "instances:"
	echo "  - name: Conn Sync Globex     # instance-line"
	echo "    customer: globex"
	echo "    integration: Conn Sync"
	echo "    configVariables:"
	echo "      Nightly:"
	echo "        schedule: \"0 3 * * *\""
	echo "        timeZone: UTC"
} >"$repo/prismsync.yaml"
line=$(grep -n 'instance-line' "$repo/prismsync.yaml" | cut -d: -f1)
requests_reset
ps plan
keep
expect_rc 1 "plan refuses an instance left with required variables unset"
expect_in err "prismsync.yaml:$line:5: error: instance 'Conn Sync Globex' of customer 'globex' would be left with required config variables 'Base URL', 'Shop Connection', 'Slack' unset" \
	"the error names the instance, its position and the unset variables"
expect_in err "deploy: false" "the error says how to create it without deploying"
sed -i 's/    configVariables:/    deploy: false\n    configVariables:/' "$repo/prismsync.yaml"
ps plan --format json --out "$TMP/saved.json"
expect_rc 0 "deploy: false plans the instance without deploying it"
cp "$TMP/saved.json" "$TMP/out"
save_json config-create-saved
expect_eq "$(jq -r '[.changes[].id] | join(",")' "$TMP/out")" "instance.globex/Conn Sync Globex#create" "create, no deploy"

# Every page of customer-level connections is read: the first and the last one resolve.
{
	head_manifest
	echo "instances:"
	for k in 0 149; do
		echo "  - name: G$k"
		echo "    customer: globex"
		echo "    integration: Conn Sync"
		echo "    deploy: false"
		echo "    configVariables:"
		echo "      Slack:"
		echo "        customerConnection: gx-$k"
	done
} >"$repo/prismsync.yaml"
ps plan --format json
keep
expect_rc 0 "customer-level connections on every page are found"
expect_eq "$(jq -r '[.changes[].fields["configVariables.Slack.customerConnection"].after] | join(",")' "$TMP/out")" "gx-0,gx-149" \
	"each instance points at its connection"

# (d) A customer-level connection the customer does not have.
{
	head_manifest
	echo "instances:"
	conn_sync acme "Conn Sync 2" https://two.acme.example svc-two slack-prod
} >"$repo/prismsync.yaml"
line=$(grep -n 'customerConnection: slack-prod' "$repo/prismsync.yaml" | cut -d: -f1)
ps plan
keep
expect_rc 1 "plan refuses a customer connection that does not exist"
expect_in err "prismsync.yaml:$line:[0-9]+: error: customer 'acme' has no customer-level connection 'slack-prod'.*'slack-workspace', 'slack-sandbox'" \
	"the error is at its position and lists the customer's connections"
state
expect_eq "$(sq '.instances | length')" "0" "a refused plan changed nothing"

# ... and one that exists is written and read back with nothing left to do.
sed -i 's/slack-prod/slack-workspace/' "$repo/prismsync.yaml"
ps apply --auto-approve
keep
expect_rc 0 "apply with a customer-level connection"
ps plan --format json --detailed-exitcode
keep
expect_rc 0 "the customer-level connection reads back as written"
id2=$("$PRISMSYNC" api 'query($c: ID!) { instances(customer: $c, name: "Conn Sync 2") { nodes { id deployedVersion needsDeploy configVariables { nodes { customerConfigVariable { id } requiredConfigVariable { key } } } } } }' --var c="$acme")
expect_eq "$(echo "$id2" | jq -r '.instances.nodes[0].configVariables.nodes[] | select(.requiredConfigVariable.key=="Slack") | .customerConfigVariable.id')" "$slack" \
	"the instance points at the customer's connection"
expect_eq "$(echo "$id2" | jq -r '.instances.nodes[0].needsDeploy')" "false" "and it is deployed"

# (b) An instance made by the prism CLI with a connection is adopted with no config change.
if [ ! -x "$PRISM" ]; then
	echo "the prism CLI is not installed at $PRISM: run npm ci in tests/prism"
	exit 1
fi
AT=$(ctl POST /auth/refresh '{"refresh_token": "test-refresh-token"}' | jq -r .access_token)
mkdir -p "$TMP/home"
prism() {
	env -i PATH="$PATH" HOME="$TMP/home" PRISMATIC_URL="$PRISMATIC_URL" PRISM_ACCESS_TOKEN="$AT" \
		PRISM_SKIP_NEW_VERSION_CHECK=true NO_COLOR=1 TZ=UTC timeout 60 "$PRISM" "$@"
}
vars=$(jq -cn --arg pw "$SHOP_PW" --arg slack "$slack" '[
	{key: "Base URL", value: "https://one.acme.example"},
	{key: "Shop Connection", values: ([{name: "username", type: "value", value: "svc-one"},
	                                   {name: "password", type: "value", value: $pw}] | tojson)},
	{key: "Slack", customerConfigVariableId: $slack},
	{key: "Nightly", value: "0 2 * * *", scheduleType: "CUSTOM", timeZone: "Europe/Berlin"}]')
made=$(prism instances:create --name "Conn Sync" --integration "$version" --customer "$acme" --config-vars "$vars" 2>"$TMP/prism.err")
expect_eq "$(printf %s "$made" | grep -c .)" "1" "prism instances:create with a connection ($(cat "$TMP/prism.err"))"
made=$(printf %s "$made" | head -n 1)

{
	head_manifest
	echo "instances:"
	conn_sync acme "Conn Sync 2" https://two.acme.example svc-two slack-workspace
	conn_sync acme "Conn Sync" https://one.acme.example svc-one slack-workspace
} >"$repo/prismsync.yaml"
ps plan --format json
keep
save_json config-adopt
expect_rc 0 "plan adopting the prism-made instance"
expect_eq "$(jq -r '[.changes[] | select(.address=="instance.acme/Conn Sync") | .fields | keys[] | select(startswith("configVariables"))] | length' "$TMP/out")" "0" \
	"the same inputs as prism set: no config change planned"
ps apply --auto-approve
keep
expect_rc 0 "adopt it"

# A change made by prismsync is what prism reads back.
sed -i 's#https://one.acme.example#https://one-v2.acme.example#; s#svc-one#svc-one-v2#' "$repo/prismsync.yaml"
ps plan --format json --out "$TMP/change.json"
keep
save_json config-change
cat "$TMP/change.json" >>"$all"
expect_eq "$(jq -r '.changes[] | select(.action=="update") | .payload.configVariables[] | select(.key=="Shop Connection") | .inputs | map(.name + "=" + (.value // ("$" + .env))) | join(",")' "$TMP/change.json")" \
	"username=svc-one-v2,password=\$SHOP_PW" "a saved plan writes every input of the connection, the secret as its reference"
expect_eq "$(jq -r '[.changes[] | select(.action=="update") | .fields | keys[]] | sort | join(",")' "$TMP/out")" \
	"configVariables.Base URL,configVariables.Shop Connection.inputs.username" "only what changed is planned"
run "$PRISMSYNC" apply "$TMP/change.json" --auto-approve
keep
expect_rc 0 "apply the saved plan: its secret is read from the environment now"
state
expect_eq "$(sq '.instances[] | select(.name=="Conn Sync") | .configVariables["Shop Connection"].inputs | .username + "|" + .password')" \
	"svc-one-v2|$SHOP_PW" "the connection holds every input, the password from the environment"
expect_eq "$(sq '.instances[] | select(.name=="Conn Sync") | .configVariables.Nightly | .value + "|" + .scheduleType + "|" + .timeZone')" \
	"0 2 * * *|CUSTOM|Europe/Berlin" "the schedule with its type and time zone"
prism instances:config-vars:list "$made" --output json >"$TMP/prism.json" 2>"$TMP/prism.err"
expect_eq "$(jq -r '.[] | select(.key=="Base URL") | .value' "$TMP/prism.json")" "https://one-v2.acme.example" \
	"prism instances:config-vars:list shows the value prismsync set ($(cat "$TMP/prism.err"))"
expect_in prism.json "svc-one-v2" "and the connection input prismsync set"
ps plan --format json --detailed-exitcode
keep
expect_rc 0 "then nothing is left to do"

cp "$all" "$TMP/out"
expect_not_in out "$SHOP_PW" "the password never appears in any output"
finish
