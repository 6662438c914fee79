#!/bin/sh
# Signals as git and curl handle them: SIGINT during a slow clone of --repo
# stops it at once and leaves no temporary clone; a closed standard output
# does not kill a run with SIGPIPE.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/git_lib.sh"
export NO_COLOR=1 ACME_API_KEY=k
make_repo
CLONES="$TMP/clones"
mkdir -p "$CLONES"
no_clones() { expect_eq "$(ls -A "$CLONES" | wc -l)" "0" "$1: no temporary clone is left"; }

# --- a clone that takes a minute: 6 MB that does not compress, at 100 kB/s
head -c 6000000 /dev/urandom >"$G/sub/blob.bin"
g add sub/blob.bin && g commit -qm "a large file"
"$NODE" "$(dirname "$0")/slow_git_http.js" "$G" 100000 >"$TMP/git.out" 2>"$TMP/git.err" &
EMU_MORE_PIDS="$EMU_MORE_PIDS $!"
for _ in $(seq 1 100); do
	[ -s "$TMP/git.out" ] && break
	sleep 0.05
done
url=$(sed -n 's/^PRISMSYNC_GIT_URL=//p' "$TMP/git.out")
[ -n "$url" ] || { echo "the git server did not start: $(cat "$TMP/git.err")"; exit 1; }

# A background job of a script ignores SIGINT unless told otherwise.
TMPDIR="$CLONES" env --default-signal=INT "$PRISMSYNC" validate -f sub/prismsync.yaml \
	--repo "$url" --git-ref main >"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 1 100); do
	grep -q "pack started" "$TMP/git.err" && break
	sleep 0.05
done
sleep 1
if [ "$(ls -A "$CLONES" | wc -l)" = 1 ]; then ok; else bad "the clone directory exists while it runs"; fi
start=$(date +%s%N)
kill -INT "$pid"
wait "$pid"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "SIGINT during the clone: exit $rc after $ms ms"
expect_rc 130 "ended by SIGINT (128 + 2)"
if [ "$ms" -lt 3000 ]; then ok; else bad "the clone went on for $ms ms after SIGINT"; fi
no_clones "SIGINT during a slow clone"
expect_not_in err "is valid" "nothing was validated"

# --- the reader of the standard output goes away: an error, not SIGPIPE
cd "$G"
{
	sleep 1
	"$PRISMSYNC" validate -f sub/prismsync.yaml 2>"$TMP/err"
	echo $? >"$TMP/pipe-rc"
} | true
rc=$(cat "$TMP/pipe-rc")
expect_rc 1 "validate into a closed pipe exits 1, not 141 (killed by SIGPIPE)"
expect_in err "cannot write to the standard output: Broken pipe" "says the output was lost"

finish
