# A run stopped by a signal removes what it created: SIGINT (Ctrl-C) while
# it waits for a publish (customer and integration exist), SIGTERM once an
# instance exists, SIGHUP once the second integration's instance exists.
# The emulator publishes slowly so that these moments last. Last, Ctrl-C
# as a terminal sends it (SIGINT to the whole process group, prismsync
# included) while the answer to createInstance is held back: the instance
# exists but the run never learns its id, and must find it by its name and
# label. The run is started through node, in a process group of its own,
# with default signal dispositions (a background job of sh ignores SIGINT).
. "$INTEGRATION_DIR/lib.sh"

# ours: the names of the run's objects in the emulator, one per line.
ours() {
	ctl GET /__emulator/state |
	    jq -r '(.customers[], .integrations[], (.instances // [])[]) | .name | select(startswith("prismsync-contract"))'
}

# interrupt SIGNAL STATUS FILTER WHAT [group]: starts a run, waits until the
# emulator holds an object of the run whose name matches FILTER, sends
# SIGNAL (to the run's process group with "group"), and checks the exit
# status, the report and the emulator's state.
interrupt() {
	rm -f "$TMP/pid"
	PIDFILE="$TMP/pid" "$NODE" -e '
	    const c = require("child_process").spawn("sh", process.argv.slice(1), {stdio: "inherit", detached: true});
	    require("fs").writeFileSync(process.env.PIDFILE, String(c.pid));
	    c.on("exit", (code, sig) => process.exit(code === null ? 200 : code));' \
	    "$CONTRACT_SH" --prismsync "$PRISMSYNC" >"$TMP/out" 2>"$TMP/err" &
	launcher=$!
	for _ in $(seq 1 100); do
		[ -s "$TMP/pid" ] && break
		sleep 0.05
	done
	pid=$(cat "$TMP/pid")
	seen=""
	for _ in $(seq 1 300); do
		seen=$(ours | grep -E "$3" | head -n 1)
		[ -n "$seen" ] && break
		sleep 0.1
	done
	if [ -z "$seen" ]; then
		kill "$pid" 2>/dev/null
		wait "$launcher"
		bad "$4: the run never created an object matching /$3/"
		return
	fi
	before=$(ours | wc -l)
	if [ "${5:-}" = group ]; then
		"$NODE" -e 'process.kill(-Number(process.argv[1]), "SIG" + process.argv[2])' "$pid" "$1"
	else
		kill -"$1" "$pid"
	fi
	wait "$launcher"
	rc=$?
	expect_rc "$2" "$4: exit status"
	expect_in err "stopped by SIG$1: removing what the run created" "$4: says why it stops"
	expect_in out "^  result: .*stopped by SIG$1 before the end" "$4: the report says it was stopped"
	expect_in out "^  cleanup: +all [0-9]+ object\(s\) the run created were removed" "$4: the report's cleanup line"
	expect_eq "$(ours | wc -l)" 0 "$4: objects left in the emulator (there were $before)"
}

emu_start --publish-delay-ms 3000
interrupt INT 130 ' main$' "SIGINT during the first publish"
interrupt TERM 143 ' instance main$' "SIGTERM once an instance exists"
interrupt HUP 129 ' instance oauth$' "SIGHUP once the OAuth instance exists"
fault '{"match": "createInstance", "phase": "after", "delay_ms": 3000, "times": 1}'
interrupt INT 130 ' instance main$' "Ctrl-C while createInstance's answer is on its way" group
expect_in out '^   removed: instance ' "the unrecorded instance was found and removed"
finish
