# Helpers for the integration tests (sourced by each it_*.sh).
#
# Each test starts its own emulator on a free port (emu_start), drives the
# real prismsync binary ($PRISMSYNC) or the client library through apidriver
# ($APIDRIVER), and asserts on exit codes, output and the emulator's state.
# The emulator is stopped by pid when the test exits, whatever happens.
#
# Environment from ctest: PRISMSYNC, APIDRIVER, EMULATOR_DIR, NODE.

set -u
fail_count=0
pass_count=0
EMU_PID=""
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prismsync-it.XXXXXX")

EMU_MORE_PIDS=""

cleanup() {
	if [ -n "$EMU_PID" ]; then
		kill "$EMU_PID" 2>/dev/null
		wait "$EMU_PID" 2>/dev/null
	fi
	for pid in $EMU_MORE_PIDS; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

# emu_start [server.js args...]: starts the emulator, exports PRISMATIC_URL
# and PRISM_REFRESH_TOKEN (test-refresh-token unless --refresh-token is given).
emu_start() {
	emu_stop
	# The new emulator truncates these in its own process, maybe only after
	# the wait below has looked: never let it read the last emulator's line.
	rm -f "$TMP/emu.out" "$TMP/emu.err"
	"$NODE" "$EMULATOR_DIR/server.js" --port 0 "$@" >"$TMP/emu.out" 2>"$TMP/emu.err" &
	EMU_PID=$!
	for _ in $(seq 1 200); do
		if [ -s "$TMP/emu.out" ]; then
			break
		fi
		sleep 0.05
	done
	line=$(head -n 1 "$TMP/emu.out")
	case "$line" in
	PRISMATIC_URL=http://127.0.0.1:*) ;;
	*)
		echo "emulator did not start: $(cat "$TMP/emu.err")"
		exit 1
		;;
	esac
	export PRISMATIC_URL="${line#PRISMATIC_URL=}"
	export PRISM_REFRESH_TOKEN=test-refresh-token
	unset PRISM_ACCESS_TOKEN PRISMATIC_REFRESH_TOKEN PRISMATIC_TENANT_ID
	unset PRISMSYNC_HTTP_TIMEOUT_MS PRISMSYNC_MAX_RESPONSE_BYTES
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
}

# emu_start_org NAME ORG [server.js args...]: starts one more emulator, for
# an organization called ORG, next to any other (tests of several
# organizations at once), and sets EMU_URL_NAME to its URL. It accepts the
# refresh token token-NAME. PRISMATIC_URL and the usual token variables are
# unset: each environment brings its own.
emu_start_org() {
	name=$1 org=$2
	shift 2
	printf '{"org": {"id": "org-%s", "name": "%s"}}\n' "$name" "$org" >"$TMP/seed-$name.json"
	"$NODE" "$EMULATOR_DIR/server.js" --port 0 --seed "$TMP/seed-$name.json" \
		--refresh-token "token-$name" "$@" >"$TMP/emu-$name.out" 2>"$TMP/emu-$name.err" &
	EMU_MORE_PIDS="$EMU_MORE_PIDS $!"
	for _ in $(seq 1 200); do
		[ -s "$TMP/emu-$name.out" ] && break
		sleep 0.05
	done
	line=$(head -n 1 "$TMP/emu-$name.out")
	case "$line" in
	PRISMATIC_URL=http://127.0.0.1:*) ;;
	*)
		echo "emulator $name did not start: $(cat "$TMP/emu-$name.err")"
		exit 1
		;;
	esac
	eval "EMU_URL_$name=\${line#PRISMATIC_URL=}"
	unset PRISMATIC_URL PRISM_REFRESH_TOKEN PRISM_ACCESS_TOKEN PRISMATIC_REFRESH_TOKEN
	unset PRISMATIC_TENANT_ID PRISMSYNC_HTTP_TIMEOUT_MS PRISMSYNC_MAX_RESPONSE_BYTES
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
}

# ctl_at URL METHOD PATH: a control request to the emulator at URL.
ctl_at() {
	curl -sS --noproxy '*' -X "$2" "$1$3"
}

emu_stop() {
	if [ -n "$EMU_PID" ]; then
		kill "$EMU_PID" 2>/dev/null
		wait "$EMU_PID" 2>/dev/null
		EMU_PID=""
	fi
}

