#!/usr/bin/env bash
# Runs one prismsync verb for the GitHub Action (action.yml), in the
# working directory the step was given.
#
# - validate's FILE:LINE:COL: error|warning: lines become annotations
#   (action/problem-matcher.json); their paths are made relative to the
#   repository root, where GitHub looks for the file.
# - plan and drift: exit status 2 (changes pending, drift found) is a result,
#   not a failure: the step succeeds with the output changes=true.
# - stdout is saved to a file (output 'output') as well as shown, so that a
#   later step can use it (drift's markdown report as an issue body);
# - plan with comment true: the plan is rendered as markdown (output
#   'report', the same file) for action/comment.sh.
#
# Environment: INPUT_VERB, INPUT_ARGS, INPUT_COMMENT, INPUT_WORKING_DIRECTORY.
set -uo pipefail

verb=${INPUT_VERB:-validate}
case $verb in
validate | plan | apply | drift | whoami | api | version) ;;
*) echo "::error::prismsync: input 'verb' must be validate, plan, apply, drift, whoami, api or version, not '$verb'" >&2; exit 1 ;;
esac

# Split args as a shell would split quoted words, without running anything
# in them (xargs understands quotes and backslashes, and expands nothing).
args=()
if [ -n "${INPUT_ARGS:-}" ]; then
	words=$(mktemp)
	if ! printf '%s\n' "$INPUT_ARGS" | xargs -n 1 printf '%s\n' >"$words"; then
		echo "::error::prismsync: input 'args' is not a list of shell words (an unmatched quote?): $INPUT_ARGS" >&2
		rm -f "$words"
		exit 1
	fi
	mapfile -t args <"$words"
	rm -f "$words"
fi

prefix=${INPUT_WORKING_DIRECTORY:-.}
prefix=${prefix#./}
prefix=${prefix%/}
[ "$prefix" = . ] && prefix=""

output=$(mktemp "${RUNNER_TEMP:-/tmp}/prismsync-$verb.XXXXXX")
report=""
if [ "$verb" = plan ] && [ "${INPUT_COMMENT:-false}" = true ]; then
	report=$output
	args+=(--format markdown --detailed-exitcode)
fi

if [ -n "${GITHUB_ACTION_PATH:-}" ]; then
	echo "::add-matcher::$GITHUB_ACTION_PATH/action/problem-matcher.json"
fi
# Diagnostics name files relative to the working directory; the repository
# root is what annotations are relative to.
prismsync "$verb" "${args[@]}" 2>&1 >"$output" |
	sed -E "${prefix:+s#^([^/[:space:]:][^:]*:[0-9]+:[0-9]+: (error|warning): )#$prefix/\\1#}" >&2
rc=${PIPESTATUS[0]}
if [ -n "${GITHUB_ACTION_PATH:-}" ]; then
	echo "::remove-matcher owner=prismsync::"
fi
cat "$output"

changes=false
if [ "$rc" -eq 2 ] && { [ "$verb" = plan ] || [ "$verb" = drift ]; }; then
	changes=true
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
	{
		echo "exitcode=$rc"
		echo "changes=$changes"
		echo "output=$output"
		[ -n "$report" ] && [ "$rc" -le 2 ] && echo "report=$report"
	} >>"$GITHUB_OUTPUT"
fi
[ "$changes" = true ] && exit 0
exit "$rc"
