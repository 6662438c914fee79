#!/bin/sh
# run_golden.sh invalid|valid PRISMSYNC DIR CASE
#
# invalid: runs `prismsync validate -f CASE.yaml` in DIR and requires exit
#   status 1, nothing on stdout, and stderr equal to DIR/CASE.expected. When
#   DIR/CASE.gen exists, it is run first to write CASE.yaml into a temporary
#   directory (for inputs too big or too odd to commit), and validate runs
#   there instead.
# valid: requires exit status 0 and no error on stderr (warnings are allowed
#   only when DIR/CASE.expected lists them exactly).
set -eu
mode=$1 bin=$2 dir=$3 case=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run_dir=$dir
if [ -f "$dir/$case.gen" ]; then
	run_dir=$tmp/run
	mkdir "$run_dir"
	sh "$dir/$case.gen" "$run_dir/$case.yaml"
fi
set +e
# A clean environment: ${env:NAME} warnings must not depend on who runs the test.
(cd "$run_dir" && env -i PATH="$PATH" NO_COLOR=1 "$bin" validate -f "$case.yaml" >"$tmp/out" 2>"$tmp/err")
status=$?
set -e
fail=0
if [ "$mode" = invalid ]; then
	[ $status -eq 1 ] || { echo "expected exit status 1, got $status"; fail=1; }
	[ ! -s "$tmp/out" ] || { echo "expected nothing on stdout, got:"; cat "$tmp/out"; fail=1; }
	if ! diff -u "$dir/$case.expected" "$tmp/err"; then
		echo "stderr differs from $dir/$case.expected (diff above: - expected, + actual)"
		fail=1
	fi
else
	[ $status -eq 0 ] || { echo "expected exit status 0, got $status"; cat "$tmp/err"; fail=1; }
	if [ -f "$dir/$case.expected" ]; then
		diff -u "$dir/$case.expected" "$tmp/err" || fail=1
	elif [ -s "$tmp/err" ]; then
		echo "expected nothing on stderr, got:"; cat "$tmp/err"; fail=1
	fi
	grep -q "is valid" "$tmp/out" || { echo "expected a 'is valid' line on stdout"; fail=1; }
fi
exit $fail
