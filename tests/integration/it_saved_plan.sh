#!/bin/sh
# Saved plans that cannot hurt: apply PLAN refuses a file it could misread
# (a repeated change, an address that does not fit its type, unknown
# actions, inputs for another object, bytes after the plan) with exit 1
# and changes nothing; an instance someone created by hand since the plan
# makes the plan stale (exit 4), with no duplicate made.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 100
ps apply --auto-approve
expect_rc 0 "initial apply"

cat >>"$REPO/prismsync.yaml" <<'YAML'
  - name: Extra
    customer: acme
    integration: Return Intake
YAML
ps plan --out "$TMP/plan.json"
expect_rc 0 "plan --out"
expect_eq "$(jq -r '[.changes[].id] | join(",")' "$TMP/plan.json")" \
	"instance.acme/Extra#create,instance.acme/Extra#deploy" "the plan creates and deploys one instance"

extras() {
	state
	sq '[.instances[] | select(.name=="Extra")] | length'
}

# tamper NAME JQ: a copy of the saved plan changed by JQ, applied: refused, nothing made.
tamper() {
	jq -c "$2" "$TMP/plan.json" >"$TMP/$1.json"
	run "$PRISMSYNC" apply "$TMP/$1.json" --auto-approve
	expect_rc 1 "$1: refused"
	expect_eq "$(extras)" "0" "$1: nothing was created"
}

tamper repeated '.changes = [.changes[0]] + .changes'
expect_in err "change 2 \(instance.acme/Extra\): it repeats change 1" "a repeated change is named"
tamper nodot '.changes[0].address = "nodot"'
expect_in err "change 1 \(nodot\): the address does not name an instance" "an address without a type"
tamper noslash '.changes[0].address = "instance.acme" | .changes[0].id = "instance.acme#create"'
expect_in err "the address does not name an instance" "an instance address without a customer"
tamper wrongtype '.changes[0].type = "customer" | .changes[0].id = "instance.acme/Extra#create"'
expect_in err "does not name a customer" "an address of another type"
tamper action '.changes[0].action = "explode"'
expect_in err "unknown action 'explode'" "an unknown action"
tamper other '.changes[0].payload.name = "Other"'
expect_in err "creates instance 'Other' of customer 'acme', not the one its address names" "inputs for another instance"
tamper number '.changes[1].payload.version = "1"'
expect_in err "'version' must be a whole number or null" "a string for a number"
tamper member '.changes[0].payload.extra = 1'
expect_in err "unknown member 'extra'" "an unknown input"
tamper forward '.changes |= reverse'
expect_in err "which is not an earlier change" "a dependency on a later change"
cp "$TMP/plan.json" "$TMP/trailing.json"
printf '{"format_version":"1"}\n' >>"$TMP/trailing.json"
run "$PRISMSYNC" apply "$TMP/trailing.json" --auto-approve
expect_rc 1 "bytes after the plan: refused"
expect_in err "more data after the plan" "says why"
head -c 200 "$TMP/plan.json" >"$TMP/cut.json"
run "$PRISMSYNC" apply "$TMP/cut.json" --auto-approve
expect_rc 1 "a cut-off plan: refused"
expect_eq "$(extras)" "0" "nothing was created"

# Someone creates the instance by hand after the plan was made.
state
acme=$(sq '.customers[] | select(.externalId=="acme") | .id')
version=$(sq '.integrations[] | select(.name=="Return Intake") | .versions[0].id')
gql 'mutation($c: ID!, $v: ID!) { createInstance(input: {name: "Extra", customer: $c, integration: $v}) { instance { id } errors { field messages } } }' --var c="$acme" --var v="$version"
run "$PRISMSYNC" apply "$TMP/plan.json" --auto-approve
expect_rc 4 "an instance created since the plan makes it stale"
expect_in err "instance.acme/Extra was created since the plan was made" "names it"
expect_eq "$(extras)" "1" "no duplicate instance"
finish
