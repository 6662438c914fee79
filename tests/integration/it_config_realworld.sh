#!/bin/sh
# Every real-world definition (../shared/realworld beside the checkout) as
# instances of two customers, every connection input from ${env:}: apply
# deploys what can deploy, reports each OAuth 2.0 connection as waiting for
# authorization (not as a failure), deploys it once a person has authorized
# it, and the next plan has nothing to do. No secret appears in any output,
# saved plan or drift report. Skipped (exit 77) where the corpus is absent.
. "$(dirname "$0")/lib.sh"
need_realworld
repo="$TMP/rw"
mkdir -p "$repo/defs"
cp "$corpus"/*.yml "$repo/defs/"
export NO_COLOR=1

# The manifest, the environment holding every connection input, and the
# list of OAuth 2.0 connections (customer, instance, key) apply must wait on.
"$NODE" "$(dirname "$0")/realworld_manifest.js" "$repo" "$EMULATOR_DIR/yaml.js" rw-north rw-south || exit 1
. "$repo/env.sh"
secrets=$(sed -n "s/^export [A-Z_0-9]*='\(.*\)'$/\1/p" "$repo/env.sh")
npending=$(jq length "$repo/pending.json")
all="$TMP/all"
: >"$all"
keep() { cat "$TMP/out" "$TMP/err" >>"$all"; }

emu_start --publish-delay-ms 50
run "$PRISMSYNC" validate -f "$repo/prismsync.yaml"
keep
expect_rc 0 "the generated manifest is valid"

run "$PRISMSYNC" plan -f "$repo/prismsync.yaml" --out "$TMP/saved.json"
keep
cat "$TMP/saved.json" >>"$all"
expect_rc 0 "plan"
expect_in out "\(sensitive\)" "connection inputs from the environment are shown as (sensitive)"

run "$PRISMSYNC" apply -v -f "$repo/prismsync.yaml" --auto-approve
keep
expect_rc 0 "apply: OAuth 2.0 connections waiting for a person are not a failure"
if [ "$npending" -gt 0 ]; then
	expect_in err "awaits? OAuth 2.0 authorization" "apply says which connections wait for authorization"
fi
ctl GET /__emulator/state >"$TMP/state.json"
ninst=$(jq '.instances | length' "$TMP/state.json")
expect_eq "$ninst" "$(( $(ls "$repo"/defs/*.yml | wc -l) * 2 ))" "one instance per definition and customer"

# Each instance with a connection waiting for a person is not deployed; every other one is.
undeployed() {
	ctl GET /__emulator/state | jq -r '.instances[] | select((.deployedVersion // 0) == 0 or .needsDeploy) | .name' | sort -u
}
want_pending=$(jq -r '.[].name' "$repo/pending.json" | sort -u)
expect_eq "$(undeployed)" "$want_pending" "exactly the instances with an OAuth 2.0 connection wait"
jq -c '.[]' "$repo/pending.json" | while read -r p; do
	c=$(echo "$p" | jq -r .customer)
	name=$(echo "$p" | jq -r .name)
	key=$(echo "$p" | jq -r .key)
	grep -F "instance '$name' of customer '$c'" "$TMP/err" | grep -Fq "'$key'" ||
		echo "MISSING WARNING: $c/$name/$key" >>"$TMP/missing"
done
if [ -s "$TMP/missing" ]; then bad "a pending connection is not named: $(cat "$TMP/missing")"; else ok; fi

# The plan now has nothing to do: pending deploys are warnings, not changes.
run "$PRISMSYNC" plan -f "$repo/prismsync.yaml" --format json --detailed-exitcode
keep
expect_rc 0 "nothing to do while connections wait for a person"
run "$PRISMSYNC" drift -f "$repo/prismsync.yaml" --format json
keep
expect_rc 0 "a connection waiting for a person is not drift"
if [ "$npending" -gt 0 ]; then
	expect_in err "awaits? OAuth 2.0 authorization" "drift warns about it"
fi

# A person authorizes every OAuth 2.0 connection; the next apply deploys.
jq -c '.[]' "$repo/pending.json" | while read -r p; do
	ctl POST /__emulator/authorize "$p" >/dev/null
done
run "$PRISMSYNC" plan -f "$repo/prismsync.yaml" --format json
keep
if [ "$npending" -gt 0 ]; then
	expect_eq "$(jq -r '[.changes[] | select(.action != "deploy")] | length' "$TMP/out")" "0" "only deploys once authorized"
	expect_eq "$(jq -r '[.changes[] | .address] | unique | length' "$TMP/out")" \
		"$(jq -r '[.[] | .customer + "/" + .name] | unique | length' "$repo/pending.json")" "one deploy per authorized instance"
fi
run "$PRISMSYNC" apply -f "$repo/prismsync.yaml" --auto-approve
keep
expect_rc 0 "the second apply deploys the authorized instances"
expect_eq "$(undeployed)" "" "every instance is deployed"

run "$PRISMSYNC" plan -f "$repo/prismsync.yaml" --format json --detailed-exitcode
keep
expect_rc 0 "the next plan reports no changes"
expect_eq "$(jq '.changes | length' "$TMP/out")" "0" "no changes"
run "$PRISMSYNC" drift -f "$repo/prismsync.yaml" --format json
keep
expect_rc 0 "no drift"
run "$PRISMSYNC" drift -f "$repo/prismsync.yaml" --format markdown
keep

# Pushing the secrets on purpose writes them again without printing them.
run "$PRISMSYNC" plan -f "$repo/prismsync.yaml" --push-secrets --format json --out "$TMP/push.json"
keep
cat "$TMP/push.json" >>"$all"
expect_rc 0 "plan --push-secrets"

cp "$all" "$TMP/out"
: >"$TMP/err"
leaked=""
for s in $secrets; do
	if grep -Fq -- "$s" "$TMP/out"; then leaked="$leaked $s"; fi
done
expect_eq "$leaked" "" "no secret value in any output, saved plan or drift report"
expect_in out "RW_SECRET_1" "saved plans keep the \${env:} reference"
finish
