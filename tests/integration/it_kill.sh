#!/bin/sh
# apply killed with SIGKILL at random moments, 20 times over, while the
# manifest keeps changing; then one apply without interruption must
# converge, with no duplicate customer, integration, version or instance.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 150 --latency-ms 15
seed=${KILL_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "kill points from seed $seed (set KILL_SEED to repeat)"
rand_ms() { # a pseudo-random delay in ms for iteration $1
	echo $(((seed * 7919 + $1 * 104729) % 1800 + 50))
}

i=1
while [ "$i" -le 20 ]; do
	# Each round changes the definition, so there is always work to interrupt.
	edit integrations/orders.yml "s/timeout: {type: value, value: \"[0-9]*\"}/timeout: {type: value, value: \"$((30 + i))\"}/"
	"$PRISMSYNC" apply -f "$REPO/prismsync.yaml" --auto-approve >"$TMP/kill.out" 2>"$TMP/kill.err" &
	pid=$!
	ms=$(rand_ms "$i")
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# Nothing can release the apply lock of a process killed with SIGKILL:
	# remove it as the next apply's refusal says.
	lock=$(lock_id)
	[ -z "$lock" ] || "$PRISMSYNC" apply --force-unlock "$lock" >/dev/null 2>&1 ||
		bad "--force-unlock $lock after kill $i"
	i=$((i + 1))
done

ps apply --auto-approve
expect_rc 0 "an uninterrupted apply after 20 kills"
ps plan --detailed-exitcode
expect_rc 0 "converged"
state
expect_eq "$(sq '[.customers[].externalId] | length')" "$(sq '[.customers[].externalId] | unique | length')" "no duplicate customer"
expect_eq "$(sq '.customers | length')" "2" "two customers"
expect_eq "$(sq '[.integrations[].name] | sort | join(",")')" "Order Export,Return Intake" "no duplicate integration"
expect_eq "$(sq '[.integrations[] | [.versions[].versionNumber] | (length == (unique | length))] | all')" "true" "no duplicate version number"
expect_eq "$(sq '[.instances[] | "\(.customerId)/\(.name)"] | unique | length')" "4" "four distinct instances"
expect_eq "$(sq '.instances | length')" "4" "and no duplicate"
expect_eq "$(sq '[.instances[] | select(.needsDeploy == false)] | length')" "4" "all deployed"
finish
