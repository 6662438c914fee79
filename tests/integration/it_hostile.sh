#!/bin/sh
# Hostile files and values: what a user, a repository or a server can put in
# prismsync's way must give a clear error, never a hang, a replaced device
# node or a secret in the output.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

T="timeout 20"
D="$TMP/demo"
cp -r "$HERE/../../testdata/demo" "$D"
cd "$D" || exit 1

# --- the manifest as a symbolic link to /proc/self/environ: no excerpt of it
ln -s /proc/self/environ "$TMP/environ.yaml"
run env -i HOSTILE_TOKEN=tok-3b9e1c-never-print PATH="$PATH" $T "$PRISMSYNC" validate -f "$TMP/environ.yaml"
expect_rc 1 "a manifest in /proc"
expect_in err "not a regular file" "says why it is not read"
expect_not_in err "tok-3b9e1c-never-print" "prints nothing of the environment"
expect_not_in out "tok-3b9e1c-never-print" "prints nothing of the environment on stdout"

# --- a FIFO as manifest, definition or document: an error, not a hang
mkfifo "$TMP/fifo.yaml"
run $T "$PRISMSYNC" validate -f "$TMP/fifo.yaml"
expect_rc 1 "a FIFO as manifest"
expect_in err "FIFO or pipe, not a regular file" "a FIFO manifest is refused at once"
mv integrations/order-sync.yml "$TMP/order-sync.yml"
mkfifo integrations/order-sync.yml
run $T "$PRISMSYNC" validate
expect_rc 1 "a FIFO as definition"
expect_in err "order-sync.yml.*FIFO or pipe, not a regular file" "a FIFO definition is refused at once"
rm integrations/order-sync.yml
mv "$TMP/order-sync.yml" integrations/order-sync.yml
run $T "$PRISMSYNC" apply "$TMP/fifo.yaml"
expect_rc 1 "a FIFO as saved plan"
expect_in err "FIFO or pipe" "a FIFO plan is refused at once"
emu_start
run $T "$PRISMSYNC" api "@$TMP/fifo.yaml"
expect_rc 1 "a FIFO nobody writes to as api document"
expect_in err "cannot read|empty" "reads as empty, not a hang"
run $T "$PRISMSYNC" validate
expect_rc 0 "the demo is valid again"

# --- --out and --report write to what is there; they never replace a node
M="$TMP/small/prismsync.yaml"
mkdir -p "$TMP/small"
printf 'version: 1\ncustomers:\n  - externalId: hostile-co\n    name: Hostile Co\n' >"$M"
ln -s /proc/self/fd/1 "$TMP/stdout-link"
run $T "$PRISMSYNC" plan -f "$M" --out "$TMP/stdout-link"
expect_rc 0 "plan --out a link to the standard output"
if [ -L "$TMP/stdout-link" ]; then ok; else bad "the link to /proc/self/fd/1 was replaced"; fi
expect_in out '"format_version"' "the saved plan went through the link to stdout"
mkfifo "$TMP/out.fifo"
timeout 20 cat "$TMP/out.fifo" >"$TMP/from-fifo" &
reader=$!
run $T "$PRISMSYNC" plan -f "$M" --out "$TMP/out.fifo"
wait "$reader"
expect_rc 0 "plan --out a FIFO with a reader"
if [ -p "$TMP/out.fifo" ]; then ok; else bad "the FIFO was replaced by a file"; fi
if grep -q '"format_version"' "$TMP/from-fifo"; then ok; else bad "the reader of the FIFO got no plan"; fi
run $T "$PRISMSYNC" drift -f "$M" --report "$TMP/out.fifo"
expect_rc 1 "drift --report a FIFO nobody reads"
expect_in err "cannot write .*out.fifo" "says it cannot write, at once"
if [ -p "$TMP/out.fifo" ]; then ok; else bad "the FIFO without reader was replaced"; fi
mkdir "$TMP/outdir"
run $T "$PRISMSYNC" drift -f "$M" --report "$TMP/outdir"
expect_rc 1 "drift --report a directory"
expect_in err "cannot write .*outdir: Is a directory" "says it is a directory"
ln -s "$TMP/target.json" "$TMP/file-link"
echo old >"$TMP/target.json"
run $T "$PRISMSYNC" plan -f "$M" --out "$TMP/file-link"
expect_rc 0 "plan --out a link to a regular file"
if [ -L "$TMP/file-link" ] && grep -q '"format_version"' "$TMP/target.json"; then ok; else bad "the link to a file was replaced, or its target not written"; fi
run $T "$PRISMSYNC" plan -f "$M" --out "$TMP/plain.json"
expect_rc 0 "plan --out a new file"
if [ "$(stat -c %a "$TMP/plain.json")" = 600 ]; then ok; else bad "a saved plan is not mode 0600"; fi
if [ "$(id -u)" = 0 ]; then
	mknod "$TMP/null" c 1 3
	run $T "$PRISMSYNC" drift -f "$M" --report "$TMP/null"
	expect_rc 2 "drift --report a character device"
	if [ -c "$TMP/null" ]; then ok; else bad "the device node was replaced by a file"; fi
