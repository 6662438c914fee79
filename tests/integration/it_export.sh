#!/bin/sh
# prismsync export: the round-trip law (export, then plan changes nothing but
# ownership labels; after that first apply, nothing at all) and adoption
# without side effects (no import, publish or deploy), on the demo org and
# on generated S and M orgs; then filters, refusal to overwrite and --force.
. "$(dirname "$0")/lib.sh"
IT_DIR=$(cd "$(dirname "$0")" && pwd)
. "$IT_DIR/export_lib.sh"
demo="$IT_DIR/../../testdata/demo"
export NO_COLOR=1

# The demo org as prismsync left it (every object owned), and as found.
emu_start --seed "$demo/seed.json" --publish-delay-ms 50
export LARKSPUR_CLIENT_SECRET=demo-larkspur-secret ACME_ERP_API_KEY=demo-acme-erp-key
export BRIGHTLINE_ERP_API_KEY=demo-brightline-erp-key KESTREL_ERP_API_KEY=demo-kestrel-erp-key
export ACME_ZENDESK_TOKEN=demo-acme-zendesk BRIGHTLINE_ZENDESK_TOKEN=demo-brightline-zendesk
run "$PRISMSYNC" apply -f "$demo/prismsync.yaml" --auto-approve
expect_rc 0 "the demo manifest applies"
roundtrip demo
expect_eq "$(sed -n 's/^owner: //p' "$TMP/export/prismsync.yaml")" "platform" "the owner the objects carry is kept"
expect_not_in export/prismsync.yaml "demo-acme-erp-key" "a plain variable named like a credential goes to the environment"
expect_in export/prismsync.yaml "ERP API Key: \"\\\$\{env:ACME_TOOLS_ORDER_SYNC_ERP_API_KEY\}\"" "as a generated \${env:} name"
expect_in export/prismsync.yaml "enabled: false" "a disabled instance stays disabled"
expect_not_in export/prismsync.yaml "[0-9a-f]{8}-[0-9a-f]{4}|\"id\"|  id:" "no ids"

# Stable across runs: a second export of the same org is byte for byte the same.
cp -r "$TMP/export" "$TMP/export-1"
run "$PRISMSYNC" export --dir "$TMP/export" --force
expect_rc 0 "export --force over an export"
if diff -r "$TMP/export-1" "$TMP/export" >/dev/null; then ok; else bad "a second export differs"; fi

# Refuses to overwrite, and writes nothing then.
echo "mine" >"$TMP/export-1/.env.example"
run "$PRISMSYNC" export --dir "$TMP/export-1"
expect_rc 1 "export over existing files"
expect_in err "refusing to overwrite" "says why"
expect_eq "$(cat "$TMP/export-1/.env.example")" "mine" "nothing was overwritten"

# Filters: a customer, an integration, a label; an unknown one is an error with the nearest.
run "$PRISMSYNC" export --dir "$TMP/f1" --customer brightline
expect_rc 0 "export --customer"
expect_eq "$(grep -c '^  - name: ' "$TMP/f1/prismsync.yaml")" "2" "only that customer's instances"
expect_not_in f1/prismsync.yaml "acme-tools|kestrel" "no other customer"
run "$PRISMSYNC" export --dir "$TMP/f2" --integration "Ticket Bridge"
expect_rc 0 "export --integration"
expect_eq "$(ls "$TMP/f2/integrations")" "ticket-bridge.yml" "only that integration's definition"
run "$PRISMSYNC" export --dir "$TMP/f3" --label uk-south
expect_rc 0 "export --label"
expect_eq "$(grep -c '^  - name: ' "$TMP/f3/prismsync.yaml")" "1" "only the instance with the label"
run "$PRISMSYNC" export --dir "$TMP/f4" --customer brightlin
expect_rc 1 "an unknown customer"
expect_in err "no customer has externalId 'brightlin'; did you mean 'brightline'\?" "names the nearest"
[ ! -e "$TMP/f4" ] && ok || bad "nothing is written on error"
run "$PRISMSYNC" export --dir "$TMP/f5" --integration "Order Sink"
expect_rc 1 "an unknown integration"
expect_in err "did you mean 'Order Sync'" "names the nearest"
run "$PRISMSYNC" export --bogus
expect_rc 64 "an unknown option"

# The seed org, before prismsync ever touched it.
emu_start --seed "$demo/seed.json" --publish-delay-ms 50
roundtrip "demo seed"

# Generated orgs: S and M, with a code-native integration in S.
genorg "$TMP/s.json" --size S --code-native 2
emu_start --seed "$TMP/s.json" --publish-delay-ms 50
roundtrip "S"
genorg "$TMP/m.json" --size M
emu_start --seed "$TMP/m.json" --publish-delay-ms 50
roundtrip "M"

# Every form of config variable: a connection's inputs, a customer-level
# connection, a schedule with its time zone.
mkdir -p "$TMP/forms"
cat >"$TMP/forms/conn.yml" <<'YAML'
definitionVersion: 7
name: Conn Sync
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
cat >"$TMP/forms/prismsync.yaml" <<'YAML'
version: 1
owner: forms
integrations:
  - definition: conn.yml
instances:
  - name: Conn Sync
    customer: acme
    integration: Conn Sync
    configVariables:
      Base URL: https://shop.acme.example
      Shop Connection:
        inputs:
          username: svc-acme
          password: ${env:FORMS_SHOP_PW}
      Slack:
        customerConnection: slack-workspace
      Nightly:
        schedule: "0 2 * * *"
        timeZone: Europe/Berlin
YAML
jq -n '{customers: [{externalId: "acme", name: "Acme", configVariables: [
  {key: "slack-workspace", status: "ACTIVE", inputs: {token: "xoxb-acme"}}]}]}' >"$TMP/forms-seed.json"
emu_start --seed "$TMP/forms-seed.json" --publish-delay-ms 50
FORMS_SHOP_PW=forms-pw-9c1e run "$PRISMSYNC" apply -f "$TMP/forms/prismsync.yaml" --auto-approve
expect_rc 0 "the org with every form of config variable"
roundtrip "config forms"
expect_in export/prismsync.yaml "^        customerConnection: slack-workspace$" "a customer-level connection by its key"
expect_in export/prismsync.yaml "^        schedule: \"0 2 \* \* \*\"$" "a schedule"
expect_in export/prismsync.yaml "^        timeZone: Europe/Berlin$" "with its time zone"
expect_in export/prismsync.yaml "^          password: \"\\\$\{env:ACME_CONN_SYNC_SHOP_CONNECTION_PASSWORD\}\"$" "a connection input from the environment"
expect_not_in export/prismsync.yaml "svc-acme|forms-pw" "no input value in the manifest"
finish
