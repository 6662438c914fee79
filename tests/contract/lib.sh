# Helpers of the contract suite (sourced by scripts/contract.sh).
#
# The suite talks to the API two ways:
# - gql DOC [--var ...]: a document of graphql/ sent by `prismsync api`,
#   which owns authentication, retries and size limits; used for everything
#   whose meaning (not its exact wire shape) is checked.
# - raw_gql DOC VARS_JSON [valid|invalid]: the same POST /api sent by curl,
#   for checks about the wire itself (HTTP status, headers, where an error
#   sits in the body). The access token reaches curl on its standard input,
#   never on a command line or in a file.
#
# Everything the run writes lives in $W, a directory only the user can
# read; it holds ids, response bodies and evidence, never a token.
#
# Needs: $PRISMSYNC, $PRISMATIC_URL, $CONTRACT_DIR, $W, curl, jq.

# ---------------------------------------------------------------------------
# Results and evidence
# ---------------------------------------------------------------------------

# evid NAME TEXT...: adds a line of evidence to check NAME.
evid() {
	_n=$1
	shift
	printf '%s\n' "$*" >>"$W/ev/$_n"
}

# evid_file NAME FILE [MAXBYTES]: adds the start of a file as evidence.
evid_file() {
	if [ -s "$2" ]; then
		head -c "${3:-1500}" "$2" | tr -d '\r' >>"$W/ev/$1"
		printf '\n' >>"$W/ev/$1"
	fi
}

# result NAME PASS|FAIL|SKIP SUMMARY: records and prints the outcome.
result() {
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$W/results"
	printf '%-4s  %-34s %s\n' "$2" "$1" "$3" >&2
	if [ "$2" = FAIL ] && [ -s "$W/ev/$1" ]; then
		sed 's/^/      | /' "$W/ev/$1" | head -n 30 >&2
	fi
}

pass() { result "$1" PASS "$2"; }
skip() { result "$1" SKIP "$2"; }

# fail NAME EXPECTED SEEN: a failed check says what it expected and saw.
fail() {
	result "$1" FAIL "expected $2; saw $3"
}

# need NAME VALUE WHAT: SKIP check NAME (returning 1) when VALUE is empty.
need() {
	if [ -z "$2" ]; then
		skip "$1" "needs $3, which an earlier step could not provide"
		return 1
	fi
	return 0
}

say() { printf '%s\n' "$*" >&2; }

# now_ms: milliseconds since the epoch (whole seconds where date has no %N).
now_ms() {
	_t=$(date +%s%N 2>/dev/null)
	case "$_t" in
	*N | "") echo $(($(date +%s) * 1000)) ;;
	*) echo $((_t / 1000000)) ;;
	esac
}

# ---------------------------------------------------------------------------
# GraphQL through prismsync
# ---------------------------------------------------------------------------

# gql DOC [--var N=V | --var-json N=J]...: runs graphql/DOC.graphql. The
# data is in $W/out.json, the error text (if any) in $W/gql.err; the
# request log lines go to $W/requests.log. Returns prismsync's status.
gql() {
	_doc=$1
	shift
	"$PRISMSYNC" api -v "@$CONTRACT_DIR/graphql/$_doc.graphql" "$@" >"$W/out.json" 2>"$W/gql.stderr"
	_rc=$?
	grep -E '^prismsync: [^ :]+: (HTTP [0-9]+ in|.* after [0-9.]+ s)' "$W/gql.stderr" \
	    | sed "s/^/$_doc: /" >>"$W/requests.log"
	grep -vE '^prismsync: ([^ :]+: (HTTP [0-9]+ in|.* after [0-9.]+ s)|[0-9]+ API request)' \
	    "$W/gql.stderr" >"$W/gql.err"
	return $_rc
}

# j FILTER: jq -r over the last gql answer; jc: the same, compact JSON.
j() { jq -r "$1" "$W/out.json" 2>/dev/null; }
jc() { jq -c "$1" "$W/out.json" 2>/dev/null; }

# gql_error: the last gql error text on one line.
gql_error() { tr '\n' ' ' <"$W/gql.err" | sed 's/  */ /g; s/ $//'; }

# ---------------------------------------------------------------------------
# Raw HTTP
# ---------------------------------------------------------------------------

# curl_api ARGS...: curl without a proxy for a loopback API (as prismsync
# does), with the user's proxy settings otherwise.
curl_api() {
	if [ "${LOOPBACK:-0}" = 1 ]; then
		curl --noproxy '*' "$@"
	else
		curl "$@"
	fi
}

ACCESS_TOKEN=""

