#!/bin/sh
# Reading the manifest from git, offline (validate): a branch, a tag, a
# commit, HEAD~2, origin/main, a renamed definition, paths from another
# directory; a bare clone through file:// and a path; and bad input: a ref
# that does not exist, a path outside any repository, a corrupt object, a
# manifest that is a directory at the ref, a definition missing at the ref,
# a repository owned by another user. No emulator is needed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git_lib.sh"
export NO_COLOR=1 ACME_API_KEY=k
make_repo
CLONES="$TMP/clones"
mkdir -p "$CLONES"
export TMPDIR="$CLONES"
v() { run "$PRISMSYNC" validate "$@"; }
no_clones() { expect_eq "$(ls -A "$CLONES" | wc -l)" "0" "$1: no temporary clone is left"; }

# --- revisions of every kind, from the repository root and from elsewhere
cd "$G"
for ref in main v1 v2 feature HEAD HEAD~2 "$(sha v1)" "$(sha HEAD~1 | cut -c1-9)"; do
	v -f sub/prismsync.yaml --git-ref "$ref"
	expect_rc 0 "validate at $ref"
	expect_in out "^sub/prismsync.yaml at revision '$ref' \(commit [0-9a-f]{7}\) is valid: 2 customers, 2 integrations, 4 instances" "validate at $ref says where it read"
done
cd "$G/sub"
v --git-ref v1
expect_rc 0 "default manifest from a subdirectory"
cd "$TMP"
v -f g/sub/prismsync.yaml --git-ref HEAD~1
expect_rc 0 "a relative path from outside the repository"
v -f "$G/sub/prismsync.yaml" --git-ref HEAD
expect_rc 0 "an absolute path"
ln -s "$G" "$TMP/link"
v -f "$TMP/link/sub/prismsync.yaml" --git-ref v2
expect_rc 0 "a path through a symbolic link to the repository"

# The working tree is neither read nor touched.
echo "garbage: [" >"$G/sub/prismsync.yaml"
v -f "$G/sub/prismsync.yaml" --git-ref HEAD
expect_rc 0 "an invalid working copy does not matter at a revision"
expect_eq "$(cat "$G/sub/prismsync.yaml")" "garbage: [" "the working tree is untouched"
g checkout -q -- sub/prismsync.yaml
expect_eq "$(g status --porcelain)" "" "the index is untouched"

# origin/main: a remote-tracking branch of a clone made with git.
git clone -q "$G" "$TMP/work"
git -C "$TMP/work" checkout -q -b local v1
v -f "$TMP/work/sub/prismsync.yaml" --git-ref origin/main
expect_rc 0 "origin/main"

# A renamed definition: the old name is missing at HEAD, the new one at v2.
rm -rf "$G/sub/integrations/returns.yml"
v -f "$G/sub/prismsync.yaml" --git-ref HEAD
expect_rc 0 "the renamed file at HEAD"

# --- clones: file:// and a path, bare, then removed
cd "$TMP"
v -f sub/prismsync.yaml --repo "file://$G" --git-ref main
expect_rc 0 "clone through file://"
expect_in out "revision 'main'" "clone at main"
no_clones "file:// clone"
v -f sub/prismsync.yaml --repo "$G" --git-ref v1
expect_rc 0 "clone of a path, at a tag"
no_clones "path clone"
v -f sub/prismsync.yaml --repo "file://$G" --git-ref feature
expect_rc 0 "clone at a branch that is not the remote's HEAD"
v -f sub/prismsync.yaml --repo "file://$G" --git-ref origin/feature
expect_rc 0 "clone at origin/feature"
v -f sub/prismsync.yaml --repo "file://$G" --git-ref no-such-branch
expect_rc 1 "clone at a missing ref"
expect_in err "no revision 'no-such-branch'" "the missing ref is named"
no_clones "failed clone"
v -f sub/missing.yaml --repo "file://$G" --git-ref main
expect_rc 1 "a manifest missing in the clone"
no_clones "clone with a missing manifest"
v -f sub/prismsync.yaml --repo "$TMP/nowhere" --git-ref main
expect_rc 1 "clone of a missing path"
expect_in err "cannot clone $TMP/nowhere" "the missing repository is named"
no_clones "clone of a missing path"
v -f sub/prismsync.yaml --repo "file://$G"
expect_rc 64 "--repo without --git-ref"
expect_in err "--repo needs --git-ref" "usage error for --repo alone"

