#!/bin/sh
# Checks, against the Prismatic API at PRISMATIC_URL, each behaviour of that
# API prismsync relies on, and prints a report to attach to a bug.
# See `scripts/contract.sh --help` and README ("Checking the emulator's
# assumptions against your organization").
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONTRACT_DIR=$ROOT/tests/contract

usage() {
	cat <<'EOF'
usage: scripts/contract.sh [--org "ORGANIZATION NAME"] [--report FILE]
                           [--publish-timeout SECONDS] [--prismsync PATH]

Checks the behaviour prismsync relies on (publish numbering, when an
instance needs a deploy, what a deploy returns, write-only connection
inputs, OAuth 2.0 connections waiting for a person, error shapes,
throttling, page sizes, offset pages) against the Prismatic API at
PRISMATIC_URL, and prints a report: each check with PASS, FAIL or SKIP
and its evidence.

It creates one customer, two integrations and two instances, all named
"prismsync-contract <run id> ..." and labelled prismsync:owner=contract-<run id>,
touches nothing else, and removes them when it ends, also when it fails
or is interrupted.

options:
  --org NAME              required unless PRISMATIC_URL is a loopback address:
                          the exact name of the organization the credentials
                          belong to; the run stops before creating anything
                          when they belong to another one
  --report FILE           also write the report as markdown to FILE
  --publish-timeout SECS  how long a published version may take to become
                          available (default 300)
  --prismsync PATH        the prismsync binary (default: build/prismsync of this
                          repository, else prismsync on PATH)
  -h, --help              show this help

environment: PRISMATIC_URL (default https://app.prismatic.io), and the
credentials as for prismsync: PRISM_REFRESH_TOKEN (or PRISMATIC_REFRESH_TOKEN)
or PRISM_ACCESS_TOKEN, PRISMATIC_TENANT_ID. Needs curl and jq.

exit status: 0 every check passed or was skipped, 1 a check failed, the
run was refused, or something it created could not be removed,
64 usage error, 128+N when stopped by signal N
EOF
}

die_usage() {
	echo "contract.sh: $*" >&2
	echo "see 'scripts/contract.sh --help'" >&2
	exit 64
}

ORG="" ORG_GIVEN=0 REPORT_FILE="" PUBLISH_TIMEOUT=300 PRISMSYNC=${PRISMSYNC:-}
while [ $# -gt 0 ]; do
	case "$1" in
	--org)
		[ $# -ge 2 ] || die_usage "--org needs the organization's name"
		ORG=$2 ORG_GIVEN=1
		shift 2
		;;
	--org=*) ORG=${1#--org=} ORG_GIVEN=1 && shift ;;
	--report)
		[ $# -ge 2 ] || die_usage "--report needs a file name"
		REPORT_FILE=$2
		shift 2
		;;
	--report=*) REPORT_FILE=${1#--report=} && shift ;;
	--publish-timeout)
		[ $# -ge 2 ] || die_usage "--publish-timeout needs a number of seconds"
		PUBLISH_TIMEOUT=$2
		shift 2
		;;
	--publish-timeout=*) PUBLISH_TIMEOUT=${1#--publish-timeout=} && shift ;;
	--prismsync)
		[ $# -ge 2 ] || die_usage "--prismsync needs a path"
		PRISMSYNC=$2
		shift 2
		;;
	--prismsync=*) PRISMSYNC=${1#--prismsync=} && shift ;;
	-h | --help)
		usage
		exit 0
		;;
	*) die_usage "unknown argument '$1'" ;;
	esac
done
case "$PUBLISH_TIMEOUT" in
'' | *[!0-9]*) die_usage "--publish-timeout needs a whole number of seconds" ;;
esac
if [ "$ORG_GIVEN" = 1 ] && [ -z "$ORG" ]; then
	die_usage "--org needs the organization's name"
fi

# --- Where it would go: decided before any network call ---------------------

