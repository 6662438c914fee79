#!/bin/sh
# The round-trip law and adoption without side effects on an org built from
# every real-world definition (../shared/realworld beside the checkout),
# instances on three customers, every connection input set through ${env:}
# and OAuth 2.0 connections authorized: export, set the variables
# .env.example names, plan (only ownership labels), apply (no import,
# publish or deploy), plan (no changes). Skipped (exit 77) without the corpus.
. "$(dirname "$0")/lib.sh"
IT_DIR=$(cd "$(dirname "$0")" && pwd)
. "$IT_DIR/export_lib.sh"
need_realworld
export NO_COLOR=1
repo="$TMP/rw"
mkdir -p "$repo/defs"
cp "$corpus"/*.yml "$repo/defs/"
export NO_COLOR=1

# The manifest, the environment holding every connection input, and the
# list of OAuth 2.0 connections (customer, instance, key) apply must wait on.
"$NODE" "$(dirname "$0")/realworld_manifest.js" "$repo" "$EMULATOR_DIR/yaml.js" rw-north rw-south rw-west || exit 1
. "$repo/env.sh"

emu_start --publish-delay-ms 50
run "$PRISMSYNC" apply -f "$repo/prismsync.yaml" --auto-approve
expect_rc 0 "the real-world org is built"
jq -c '.[]' "$repo/pending.json" | while read -r p; do
	ctl POST /__emulator/authorize "$p" >/dev/null
done
run "$PRISMSYNC" apply -f "$repo/prismsync.yaml" --auto-approve
expect_rc 0 "authorized connections deploy"
ninst=$(ctl GET /__emulator/state | jq '.instances | length')

# A user adopting it has none of the variables the build used.
for v in $(sed -n 's/^export \([A-Z_0-9]*\)=.*/\1/p' "$repo/env.sh"); do unset "$v"; done
roundtrip "real world"
expect_eq "$(grep -c '^  - name: ' "$TMP/export/prismsync.yaml")" "$ninst" "every instance is exported"
expect_eq "$(ls "$TMP/export/integrations" | wc -l | tr -d ' ')" "$(ls "$corpus"/*.yml | wc -l | tr -d ' ')" "one definition file per integration"
finish
