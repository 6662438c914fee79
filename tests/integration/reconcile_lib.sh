# Helpers for the reconcile scenarios (sourced after lib.sh): a copy of
# testdata/reconcile/ to edit, prismsync runs against it, and queries of the
# emulator's state.

REPO="$TMP/repo"
SRC_DIR="$(cd "$(dirname "$0")/../.." && pwd)"
cp -r "$SRC_DIR/testdata/reconcile" "$REPO"
export ACME_API_KEY=acme-secret-1
export NO_COLOR=1

# ps VERB ARGS...: runs prismsync against the test repository.
ps() {
	verb=$1
	shift
	run "$PRISMSYNC" "$verb" -f "$REPO/prismsync.yaml" "$@"
}

# save_json NAME: keeps the last stdout (a JSON plan or report) for the schema test.
save_json() {
	if [ -n "${PRISMSYNC_JSON_OUT:-}" ] && [ -d "$PRISMSYNC_JSON_OUT" ]; then
		cp "$TMP/out" "$PRISMSYNC_JSON_OUT/$1.json"
	fi
}

state() { ctl GET /__emulator/state >"$TMP/state.json"; }

# sq JQ: evaluates a jq program against the last state() dump.
sq() { jq -r "$1" "$TMP/state.json"; }

# The ids of changes in the last JSON plan, one "address#action" a line.
plan_ids() { jq -r '.changes[].id' "$TMP/out"; }

edit() { # edit FILE SED-EXPRESSION
	sed -i "$2" "$REPO/$1"
}

# gql QUERY [ARGS...]: a raw request through prismsync api (a change by hand).
gql() {
	q=$1
	shift
	"$PRISMSYNC" api "$q" "$@" >"$TMP/gql.out" 2>"$TMP/gql.err" || {
		echo "gql failed: $(cat "$TMP/gql.err")"
		return 1
	}
}

# The id of instance NAME of the customer with externalId EID.
instance_id() {
	state
	sq ".instances[] | select(.name==\"$2\" and .customerId==(\"$(sq ".customers[] | select(.externalId==\"$1\") | .id")\")) | .id"
}
