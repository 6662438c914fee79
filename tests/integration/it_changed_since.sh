#!/bin/sh
# plan --changed-since REF without gaps: an instance whose own manifest entry
# changed while its integration did not is planned, and so are the deletes
# --prune makes of what the manifest dropped since REF; what did not change
# stays out.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git_lib.sh"
export NO_COLOR=1 ACME_API_KEY=acme-secret-1
make_repo
M="$G/sub/prismsync.yaml"
ps() {
	verb=$1
	shift
	run "$PRISMSYNC" "$verb" -f "$M" "$@"
}
save_json() {
	if [ -n "${PRISMSYNC_JSON_OUT:-}" ] && [ -d "$PRISMSYNC_JSON_OUT" ]; then
		cp "$TMP/out" "$PRISMSYNC_JSON_OUT/$1.json"
	fi
}
emu_start --publish-delay-ms 50
ps apply --auto-approve
expect_rc 0 "apply at main"
g tag applied

# An instance's own entry changes (a new description), its integration does not.
sed -i 's/    description: Globex EU shop/    description: Globex EU shop, Berlin/' "$M"
g commit -qam "globex orders: new description"
ps plan --git-ref HEAD --changed-since applied --format json
expect_rc 0 "plan --changed-since"
save_json changed-since-instance
expect_eq "$(jq -r '[.changes[].id] | join(" ")' "$TMP/out")" "instance.globex/Orders#update" "the changed instance is planned"
expect_eq "$(jq -r '.source.limited_also | join(",")' "$TMP/out")" "instance.globex/Orders" "the JSON says why"
expect_eq "$(jq -r '.source.limited_to | length' "$TMP/out")" "0" "no integration changed"

# The manifest drops an instance: with --prune its delete is planned.
awk 'BEGIN{skip=0} /^  - name: Returns$/{n++; if (n==2) {skip=1; next}} skip && /^  - /{skip=0} !skip{print}' "$M" >"$TMP/m" && mv "$TMP/m" "$M"
g commit -qam "globex: no more returns"
ps plan --git-ref HEAD --changed-since applied --prune --format json
expect_rc 0 "plan --changed-since --prune"
expect_eq "$(jq -r '[.changes[].id] | sort | join(" ")' "$TMP/out")" "instance.globex/Orders#update instance.globex/Returns#delete" "the delete the change implies is planned"
ps plan --git-ref HEAD --changed-since applied --format text
expect_in out "what changed on its own: instance.globex/Orders, instance.globex/Returns" "the text plan names them"
expect_in out "1 owned object is no longer in the manifest" "without --prune, the pending delete is counted"

# An unchanged range plans nothing.
ps plan --git-ref HEAD --changed-since HEAD --format json --prune
expect_eq "$(jq '.changes | length' "$TMP/out")" "0" "nothing changed since HEAD"
finish
