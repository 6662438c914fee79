#!/bin/sh
# Reading a saved plan takes time linear in its size: 40,000 changes (four
# per customer, each depending on the one before) read in well under the
# 30 s bound (a quadratic reader took 3.6 s for 8,000, so about 90 s here),
# and so do 40,000 changes of which one depends on all the others. The read
# is timed up to the first API use: without credentials, apply stops right
# after reading the plan.
. "$(dirname "$0")/lib.sh"

"$NODE" "$(dirname "$0")/gen_plan.js" 40000 >"$TMP/plan.json"
start=$(date +%s)
run env -u PRISM_REFRESH_TOKEN -u PRISMATIC_REFRESH_TOKEN -u PRISM_ACCESS_TOKEN \
	PRISMATIC_URL=http://127.0.0.1:9 "$PRISMSYNC" apply "$TMP/plan.json" --auto-approve
elapsed=$(($(date +%s) - start))
expect_rc 1 "stops for want of credentials"
expect_in err "no credentials" "after reading the whole plan"
if [ "$elapsed" -le 30 ]; then ok; else bad "40,000 changes read in ${elapsed}s (bound 30 s)"; fi

"$NODE" "$(dirname "$0")/gen_plan.js" 40000 wide >"$TMP/wide.json"
start=$(date +%s)
run env -u PRISM_REFRESH_TOKEN -u PRISMATIC_REFRESH_TOKEN -u PRISM_ACCESS_TOKEN \
	PRISMATIC_URL=http://127.0.0.1:9 "$PRISMSYNC" apply "$TMP/wide.json" --auto-approve
elapsed=$(($(date +%s) - start))
expect_in err "no credentials" "a change with 39,999 dependencies is read"
if [ "$elapsed" -le 30 ]; then ok; else bad "39,999 dependencies read in ${elapsed}s (bound 30 s)"; fi
finish