PRISMATIC_URL=${PRISMATIC_URL:-https://app.prismatic.io}
PRISMATIC_URL=${PRISMATIC_URL%/}
export PRISMATIC_URL
scheme=${PRISMATIC_URL%%://*}
rest=${PRISMATIC_URL#*://}
HOSTPORT=${rest%%/*}
case "$HOSTPORT" in
\[*) HOST=${HOSTPORT%%]*}] ;;
*) HOST=${HOSTPORT%%:*} ;;
esac
LOOPBACK=0
case "$HOST" in
127.0.0.1 | localhost | '[::1]') LOOPBACK=1 ;;
esac
if [ "$scheme" = "$PRISMATIC_URL" ] || { [ "$scheme" != https ] && [ "$scheme" != http ]; }; then
	echo "contract.sh: PRISMATIC_URL must start with https:// (or http:// for a loopback address)" >&2
	exit 1
fi
if [ "$scheme" = http ] && [ "$LOOPBACK" = 0 ]; then
	echo "contract.sh: refusing http:// for $HOSTPORT: only a loopback address may be plain http" >&2
	exit 1
fi
if [ "$LOOPBACK" = 0 ] && [ "$ORG_GIVEN" = 0 ]; then
	cat >&2 <<EOF
contract.sh: refusing to run against $HOSTPORT without --org.
This suite creates and deletes a customer, integrations and instances. Run it
against a sandbox organization, naming it exactly as the credentials see it:
  scripts/contract.sh --org "Acme Sandbox"
EOF
	exit 1
fi

for tool in curl jq; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "contract.sh: needs $tool" >&2
		exit 1
	}
done
if [ -z "$PRISMSYNC" ]; then
	if [ -x "$ROOT/build/prismsync" ]; then
		PRISMSYNC=$ROOT/build/prismsync
	else
		PRISMSYNC=$(command -v prismsync 2>/dev/null || true)
	fi
fi
if [ -z "$PRISMSYNC" ] || [ ! -x "$PRISMSYNC" ]; then
	echo "contract.sh: prismsync not found: build it (cmake -S . -B build && cmake --build build) or pass --prismsync PATH" >&2
	exit 1
fi

. "$CONTRACT_DIR/lib.sh"
. "$CONTRACT_DIR/checks.sh"

# --- Private working directory, and removal on every exit path --------------

umask 077
W=$(mktemp -d "${TMPDIR:-/tmp}/prismsync-contract.XXXXXX") || exit 1
mkdir "$W/ev"
: >"$W/results"
: >"$W/requests.log"
: >"$W/created"
STARTED=0 STOPPED_BY="" CLEANUP_STATE="nothing was created"

on_signal() {
	STOPPED_BY=$1
	exit "$2"
}

on_exit() {
	status=$?
	trap '' INT TERM HUP
	if [ "$STARTED" = 1 ]; then
		[ -n "$STOPPED_BY" ] && say "stopped by SIG$STOPPED_BY: removing what the run created"
		if remove_all; then
			n=$(grep -c '^removed' "$W/cleanup")
			CLEANUP_STATE="all $n object(s) the run created were removed"
		else
			CLEANUP_STATE="$(grep -c '^NOT' "$W/cleanup") object(s) could NOT be removed (listed below): remove them by hand"
			[ "$status" = 0 ] && status=1
		fi
		report_text
		[ -n "$REPORT_FILE" ] && report_markdown >"$REPORT_FILE" && say "report written to $REPORT_FILE"
	fi
	rm -rf "$W"
	exit "$status"
}
trap on_exit EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP

# --- The report -------------------------------------------------------------

prismsync_version() {
	v=$("$PRISMSYNC" --version 2>/dev/null | head -n 1)
	c=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)
	if [ -n "$c" ]; then
		git -C "$ROOT" diff --quiet HEAD 2>/dev/null || c="$c, with local changes"
		echo "${v:-prismsync (unknown version)} (repository at commit $c)"
	else
		echo "${v:-prismsync (unknown version)}"
	fi
}

counts() {
	awk -F '\t' '{ n[$2]++ } END { printf "%d passed, %d failed, %d skipped", n["PASS"], n["FAIL"], n["SKIP"] }' "$W/results"
}

report_text() {
	echo "prismsync contract report"
	echo "  prismsync:  $PRISMSYNC_VERSION"
	echo "  API:        $API_DESC"
	echo "  date:       $DATE"
	echo "  run id:     $RUN_ID"
	echo "  result:     $(counts)${STOPPED_BY:+; stopped by SIG$STOPPED_BY before the end}"
	echo "  cleanup:    $CLEANUP_STATE"
	echo
	awk -F '\t' '{ printf "%-4s  %-34s %s\n", $2, $1, $3 }' "$W/results"
	echo
	echo "Evidence"
	while IFS="$(printf '\t')" read -r name res summary; do
		echo "-- $name ($res)"
		[ -s "$W/ev/$name" ] && sed 's/^/   /' "$W/ev/$name"
	done <"$W/results"
	echo "-- cleanup"
	sed 's/^/   /' "$W/cleanup" 2>/dev/null
}

md_cell() { sed 's/|/\\|/g' | tr '\n' ' '; }

report_markdown() {
	echo "# prismsync contract report"
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| prismsync | $PRISMSYNC_VERSION |"
	echo "| API | $API_DESC |"
	echo "| date | $DATE |"
	echo "| run id | \`$RUN_ID\` |"
	echo "| result | $(counts)${STOPPED_BY:+; stopped by SIG$STOPPED_BY before the end} |"
	echo "| cleanup | $CLEANUP_STATE |"
	echo
	echo "| check | result | summary |"
	echo "|---|---|---|"
	while IFS="$(printf '\t')" read -r name res summary; do
		echo "| \`$name\` | **$res** | $(printf '%s' "$summary" | md_cell) |"
	done <"$W/results"
	echo
	echo "## Evidence"
	while IFS="$(printf '\t')" read -r name res summary; do
		echo
		echo "### \`$name\` — $res"
		echo
		if [ -s "$W/ev/$name" ]; then
			echo '```'
			cat "$W/ev/$name"
			echo '```'
		else
			echo "(none)"
		fi
	done <"$W/results"
	echo
	echo "## Cleanup"
	echo
	echo '```'
	cat "$W/cleanup" 2>/dev/null
	echo '```'
}

# --- Who the credentials are ------------------------------------------------

if ! gql whoami; then
	echo "contract.sh: cannot reach the API at $HOSTPORT as the given credentials: $(gql_error)" >&2
	exit 1
fi
ORG_SEEN=$(j '.authenticatedUser.org.name // empty')
if [ "$ORG_GIVEN" = 1 ] && [ "$ORG_SEEN" != "$ORG" ]; then
	echo "contract.sh: refusing: the credentials belong to organization \"$ORG_SEEN\", not \"$ORG\"; nothing was created" >&2
	exit 1
fi
# The emulator's control endpoints serve the checks that need a person or
# a throttled server. PRISMSYNC_CONTRACT_AS_REAL=1 leaves them alone, so that
# the suite's own tests see what a run against a real organization does.
EMULATOR=0
if [ "$LOOPBACK" = 1 ] && [ "${PRISMSYNC_CONTRACT_AS_REAL:-}" != 1 ] &&
    curl_api -sS --max-time 10 "$PRISMATIC_URL/__emulator/config" 2>/dev/null | jq -e 'has("rate_limit")' >/dev/null 2>&1; then
	EMULATOR=1
	PUBLISH_POLL=0.2
fi

RUN_ID=$(date -u +%Y%m%d%H%M%S)-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
OWNER="prismsync:owner=contract-$RUN_ID"
SFTP_PASSWORD="made-up-password-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
OAUTH_SECRET="made-up-secret-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
PRISMSYNC_VERSION=$(prismsync_version)
if [ "$EMULATOR" = 1 ]; then
	API_DESC="$HOSTPORT (the prismsync emulator, organization \"$ORG_SEEN\")"
else
	API_DESC="$HOSTPORT (organization \"$ORG_SEEN\")"
fi

say "prismsync contract suite, run $RUN_ID, against $API_DESC"
say "objects: \"prismsync-contract $RUN_ID ...\", label $OWNER"
STARTED=1
setup_objects
check_publish
check_instance
check_oauth
check_errors
check_lock
check_throttle
check_pages

grep -q "	FAIL	" "$W/results" && exit 1
exit 0
