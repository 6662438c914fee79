#!/bin/sh
# One apply at a time: apply holds the organization's lock (a customer named
# "prismsync apply lock") from before it reads until it ends. Another apply
# is refused with the holder and its age, or waits (--lock-timeout); the
# lock is released on success and on SIGTERM; a second signal, or SIGKILL,
# leaves it, and apply --force-unlock ID removes it (and nothing but a lock).
# Then the loop of the issue: two applies started together, 20 times, leave
# exactly one of each object.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 100 --latency-ms 10
ctl GET /__emulator/state >"$TMP/empty.json"

apply_bg() { # OUTNAME ARGS...: apply in the background, $bg its pid
	name=$1
	shift
	"$PRISMSYNC" apply -f "$REPO/prismsync.yaml" --auto-approve "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	bg=$!
}

# --- held: refused at once, naming the holder and its age -----------------
fault '{"match": "publishIntegration", "delay_ms": 2500, "times": 1}'
apply_bg first
first=$bg
wait_lock
lock=$(lock_id)
ps apply --auto-approve
expect_rc 1 "a second apply is refused"
expect_in err "^prismsync apply: another apply holds the organization's lock: [^@ ]+@[^,]+, pid $first, since [0-9T:-]+Z \([0-9]+ s ago\)\. Nothing was changed\.$" "the refusal names holder, process and age"
expect_in err "^  prismsync apply --force-unlock $lock$" "and how to remove a stale one"
wait "$first"
rc=$?
expect_rc 0 "the first apply finishes"
expect_eq "$(lock_id)" "" "and releases the lock"
state
expect_eq "$(sq '.customers | length')" "2" "the lock is not left among the customers"

# --- --lock-timeout waits for the holder -----------------------------------
edit integrations/orders.yml 's/value: "30"/value: "31"/'
fault '{"match": "publishIntegration", "delay_ms": 2000, "times": 1}'
apply_bg first
first=$bg
wait_lock
ps apply --auto-approve --lock-timeout 60
expect_rc 0 "a waiting apply runs once the lock is free"
expect_in err "^prismsync apply: waiting up to 60 s for the apply lock, held by .*pid $first" "it says whom it waits for"
expect_in err "^prismsync apply: took the apply lock after [0-9]+ s$" "and when it got it"
expect_in out "No changes" "and finds the first one's work done"
wait "$first"

# --- SIGTERM while reading: stops before any change, releases --------------
edit integrations/orders.yml 's/value: "31"/value: "32"/'
requests_reset
fault '{"match": "instances", "delay_ms": 1500, "times": 1}'
apply_bg term
pid=$bg
wait_lock
kill -TERM "$pid"
wait "$pid"
rc=$?
expect_rc 143 "SIGTERM ends apply by that signal"
cp "$TMP/term.err" "$TMP/err"
expect_in err "interrupted: stopping at the next safe point and releasing the apply lock" "it says what it does"
expect_in err "interrupted before any change; nothing was changed" "and that nothing changed"
expect_eq "$(lock_id)" "" "the lock is released"
expect_eq "$(mutations_sent)" "0" "no change was made"

# --- a second signal exits at once and leaves the lock ----------------------
fault '{"match": "publishIntegration", "delay_ms": 3000, "times": 1}'
apply_bg twice
pid=$bg
wait_lock
lock=$(lock_id)
for _ in $(seq 1 100); do
	grep -q publishIntegration "$TMP/twice.err" 2>/dev/null && break
	[ "$(ctl GET /__emulator/requests | jq '.by_field.publishIntegration // 0')" -gt 0 ] && break
	sleep 0.05
