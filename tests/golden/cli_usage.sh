#!/bin/sh
# The command-line contract: --help and --version exit 0, usage mistakes exit
# 64 with one line naming the problem and a pointer to the verb's help.
set -u
bin=$1
fail=0
check() { # expected-status description command...
	want=$1 what=$2
	shift 2
	"$@" >/tmp/cli_usage_out.$$ 2>/tmp/cli_usage_err.$$
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $what: exit $got, expected $want"; cat /tmp/cli_usage_err.$$; fail=1
	fi
}
expect_err() { # exact stderr
	printf '%s\n' "$1" | diff -u - /tmp/cli_usage_err.$$ || { echo "FAIL: stderr differs"; fail=1; }
}
check 0 "--help" "$bin" --help
grep -q "validate" /tmp/cli_usage_out.$$ || { echo "FAIL: --help does not list validate"; fail=1; }
check 0 "--version" "$bin" --version
grep -q "^prismsync [0-9]" /tmp/cli_usage_out.$$ || { echo "FAIL: --version output"; fail=1; }
for lib in libyaml libcurl json-c libgit2; do
	grep -Eq "^$lib: [0-9]+\.[0-9]+" /tmp/cli_usage_out.$$ || { echo "FAIL: --version lacks the version of $lib"; fail=1; }
done
grep -Eq "^commit: ([0-9a-f]{7,}|unknown)$" /tmp/cli_usage_out.$$ || { echo "FAIL: --version lacks the commit"; fail=1; }
cp /tmp/cli_usage_out.$$ /tmp/cli_usage_version.$$
check 0 "version" "$bin" version
cmp -s /tmp/cli_usage_out.$$ /tmp/cli_usage_version.$$ || { echo "FAIL: 'version' differs from '--version'"; fail=1; }
rm -f /tmp/cli_usage_version.$$
# The libraries named are the ones installed (and loaded), as their
# packages report them.
if command -v curl-config >/dev/null; then
	grep -q "^libcurl: $(curl-config --version | cut -d' ' -f2)$" /tmp/cli_usage_out.$$ ||
		{ echo "FAIL: libcurl version is not the installed one"; fail=1; }
fi
if command -v pkg-config >/dev/null; then
	for pair in libyaml:yaml-0.1 json-c:json-c libgit2:libgit2; do
		name=${pair%%:*} pc=${pair#*:}
		want=$(pkg-config --modversion "$pc" 2>/dev/null) || continue
		grep -q "^$name: $want$" /tmp/cli_usage_out.$$ ||
			{ echo "FAIL: $name version is not the installed $want"; fail=1; }
	done
fi
check 0 "validate --help" "$bin" validate --help
grep -q "^usage: prismsync validate" /tmp/cli_usage_out.$$ || { echo "FAIL: validate --help"; fail=1; }
check 0 "help validate" "$bin" help validate
check 0 "help version" "$bin" help version
grep -q "^usage: prismsync version" /tmp/cli_usage_out.$$ || { echo "FAIL: help version"; fail=1; }
check 64 "no verb" "$bin"
check 64 "unknown verb" "$bin" frobnicate
expect_err "prismsync: unknown verb 'frobnicate'
see 'prismsync --help'"
check 64 "unknown option" "$bin" validate --frobnicate
expect_err "prismsync validate: unknown option '--frobnicate'
see 'prismsync validate --help'"
check 64 "missing value" "$bin" validate -f
expect_err "prismsync validate: option '-f' needs a value
see 'prismsync validate --help'"
check 64 "extra argument" "$bin" validate extra
expect_err "prismsync validate: unexpected argument 'extra'
see 'prismsync validate --help'"
check 64 "verb typo" "$bin" pla
expect_err "prismsync: unknown verb 'pla'; did you mean 'plan'?
see 'prismsync --help'"
check 64 "help for a verb typo" "$bin" help aply
expect_err "prismsync: unknown verb 'aply'; did you mean 'apply'?
see 'prismsync --help'"
check 64 "option typo" "$bin" plan --fromat json
expect_err "prismsync plan: unknown option '--fromat'; did you mean '--format'?
see 'prismsync plan --help'"
check 64 "option typo with =" "$bin" drift --reprot=x.json
expect_err "prismsync drift: unknown option '--reprot=x.json'; did you mean '--report'?
see 'prismsync drift --help'"
check 64 "two manifests" "$bin" validate -f a.yaml -f b.yaml
expect_err "prismsync validate: -f/--file given twice ('a.yaml', then 'b.yaml'); prismsync reads one manifest per run
see 'prismsync validate --help'"
check 64 "two manifests, long form" "$bin" plan --file=a.yaml --file b.yaml
expect_err "prismsync plan: -f/--file given twice ('a.yaml', then 'b.yaml'); prismsync reads one manifest per run
see 'prismsync plan --help'"
check 1 "missing manifest" "$bin" validate -f /nonexistent/prismsync.yaml
rm -f /tmp/cli_usage_out.$$ /tmp/cli_usage_err.$$
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
