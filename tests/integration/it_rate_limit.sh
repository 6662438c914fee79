#!/bin/sh
# Under a rate limit of 10 requests a second, apply from an empty org still
# converges with no failed change: 429s are waited out, never reported.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reconcile_lib.sh"

emu_start --publish-delay-ms 100 --rate-limit 10
ps apply --auto-approve
expect_rc 0 "apply under --rate-limit 10"
expect_in err "Apply complete: 15 done, 0 failed, 0 blocked" "no failed change"
ps plan --detailed-exitcode
expect_rc 0 "converged"
state
expect_eq "$(sq '.instances | length')" "4" "every instance created"
finish
