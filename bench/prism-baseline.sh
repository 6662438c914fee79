#!/usr/bin/env bash
# The baseline prismsync is compared with: the same work done the way teams
# do it today, with a shell script of real `prism` CLI calls (10.4.0, from
# tests/prism), one after another, against the same emulator and org.
#
#   bench/prism-baseline.sh --url URL --input DIR --out DIR
#                           [--max-exports N] [--max-integrations N] [--max-instances N]
#
# DIR is written by bench/baseline-input.js. Two phases:
#   check  integrations:list (every version), customers:list, instances:list,
#          then integrations:export of each integration, compared with its
#          file after normalising (bench/yaml-same.js): what plan and drift do.
#   apply  for each integration that differs: integrations:import --replace
#          and integrations:publish; for each instance whose configuration
#          changed: prism 10.4.0 cannot change an existing instance's config
#          variables (instances:update has no flag for them), so the instance
#          is recreated with them: instances:delete, instances:create
#          --config-vars, instances:disable if it was disabled, and
#          instances:deploy unless the manifest leaves it undeployed.
# The instances that changed are taken from the diff of the instance list
# (baseline-input.js), not by reading every instance's config variables
# (instances:config-vars:list, one call per instance): that favours the
# baseline.
#
# The --max-* options run a sample (the first N of that kind) for sizes where
# the whole script would take too long; run.sh extrapolates per call kind.
# Writes OUT/calls.tsv (phase, kind, seconds, exit status, pages) and
# OUT/phases.tsv (phase, seconds).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
prism=${PRISM:-$repo/tests/prism/node_modules/.bin/prism}
url="" in="" out=""
max_exports=-1 max_integrations=-1 max_instances=-1
while [ $# -gt 0 ]; do
	case "$1" in
	--url) url=$2; shift 2 ;;
	--input) in=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--max-exports) max_exports=$2; shift 2 ;;
	--max-integrations) max_integrations=$2; shift 2 ;;
	--max-instances) max_instances=$2; shift 2 ;;
	*) echo "prism-baseline: unknown argument $1" >&2; exit 64 ;;
	esac
done
if [ -z "$url" ] || [ -z "$in" ] || [ -z "$out" ]; then
	echo "usage: bench/prism-baseline.sh --url URL --input DIR --out DIR [--max-exports N] [--max-integrations N] [--max-instances N]" >&2
	exit 64
