# roundtrip WHAT: exports the emulator's organization into $TMP/export, and
# checks the round-trip law and adoption without side effects:
#  - the export validates, .env.example names exactly the ${env:} it reads,
#    and no value the state holds for a connection input is in any file;
#  - with those variables set, plan changes nothing but ownership labels;
#  - that first apply makes no import, publish or deploy request;
#  - the next plan reports no changes.
roundtrip() {
	what=$1
	dir="$TMP/export"
	rm -rf "$dir"
	run "$PRISMSYNC" export --dir "$dir"
	expect_rc 0 "$what: export"
	run "$PRISMSYNC" validate -f "$dir/prismsync.yaml"
	expect_rc 0 "$what: the export validates"
	grep -o '\${env:[A-Za-z0-9_]*}' "$dir/prismsync.yaml" | sed 's/^\${env:\(.*\)}$/\1/' | sort -u >"$TMP/refs"
	sed -n 's/^\([A-Za-z0-9_]*\)=$/\1/p' "$dir/.env.example" | sort >"$TMP/listed"
	expect_eq "$(cat "$TMP/listed")" "$(cat "$TMP/refs")" "$what: .env.example names every \${env:} of the manifest and nothing else"
	expect_eq "$(grep -cv '^#\|^[A-Za-z0-9_]*=$' "$dir/.env.example")" "0" "$what: .env.example holds no value"

	ctl GET /__emulator/state >"$TMP/state.json"
	"$NODE" "${IT_DIR:-$(dirname "$0")}/export_env.js" "$dir" "$TMP/state.json" >"$TMP/env" || bad "$what: export_env.js"
	# No secret value of an instance is written in the manifest or .env.example
	# (non-secret inputs such as a subdomain may equal a customer's externalId;
	# a definition's own defaults are in its definition file, as in the org).
	leaked=0
	while IFS= read -r line; do
		v=${line#*=}
		case "${line%%=*}" in *SECRET* | *TOKEN* | *KEY* | *PASSWORD*) ;; *) continue ;; esac
		[ ${#v} -ge 6 ] || continue
		if grep -qF -- "$v" "$dir/prismsync.yaml" "$dir/.env.example"; then
			leaked=$((leaked + 1))
			echo "in the export: the value of ${line%%=*}"
		fi
	done <"$TMP/env"
	expect_eq "$leaked" "0" "$what: no secret value is in the export"
	while IFS= read -r line; do export "$line"; done <"$TMP/env"

	# The plan: only updates, each only adding this owner's label.
	owner=$(sed -n 's/^owner: //p' "$dir/prismsync.yaml")
	run "$PRISMSYNC" plan -f "$dir/prismsync.yaml" --format json
	expect_rc 0 "$what: plan of the export"
	cp "$TMP/out" "$TMP/first-plan.json"
	others=$(jq --arg l "prismsync:owner=$owner" '[.changes[] | select(.action != "update"
		or (.fields | keys) != ["labels"]
		or ((.fields.labels.after | sort) != ((.fields.labels.before + [$l]) | unique | sort)))] | length' "$TMP/out")
	expect_eq "$others" "0" "$what: the plan of the export only adds ownership labels"
	jq -c '[.changes[] | select(.action != "update" or (.fields | keys) != ["labels"])][:3]' "$TMP/out" | grep -v '^\[\]$' || true

	requests_reset
	run "$PRISMSYNC" apply -f "$dir/prismsync.yaml" --auto-approve
	expect_rc 0 "$what: first apply of the export"
	ctl GET /__emulator/requests >"$TMP/requests.json"
	expect_eq "$(jq '[.by_field.importIntegration // 0, .by_field.publishIntegration // 0, .by_field.deployInstance // 0, .by_field.createInstance // 0, .by_field.updateInstanceConfigVariables // 0] | add' "$TMP/requests.json")" \
		"0" "$what: adopting imports, publishes, deploys and configures nothing"
	run "$PRISMSYNC" plan -f "$dir/prismsync.yaml" --detailed-exitcode
	expect_rc 0 "$what: after adoption the plan reports no changes"
	expect_in out "No changes" "$what: no changes"
}