# access_token: fills ACCESS_TOKEN (a shell variable, never exported) from
# PRISM_ACCESS_TOKEN, or by refreshing with the refresh token as prismsync
# does. Returns 1 when there is none.
access_token() {
	[ -n "$ACCESS_TOKEN" ] && return 0
	if [ -n "${PRISM_ACCESS_TOKEN:-}" ]; then
		ACCESS_TOKEN=$PRISM_ACCESS_TOKEN
	elif [ -n "${PRISM_REFRESH_TOKEN:-}${PRISMATIC_REFRESH_TOKEN:-}" ]; then
		ACCESS_TOKEN=$(jq -n '{refresh_token: (env.PRISM_REFRESH_TOKEN // env.PRISMATIC_REFRESH_TOKEN)}
		    + (if (env.PRISMATIC_TENANT_ID // "") != "" then {tenant_id: env.PRISMATIC_TENANT_ID} else {} end)' |
		    curl_api -sS --max-time 60 -H 'Content-Type: application/json' -H 'Prismatic-Client: prismsync-contract' \
		        --data-binary @- "$PRISMATIC_URL/auth/refresh" 2>/dev/null | jq -r '.access_token // empty' 2>/dev/null)
	fi
	# The token travels inside a curl config line: allow only token characters.
	case "$ACCESS_TOKEN" in
	"" | *[!A-Za-z0-9._~+/=-]*)
		ACCESS_TOKEN=""
		return 1
		;;
	esac
	return 0
}

# raw_gql DOC VARS_JSON [valid|invalid]: POST /api with curl. Sets RAW_STATUS
# (000 when no answer); the body is in $W/raw.body, the response headers in
# $W/raw.headers. "invalid" sends a made-up token instead of the user's.
raw_gql() {
	jq -n --rawfile q "$CONTRACT_DIR/graphql/$1.graphql" --argjson v "$2" \
	    '{query: $q, variables: $v}' >"$W/raw.req" || return 1
	raw_post "$W/raw.req" "${3:-valid}" "$W/raw"
}

# raw_post BODYFILE valid|invalid PREFIX: writes PREFIX.body, PREFIX.headers;
# sets RAW_STATUS. Every status is appended to $W/requests.log. printf is a
# shell builtin: the token is on no process's command line.
raw_post() {
	if [ "$2" = valid ]; then
		if ! access_token; then
			RAW_STATUS=000
			: >"$3.body"
			: >"$3.headers"
			return 1
		fi
		_tok=$ACCESS_TOKEN
	else
		_tok=prismsync-contract-not-a-token
	fi
	RAW_STATUS=$(printf 'header = "Authorization: Bearer %s"\n' "$_tok" |
	    curl_api -sS -K - --max-time 60 -X POST -H 'Content-Type: application/json' \
	        -H 'Prismatic-Client: prismsync-contract' --data-binary "@$1" \
	        -D "$3.headers" -o "$3.body" -w '%{http_code}' "$PRISMATIC_URL/api" 2>/dev/null)
	[ -n "$RAW_STATUS" ] || RAW_STATUS=000
	if [ "$RAW_STATUS" = 429 ]; then
		printf 'raw: HTTP 429, Retry-After: %s\n' "$(header Retry-After "$3.headers")" >>"$W/requests.log"
	else
		printf 'raw: HTTP %s\n' "$RAW_STATUS" >>"$W/requests.log"
	fi
	return 0
}

# header NAME FILE: the value of a response header (last one wins).
header() {
	tr -d '\r' <"$2" | awk -v n="$1" 'BEGIN { n = tolower(n) ":" }
	    tolower(substr($0, 1, length(n))) == n { v = substr($0, length(n) + 1); sub(/^[ \t]+/, "", v) }
	    END { print v }'
}

# ---------------------------------------------------------------------------
# What the run created, and removing it
# ---------------------------------------------------------------------------

# created KIND ID: records an object the run created (kinds: customer,
# integration, instance). Removal goes in the reverse order.
created() {
	[ -n "$2" ] && [ "$2" != null ] && printf '%s %s\n' "$1" "$2" >>"$W/created"
}

# owned LABELS_JSON: true when the owner label is among the labels.
owned() {
	printf '%s' "$1" | jq -e --arg o "$OWNER" 'index($o) != null' >/dev/null 2>&1
}

# sweep_unrecorded: objects whose create call was cut short may exist
# without being recorded; find them by this run's names and owner label.
sweep_unrecorded() {
	if gql find_customers --var "name=prismsync-contract $RUN_ID customer"; then
		j '.customers.nodes[] | [.id, (.labels | tojson)] | @tsv' | while IFS="$(printf '\t')" read -r id labels; do
			owned "$labels" && ! grep -q " $id\$" "$W/created" 2>/dev/null && created customer "$id"
		done
	fi
	for which in main oauth; do
		if gql find_integrations --var "name=prismsync-contract $RUN_ID $which"; then
			j '.integrations.nodes[] | [.id, (.labels | tojson)] | @tsv' | while IFS="$(printf '\t')" read -r id labels; do
				owned "$labels" && ! grep -q " $id\$" "$W/created" 2>/dev/null && created integration "$id"
			done
		fi
	done
	# Instances belong to the run's customer: list them all.
	for cust in $(awk '$1 == "customer" { print $2 }' "$W/created" 2>/dev/null); do
		if gql customer_instances --var "customer=$cust"; then
			j '.instances.nodes[] | [.id, (.labels | tojson)] | @tsv' | while IFS="$(printf '\t')" read -r id labels; do
				owned "$labels" && ! grep -q " $id\$" "$W/created" 2>/dev/null && created instance "$id"
			done
		fi
	done
}

# remove_all: deletes what the run created: instances, then integrations,
# then the customer. Writes $W/cleanup (one line per object) and returns 1
# when something could not be removed.
remove_all() {
	: >"$W/cleanup"
	[ -f "$W/created" ] || touch "$W/created"
	sweep_unrecorded
	_left=0
	for kind in instance integration customer; do
		for id in $(awk -v k="$kind" '$1 == k { print $2 }' "$W/created" | sort -u); do
			if gql "delete_$kind" --var "id=$id"; then
				printf 'removed: %s %s\n' "$kind" "$id" >>"$W/cleanup"
				continue
			fi
			_why=$(gql_error)
			# Refused or failed: it may be gone already (removed with its parent).
			if gql "get_$kind" --var "id=$id"; then
				if [ -z "$(j ".$kind.id // empty")" ]; then
					printf 'removed: %s %s (already gone)\n' "$kind" "$id" >>"$W/cleanup"
					continue
				fi
			elif gql_error | grep -Eqi 'not found|does not exist'; then
				printf 'removed: %s %s (already gone)\n' "$kind" "$id" >>"$W/cleanup"
				continue
			fi
			printf 'NOT removed: %s %s: %s\n' "$kind" "$id" "$_why" >>"$W/cleanup"
			_left=1
		done
	done
	return $_left
}