fi
[ -x "$prism" ] || { echo "prism-baseline: no prism CLI at $prism (npm ci in tests/prism)" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/prism-baseline.XXXXXX")
trap 'rm -rf "$work"' EXIT

export HOME=$work/home PRISMATIC_URL=$url PRISM_SKIP_NEW_VERSION_CHECK=true NO_COLOR=1 TZ=UTC
mkdir -p "$HOME"
PRISM_ACCESS_TOKEN=$(curl -sS -X POST "$url/auth/refresh" -d '{"refresh_token":"test-refresh-token"}' | jq -r .access_token)
export PRISM_ACCESS_TOKEN
unset PRISM_REFRESH_TOKEN
cd "$work"

: >"$out/calls.tsv"
: >"$out/phases.tsv"
now() { date +%s.%N; }
phase=check

# call KIND PAGES OUTFILE ARGS...: one prism invocation, timed and logged.
call() {
	local kind=$1 pages=$2 file=$3
	shift 3
	local t0 t1 rc=0
	t0=$(now)
	"$prism" "$@" >"$file" 2>"$work/stderr" || rc=$?
	t1=$(now)
	printf '%s\t%s\t%s\t%s\t%s\n' "$phase" "$kind" "$(echo "$t1 - $t0" | bc)" "$rc" "$pages" >>"$out/calls.tsv"
	if [ "$rc" -ne 0 ]; then
		echo "prism-baseline: prism $* failed (exit $rc):" >&2
		cat "$work/stderr" >&2
		exit 1
	fi
}
pages() { echo $((($1 + 99) / 100)); } # list commands read 100 a page
limit() { [ "$1" -lt 0 ] || [ "$2" -lt "$1" ]; } # limit MAX DONE: may do one more

# --- check -------------------------------------------------------------------
p0=$(now)
n_integrations=$(wc -l <"$in/integrations.tsv")
n_expected=$(jq ".integrations * 3" "$in/expected.json") # drafts and two versions each (genorg)
call list-integrations "$(pages "$n_expected")" all.json integrations:list --showAllVersions --extended --output json
call list-customers "$(pages "$(jq .customers "$in/expected.json")")" customers.json customers:list --extended --output json
call list-instances "$(pages "$(jq .instances "$in/expected.json")")" instances.json instances:list --extended --output json

# The draft of each integration is the record with the highest versionNumber.
jq -r 'group_by(.name)[] | max_by(.versionNumber | tonumber) | [.name, .id] | @tsv' all.json >drafts.tsv
: >changed-integrations.tsv
done_exports=0
while IFS=$'\t' read -r name file; do
	limit "$max_exports" "$done_exports" || break
	id=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' drafts.tsv)
	[ -n "$id" ] || { echo "prism-baseline: integration $name is not in the org" >&2; exit 1; }
	call export 1 exported.yml integrations:export "$id"
	done_exports=$((done_exports + 1))
	if ! node "$here/yaml-same.js" exported.yml "$file"; then
		printf '%s\t%s\n' "$id" "$file" >>changed-integrations.tsv
	fi
done <"$in/integrations.tsv"
p1=$(now)
printf 'check\t%s\n' "$(echo "$p1 - $p0" | bc)" >>"$out/phases.tsv"

# --- apply -------------------------------------------------------------------
phase=apply
done_integrations=0
while IFS=$'\t' read -r id file; do
	limit "$max_integrations" "$done_integrations" || break
	call import 1 import.out integrations:import --path "$file" --integrationId "$id" --replace --no-confirm
	call publish 1 publish.out integrations:publish "$id" --comment "prism CLI baseline"
	done_integrations=$((done_integrations + 1))
done <changed-integrations.tsv

done_instances=0
while IFS= read -r line; do
	limit "$max_instances" "$done_instances" || break
	customer=$(jq -r .customer <<<"$line")
	name=$(jq -r .name <<<"$line")
	integration=$(jq -r .integration <<<"$line")
	version=$(jq -r .version <<<"$line")
	row=$(jq -c --arg c "$customer" --arg n "$name" 'map(select(.customerExternalId == $c and .name == $n)) | first' instances.json)
	[ "$row" != null ] || { echo "prism-baseline: instance $name of $customer is not in the org" >&2; exit 1; }
	old=$(jq -r .id <<<"$row")
	customer_id=$(jq -r .customerid <<<"$row")
	version_id=$(jq -r --arg n "$integration" --arg v "$version" \
		'map(select(.name == $n and .versionNumber == $v)) | first | .id' all.json)
	labels=()
	while IFS= read -r l; do labels+=(--label "$l"); done < <(jq -r '.labels[]' <<<"$line")
	vars=$(jq -c '.configVariables | to_entries | map({key: .key, value: .value})' <<<"$line")
	call delete-instance 1 delete.out instances:delete "$old"
	call create-instance 1 create.out instances:create --name "$name" --integration "$version_id" \
		--customer "$customer_id" --description "$(jq -r .description <<<"$line")" "${labels[@]}" --config-vars "$vars"
	new=$(head -n 1 create.out)
	if [ "$(jq -r .enabled <<<"$line")" = false ]; then
		call disable-instance 1 disable.out instances:disable "$new"
	fi
	if [ "$(jq -r .deploy <<<"$line")" = true ]; then
		call deploy-instance 1 deploy.out instances:deploy "$new"
	fi
	done_instances=$((done_instances + 1))
done <"$in/instances-changed.jsonl"
p2=$(now)
printf 'apply\t%s\n' "$(echo "$p2 - $p1" | bc)" >>"$out/phases.tsv"
echo "prism-baseline: $(wc -l <"$out/calls.tsv") prism calls; exports $done_exports of $n_integrations," \
	"integrations changed $done_integrations of $(wc -l <changed-integrations.tsv) found," \
	"instances recreated $done_instances of $(wc -l <"$in/instances-changed.jsonl")" >&2