# --- bad input
cd "$G"
v -f sub/prismsync.yaml --git-ref no-such-ref
expect_rc 1 "a ref that does not exist"
expect_in err "no revision 'no-such-ref' in the repository" "names the ref"
mkdir -p "$TMP/plain"
cp -r "$SRC_DIR/testdata/reconcile/." "$TMP/plain/"
v -f "$TMP/plain/prismsync.yaml" --git-ref HEAD
expect_rc 1 "a path that is not in a repository"
expect_in err "is not inside a git repository" "says so"
v -f sub --git-ref HEAD
expect_rc 1 "a manifest that is a directory at the ref"
expect_in err "sub is a directory at revision 'HEAD' \(commit [0-9a-f]{7}\), not a file" "says it is a directory"
v -f sub/prismsync.yaml --git-ref v1
expect_rc 0 "returns.yml exists at v1"
g checkout -q -b broken v2
sed -i 's#integrations/returns.yml#integrations/gone.yml#' sub/prismsync.yaml
g commit -qam "points at a missing definition"
g checkout -q main
v -f sub/prismsync.yaml --git-ref broken
expect_rc 1 "a definition missing at the revision"
expect_in err "definition file 'integrations/gone.yml' not found at revision 'broken' \(commit [0-9a-f]{7}\): the tree has no sub/integrations/gone.yml" "names the revision and the path"
v -f sub/prismsync.yaml --git-ref HEAD:sub
expect_rc 1 "a tree is not a commit"
cp -r "$G" "$TMP/corrupt"
blob=$(git -C "$TMP/corrupt" rev-parse HEAD:sub/integrations/orders.yml)
obj="$TMP/corrupt/.git/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-)"
chmod u+w "$obj"
printf 'not a zlib stream' >"$obj"
v -f "$TMP/corrupt/sub/prismsync.yaml" --git-ref HEAD
expect_rc 1 "a corrupt object"
expect_in err "cannot read sub/integrations/orders.yml at revision 'HEAD'" "names the object's path"

# --- a repository owned by another user: refused like git does, with the fix
if [ "$(id -u)" = 0 ]; then
	cp -r "$G" "$TMP/foreign"
	chown -R 4242:4242 "$TMP/foreign"
	v -f "$TMP/foreign/sub/prismsync.yaml" --git-ref HEAD
	expect_rc 1 "a repository owned by another uid"
	expect_in err "owned by uid 4242, not by the current user" "says who owns it"
	expect_in err "safe.directory $TMP/foreign" "says how to trust it"
	v -f sub/prismsync.yaml --repo "$TMP/foreign" --git-ref HEAD
	expect_rc 1 "cloning a repository owned by another uid"
	expect_in err "owned by uid 4242" "the clone says who owns it"
	no_clones "refused clone"
	git config --global --add safe.directory "$TMP/foreign"
	v -f "$TMP/foreign/sub/prismsync.yaml" --git-ref HEAD
	expect_rc 0 "accepted once safe.directory names it"
	v -f sub/prismsync.yaml --repo "$TMP/foreign" --git-ref HEAD
	expect_rc 0 "and cloned"
	no_clones "clone of a trusted repository"
else
	echo "not root: the other-owner case is not checked"
fi
cd "$TMP"
# --- interrupted: SIGTERM while the clone exists still removes it.
cd "$TMP"
for delay in 0.02 0.1 0.3; do
	"$PRISMSYNC" validate -f sub/prismsync.yaml --repo "file://$G" --git-ref main >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	no_clones "SIGTERM after $delay s"
done

finish