done
kill -TERM "$pid"
sleep 0.2
kill -TERM "$pid"
wait "$pid"
rc=$?
expect_rc 143 "a second SIGTERM exits at once"
cp "$TMP/twice.err" "$TMP/err"
expect_in err "interrupted again: stopping now; the changes in flight may or may not have been made; the apply lock $lock stays: remove it with 'prismsync apply --force-unlock $lock' once no apply runs" "and says how to remove the lock it leaves"
expect_eq "$(lock_id)" "$lock" "the lock stays"
run "$PRISMSYNC" apply --force-unlock "$lock"
expect_rc 0 "--force-unlock"
expect_in out "^Removed the apply lock $lock, held by .*pid $pid" "says what it removed"
expect_eq "$(lock_id)" "" "the lock is gone"
ps apply --auto-approve
expect_rc 0 "the next apply finishes the job"

# --- SIGKILL leaves the lock; the refusal says the process is gone -----------
edit integrations/orders.yml 's/value: "32"/value: "33"/'
fault '{"match": "publishIntegration", "delay_ms": 3000, "times": 1}'
apply_bg killed
pid=$bg
wait_lock
lock=$(lock_id)
kill -KILL "$pid"
wait "$pid" 2>/dev/null
ps apply --auto-approve
expect_rc 1 "an apply after a SIGKILL is refused"
expect_in err "pid $pid, since .*; process $pid no longer runs on this host\. Nothing was changed\." "naming the killed process as gone"
expect_in err "prismsync apply --force-unlock $lock" "and the way out"

# --force-unlock removes nothing but a lock.
state
acme=$(sq '.customers[] | select(.externalId=="acme") | .id')
run "$PRISMSYNC" apply --force-unlock "$acme"
expect_rc 1 "--force-unlock of a customer"
expect_in err "is not a prismsync apply lock .*refusing to delete it; nothing was removed" "is refused"
state
expect_eq "$(sq '[.customers[] | select(.externalId=="acme")] | length')" "1" "the customer is still there"
run "$PRISMSYNC" apply --force-unlock "$lock" -f "$REPO/prismsync.yaml"
expect_rc 0 "--force-unlock of the lock"
run "$PRISMSYNC" apply --force-unlock "$lock"
expect_rc 1 "a lock already removed"
run "$PRISMSYNC" apply --force-unlock "$lock" "$TMP/plan.json"
expect_rc 64 "--force-unlock with a PLAN is a usage error"
ps apply --auto-approve
expect_rc 0 "then apply converges"
ps plan --detailed-exitcode
expect_rc 0 "with nothing left to do"

# --- two applies started together, 20 times: exactly one of each object ----
cat >"$REPO/small.yaml" <<'YAML'
version: 1
owner: tests
customers:
  - externalId: acme
    name: Acme Corp
integrations:
  - definition: integrations/orders.yml
instances:
  - name: Orders
    customer: acme
    integration: Order Export
    configVariables:
      Shop URL: https://shop.acme.example
      API Key: plain-key
YAML
faults_reset
i=1
while [ "$i" -le 20 ]; do
	ctl POST /__emulator/state "$(cat "$TMP/empty.json")" >/dev/null
	"$PRISMSYNC" apply -f "$REPO/small.yaml" --auto-approve --lock-timeout 120 >"$TMP/a.out" 2>"$TMP/a.err" &
	a=$!
	"$PRISMSYNC" apply -f "$REPO/small.yaml" --auto-approve --lock-timeout 120 >"$TMP/b.out" 2>"$TMP/b.err" &
	b=$!
	wait "$a"
	ra=$?
	wait "$b"
	rb=$?
	state
	got="$ra $rb $(sq '.customers | length') $(sq '.integrations | length') $(sq '[.integrations[].versions | length] | add') $(sq '.instances | length') $(sq '[.instances[] | select(.needsDeploy == false)] | length')"
	if [ "$got" = "0 0 1 1 1 1 1" ]; then
		ok
	else
		bad "round $i: exit codes, customers, integrations, versions, instances, deployed: $got, expected 0 0 1 1 1 1 1"
		cat "$TMP/a.err" "$TMP/b.err"
	fi
	i=$((i + 1))
done
finish