else
	echo "not root: the device-node case is not checked"
fi

# --- a 128 MiB definition at --git-ref: refused from the object's header,
# never inflated (the limit is 8 MiB). Zeros compress to 128 kB.
GB="$TMP/bigrepo"
mkdir -p "$GB/integrations"
cp "$M" "$GB/prismsync.yaml"
cat >>"$GB/prismsync.yaml" <<'YAML'
integrations:
  - definition: integrations/huge.yml
YAML
(
	cd "$GB" || exit 1
	export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
	git init -q -b main .
	blob=$(head -c 134217728 /dev/zero | git -c core.compression=1 hash-object -w --stdin)
	git add prismsync.yaml
	git update-index --add --cacheinfo "100644,$blob,integrations/huge.yml"
	git commit -qm "a huge definition"
)
if [ -x /usr/bin/time ]; then
	run /usr/bin/time -f "maxrss=%M" $T "$PRISMSYNC" validate -f "$GB/prismsync.yaml" --git-ref main
	expect_rc 1 "a 128 MiB definition at a revision"
	expect_in err "file is 134217728 bytes, more than the limit of 8388608 bytes" "says how large it is"
	kb=$(sed -n 's/^maxrss=//p' "$TMP/err")
	echo "validate --git-ref with a 128 MiB definition: peak RSS $kb kB"
	if [ "${kb:-999999}" -lt 100000 ]; then ok; else bad "peak RSS $kb kB: the blob was inflated"; fi
	# The same repository named by --repo, as a path and as a file:// URL: read in place.
	for repo in "$GB" "file://$GB"; do
		run /usr/bin/time -f "maxrss=%M" $T "$PRISMSYNC" validate --repo "$repo" --git-ref main
		expect_rc 1 "a 128 MiB definition in --repo $repo"
		expect_in err "file is 134217728 bytes, more than the limit of 8388608 bytes" "says how large it is"
		kb=$(sed -n 's/^maxrss=//p' "$TMP/err")
		echo "validate --repo $repo with a 128 MiB definition: peak RSS $kb kB"
		if [ "${kb:-999999}" -lt 100000 ]; then ok; else bad "peak RSS $kb kB: the blob was copied or inflated"; fi
	done
else
	echo "no /usr/bin/time: the memory bound of --git-ref is not checked"
fi

# --- credentials in URLs are never printed nor recorded
run $T "$PRISMSYNC" validate --repo 'https://ci:pa@ss-7c1d@127.0.0.1:1/x.git' --git-ref main
expect_rc 1 "a --repo password holding '@'"
expect_not_in err "pa@ss|ss-7c1d" "the password is not printed"
expect_in err "percent-encoded" "says how to write it"
run $T "$PRISMSYNC" validate --repo 'https://ci:pass-7c1d@127.0.0.1:1/x.git?access_token=tok-5e6f7a' --git-ref main
expect_rc 1 "a --repo that cannot be reached"
expect_not_in err "pass-7c1d|tok-5e6f7a" "neither password nor query token printed"
expect_in err "cannot clone https://127.0.0.1:1/x.git:" "the URL is shown without them"
"$NODE" "$HERE/slow_git_http.js" "$GB" 100000000 >"$TMP/git.out" 2>"$TMP/git.err" &
EMU_MORE_PIDS="$EMU_MORE_PIDS $!"
for _ in $(seq 1 100); do
	[ -s "$TMP/git.out" ] && break
	sleep 0.05
done
url=$(sed -n 's/^PRISMSYNC_GIT_URL=//p' "$TMP/git.out")
git -C "$GB" rm -q --cached integrations/huge.yml
cp "$M" "$GB/prismsync.yaml"
git -C "$GB" -c user.name=t -c user.email=t@example.com commit -qam "no huge definition"
run $T "$PRISMSYNC" plan -f prismsync.yaml --repo "$url?access_token=tok-5e6f7a" --git-ref main \
	--out "$TMP/from-repo.json"
expect_rc 0 "plan from a --repo with a token in its query"
expect_not_in err "tok-5e6f7a" "the token is not printed"
expect_not_in out "tok-5e6f7a" "the token is not printed on stdout"
expect_eq "$(jq -r .source.repository "$TMP/from-repo.json")" "$url" "the saved plan records the URL without the token"
PORT=${PRISMATIC_URL##*:}
run env PRISMATIC_URL="http://ops:url-pw-4a4b@127.0.0.1:$PORT" $T "$PRISMSYNC" whoami
expect_rc 1 "PRISMATIC_URL with a user and password"
expect_not_in err "url-pw-4a4b" "its password is not printed"
expect_in err "must not carry a user name or password" "says why it is refused"

finish
