#!/bin/sh
# GitOps against the emulator: a plan at an old ref against HEAD, apply from
# a ref stamping the commit on every publish, a dirty working tree refused
# and then accepted with --allow-dirty, --changed-since limited to exactly
# the changed integrations, and the temporary clone of --repo removed, also
# when the command fails.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git_lib.sh"
export NO_COLOR=1 ACME_API_KEY=acme-secret-1
make_repo
CLONES="$TMP/clones"
mkdir -p "$CLONES"
M="$G/sub/prismsync.yaml"
ps() {
	verb=$1
	shift
	run "$PRISMSYNC" "$verb" -f "$M" "$@"
}
state() { ctl GET /__emulator/state >"$TMP/state.json"; }
sq() { jq -r "$1" "$TMP/state.json"; }
save_json() {
	if [ -n "${PRISMSYNC_JSON_OUT:-}" ] && [ -d "$PRISMSYNC_JSON_OUT" ]; then
		cp "$TMP/out" "$PRISMSYNC_JSON_OUT/$1.json"
	fi
}
plan_ids() { jq -r '.changes[].id' "$TMP/out" | tr '\n' ' '; }
attrs() { # attrs INTEGRATION VERSION: the stored attributes of a published version
	state
	sq ".integrations[] | select(.name==\"$1\") | .versions[] | select(.versionNumber==$2) | .attributes"
}
URL=https://git.example.com/acme/prismatic.git

emu_start --publish-delay-ms 100

# --- apply from a tag: every publish records that commit
ps apply --git-ref v1 --auto-approve
expect_rc 0 "apply at v1"
expect_eq "$(attrs "Order Export" 1 | jq -r .commitHash)" "$(sha v1)" "the publish records v1's commit"
expect_eq "$(attrs "Order Export" 1 | jq -r .repoUrl)" "$URL" "and the origin URL without credentials"
expect_eq "$(attrs "Return Intake" 1 | jq -r .dirty)" "false" "and that it was clean"
expect_eq "$(sq '.integrations[] | select(.name=="Order Export") | .versions[0].comment')" "prismsync: $(sha v1 | cut -c1-7) first: two integrations" "a readable comment"
expect_not_in err "s3cr3t-token" "no credentials in the output"
state
if grep -q s3cr3t-token "$TMP/state.json"; then bad "credentials reached the organization"; else ok; fi

# --- plan at the old ref and at HEAD
ps plan --git-ref v1 --detailed-exitcode
expect_rc 0 "nothing to do at v1"
ps plan --git-ref HEAD --format json --detailed-exitcode
expect_rc 2 "HEAD differs from v1"
save_json git-plan-head
expect_eq "$(plan_ids)" "integration.Order Export#import integration.Order Export#publish instance.acme/Orders#update instance.acme/Orders#deploy instance.globex/Orders#update instance.globex/Orders#deploy " "the difference: orders' timeout"
expect_eq "$(jq -r '.source | "\(.commit) \(.repository) \(.dirty)"' "$TMP/out")" "$(sha HEAD) $URL false" "the source block"
ps plan --git-ref v1 --format json
expect_eq "$(jq -r '.source.commit' "$TMP/out")" "$(sha v1)" "the source block at v1"

# --- --changed-since: exactly the changed integrations
ps plan --git-ref HEAD --changed-since v1 --format json
expect_rc 0 "changed since v1"
save_json git-plan-changed-since
expect_eq "$(jq -r '.source.limited_to | join(",")' "$TMP/out")" "Order Export,Return Intake" "orders changed its file, returns its entry (the rename)"
expect_eq "$(jq -r '.limited' "$TMP/out")" "true" "the JSON says it is limited"
ps plan --git-ref v2 --changed-since v1 --format json
expect_eq "$(jq -r '.source.limited_to | join(",")' "$TMP/out")" "Order Export" "v1..v2: only orders"
expect_eq "$(plan_ids)" "integration.Order Export#import integration.Order Export#publish instance.acme/Orders#update instance.acme/Orders#deploy instance.globex/Orders#update instance.globex/Orders#deploy " "orders and its instances"
ps plan --git-ref feature --changed-since v2 --format json
expect_eq "$(jq -r '.source.limited_to | join(",")' "$TMP/out")" "Return Intake" "v2..feature: only returns"
expect_eq "$(plan_ids)" "integration.Return Intake#update " "returns (a metadata update: no publish, no roll-out), not orders"
ps plan --git-ref feature --changed-since v2
expect_in out "^Limited plan: only the integrations changed since v2 and their instances: Return Intake\." "the text says it is limited"
ps plan --git-ref v2 --changed-since v2
expect_rc 0 "nothing changed"
expect_in out "Limited plan: .*\(none changed\)" "says none changed"
ps plan --changed-since no-such-ref
expect_rc 1 "--changed-since with a bad ref"
expect_in err "no revision 'no-such-ref'" "names the ref"