# ctl METHOD PATH [JSON]: a control request to the emulator; prints the body.
ctl() {
	if [ $# -ge 3 ]; then
		curl -sS --noproxy '*' -X "$1" -H 'Content-Type: application/json' \
			--data-binary "$3" "$PRISMATIC_URL$2"
	else
		curl -sS --noproxy '*' -X "$1" "$PRISMATIC_URL$2"
	fi
}

# mutations_sent [URL]: how many mutations the emulator received, not
# counting apply's lock (one createCustomer and one deleteCustomer per apply
# that took and released it): 0 when nothing in the organization changed.
mutations_sent() {
	curl -sS --noproxy '*' "${1:-$PRISMATIC_URL}/__emulator/requests" |
		jq '.by_field as $f | ([$f | to_entries[] | select(.key | test("^(create|update|import|publish|deploy|delete)")) | .value] | add // 0) - 2 * ([($f.createCustomer // 0), ($f.deleteCustomer // 0)] | min)'
}

# lock_id: the id of the apply lock the organization holds, or nothing.
lock_id() {
	ctl GET /__emulator/state | jq -r '.customers[] | select(.name == "prismsync apply lock") | .id'
}

# wait_lock: until an apply (or rollback) holds the lock (at most 10 s).
wait_lock() {
	for _ in $(seq 1 200); do
		[ -n "$(lock_id)" ] && return 0
		sleep 0.05
	done
	bad "no apply took the lock"
	return 1
}
fault() { ctl POST /__emulator/faults "$1" >/dev/null; }
faults_reset() { ctl POST /__emulator/faults/reset >/dev/null; }
requests_reset() { ctl POST /__emulator/requests/reset >/dev/null; }
requests_total() { ctl GET /__emulator/requests | jq -r .total; }

# genorg FILE args...: writes a seed organization.
genorg() {
	out=$1
	shift
	"$NODE" "$EMULATOR_DIR/genorg.js" --out "$out" "$@" 2>/dev/null
}

# run CMD...: runs a command, keeping its exit code in $rc, stdout in
# $TMP/out and stderr in $TMP/err.
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

ok() {
	pass_count=$((pass_count + 1))
}

bad() {
	fail_count=$((fail_count + 1))
	echo "FAIL: $*"
	echo "--- stdout"
	head -c 2000 "$TMP/out" 2>/dev/null
	echo "--- stderr (first 2000 bytes, then the last 40 lines that are not a successful request)"
	head -c 2000 "$TMP/err" 2>/dev/null
	echo
	echo "..."
	grep -v ': HTTP 200 in ' "$TMP/err" 2>/dev/null | tail -n 40
	echo "---"
}

# expect_rc WANT WHAT: checks the last run's exit code.
expect_rc() {
	if [ "$rc" -eq "$1" ]; then ok; else bad "$2: exit $rc, expected $1"; fi
}

# expect_in FILE PATTERN WHAT: grep -E PATTERN in $TMP/FILE.
expect_in() {
	if grep -Eq -- "$2" "$TMP/$1"; then ok; else bad "$3: no /$2/ in $1"; fi
}

expect_not_in() {
	if grep -Eq -- "$2" "$TMP/$1"; then bad "$3: /$2/ found in $1"; else ok; fi
}

# expect_eq GOT WANT WHAT
expect_eq() {
	if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi
}

# expect_ge GOT LEAST WHAT: numbers
expect_ge() {
	if [ "$1" -ge "$2" ] 2>/dev/null; then ok; else bad "$3: got '$1', expected at least '$2'"; fi
}

finish() {
	echo "$pass_count passed, $fail_count failed"
	[ "$fail_count" -eq 0 ]
	exit $?
}

# need_realworld: sets $corpus to the real-world definitions
# ($PRISMSYNC_REALWORLD/definitions). Without a corpus the test is skipped
# (exit 77, the reason on stderr); a path that holds no definitions is a
# failure, never a skip.
need_realworld() {
	if [ -z "${PRISMSYNC_REALWORLD:-}" ]; then
		echo "SKIP: no real-world corpus (PRISMSYNC_REALWORLD is empty: ../shared/realworld was not beside the checkout when cmake ran)" >&2
		exit 77
	fi
	corpus="$PRISMSYNC_REALWORLD/definitions"
	if ! ls "$corpus"/*.yml >/dev/null 2>&1; then
		echo "FAIL: no definitions (*.yml) in $corpus: is PRISMSYNC_REALWORLD mistyped?" >&2
		exit 1
	fi
}
