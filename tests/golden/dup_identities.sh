#!/bin/sh
# Repeated identities are found in one sort and one pass: a manifest of N
# customers that all share one externalId (and 1,000 instances of one
# customer with one name) gets exactly one error per repeat, in a time that
# grows as N log N. The quadratic search it replaces took about a minute for
# N = 200,000 (two minutes for 270,000); ctest's TIMEOUT for this test fails
# it if that comes back.
set -u
bin=$1
n=${2:-200000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/prismsync-dups.XXXXXX")
trap 'rm -rf "$dir"' EXIT
awk -v n="$n" 'BEGIN {
	print "version: 1"
	print "customers:"
	for (i = 0; i < n; i++) printf "- {externalId: same, name: c%d}\n", i
	print "instances:"
	for (i = 0; i < 1000; i++) print "- {name: same, customer: same, integration: Order Sync}"
}' >"$dir/prismsync.yaml"
"$bin" validate -f "$dir/prismsync.yaml" >"$dir/out" 2>"$dir/err"
rc=$?
fail=0
[ "$rc" -eq 1 ] || { echo "FAIL: validate exited $rc, expected 1"; fail=1; }
dc=$(grep -c "error: duplicate customer externalId 'same' (first defined at line 3)" "$dir/err")
di=$(grep -c "error: duplicate instance 'same' for customer 'same' (first defined at line $((n + 4)))" "$dir/err")
[ "$dc" -eq $((n - 1)) ] || { echo "FAIL: $dc duplicate customer errors, expected $((n - 1))"; fail=1; }
[ "$di" -eq 999 ] || { echo "FAIL: $di duplicate instance errors, expected 999"; fail=1; }
grep -q "is not valid: $((n - 1 + 999)) errors" "$dir/err" || { echo "FAIL: wrong error count"; tail -1 "$dir/err"; fail=1; }
[ "$fail" -eq 0 ] && echo "ok: $n customers with one externalId: each repeat reported once"
exit "$fail"