# --- the working tree: clean, dirty, untracked
g checkout -q v2
ps apply --auto-approve
expect_rc 0 "apply from a clean working tree at v2"
expect_eq "$(attrs "Order Export" 2 | jq -r '"\(.commitHash) \(.dirty)"')" "$(sha v2) false" "clean: HEAD's commit, dirty false"
sed -i 's/value: "45"/value: "60"/' "$G/sub/integrations/orders.yml"
ps apply --auto-approve
expect_rc 1 "a modified definition is refused"
expect_in err "refusing to apply from a dirty working tree" "says why"
expect_in err "^  .*sub/integrations/orders.yml$" "names the file"
g add sub/integrations/orders.yml
ps apply --auto-approve
expect_rc 1 "a staged change is refused too"
cp "$G/sub/integrations/returns.yml" "$G/sub/integrations/returns-copy.yml"
sed -i 's/^name: Return Intake/name: Return Copy/' "$G/sub/integrations/returns-copy.yml"
printf '  - definition: integrations/returns-copy.yml\n' >"$TMP/entry"
sed -i "/definition: integrations\/returns.yml/r $TMP/entry" "$M"
ps apply --auto-approve
expect_rc 1 "an untracked definition is refused"
expect_in err "3 files differ" "three files"
expect_in err "^  .*sub/integrations/returns-copy.yml$" "names the untracked file"
expect_in err "^  .*sub/prismsync.yaml$" "names the manifest"
ps plan --format json
expect_rc 0 "plan does not refuse a dirty tree"
expect_eq "$(jq -r '.source.dirty' "$TMP/out")" "true" "but records it"
ps apply --auto-approve --allow-dirty
expect_rc 0 "--allow-dirty applies"
expect_eq "$(attrs "Order Export" 3 | jq -r '"\(.commitHash) \(.dirty)"')" "$(sha v2) true" "dirty: true recorded"
expect_eq "$(attrs "Return Copy" 1 | jq -r .dirty)" "true" "on the new integration too"
g reset -q --hard
g clean -qfd
g checkout -q main

# --- --repo: a temporary clone, removed afterwards
export TMPDIR="$CLONES"
run "$PRISMSYNC" plan -f sub/prismsync.yaml --repo "file://$G" --git-ref main --format json
expect_rc 0 "plan from a clone"
expect_eq "$(jq -r '.source | "\(.commit) \(.repository)"' "$TMP/out")" "$(sha main) file://$G" "the clone's commit and URL"
expect_eq "$(ls -A "$CLONES" | wc -l)" "0" "the clone is gone"
run "$PRISMSYNC" apply -f sub/prismsync.yaml --repo "file://$G" --git-ref main --auto-approve
expect_rc 0 "apply from a clone"
expect_eq "$(ls -A "$CLONES" | wc -l)" "0" "the clone is gone after apply"
run "$PRISMSYNC" plan -f sub/prismsync.yaml --repo "file://$G" --git-ref nope
expect_rc 1 "a clone at a missing ref"
expect_eq "$(ls -A "$CLONES" | wc -l)" "0" "the clone is gone after a bad ref"
run env PRISMATIC_URL=http://127.0.0.1:9 "$PRISMSYNC" plan -f sub/prismsync.yaml --repo "file://$G" --git-ref main
expect_rc 1 "a clone, then the API unreachable"
expect_eq "$(ls -A "$CLONES" | wc -l)" "0" "the clone is gone after an API failure"
unset TMPDIR

# --- drift: which commit each integration was last published from
ps drift --git-ref main --format json
expect_rc 0 "no drift at main"
save_json git-drift
expect_eq "$(jq -r '.published[] | "\(.integration)=\(.commit)"' "$TMP/out" | tr '\n' ' ')" "Order Export=$(sha main) Return Intake=$(sha v1) " "the commit of each latest version"
ps drift --git-ref main
expect_in out "^  integration.Order Export: version 4, commit $(sha main | cut -c1-12)$" "text: the commit of the latest version"
ps drift --git-ref v1
expect_rc 2 "drift against v1"

finish
