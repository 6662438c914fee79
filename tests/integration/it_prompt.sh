#!/bin/sh
# apply's question on a terminal names the organization the credentials
# belong to (from the API), not only a URL; an answer other than 'yes'
# changes nothing. The terminal is a pseudo-terminal from script(1).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

command -v script >/dev/null || { echo "SKIP: script(1) (util-linux) is needed for a terminal"; exit 77; }

emu_start
org=$("$PRISMSYNC" api '{ authenticatedUser { org { name } } }' | jq -r .authenticatedUser.org.name)
[ -n "$org" ] && [ "$org" != null ] && ok || bad "the emulator's organization has a name"

# script -c runs the command on a new terminal; the answer comes from our stdin.
answer() { # answer TEXT: runs apply on a terminal and answers TEXT
	printf '%s\n' "$1" | script -qefc "'$PRISMSYNC' apply -f '$REPO/prismsync.yaml' --no-color" /dev/null >"$TMP/out" 2>&1
	rc=$?
}
answer no
expect_rc 1 "not confirmed"
expect_in out "Make these [0-9]+ changes to the organization '$org' \\($PRISMATIC_URL\\)\\?" "the question names the organization"
expect_in out "not confirmed; nothing was changed" "says nothing was changed"
state
expect_eq "$(sq '.customers | length')" "0" "nothing was created"
finish
