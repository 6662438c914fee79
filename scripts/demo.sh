#!/usr/bin/env bash
# A tour of prismsync against a local Prismatic emulator, on a fresh machine:
# installs what is missing, builds, starts the emulator with the organization
# in testdata/demo/seed.json (one customer made by hand, Order Sync published
# once), then runs validate, plan, apply, a second plan with nothing to do,
# a change made behind prismsync's back with Prismatic's own prism CLI, and
# drift catching it. The emulator is stopped at the end, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/deps.sh
echo "== building"
cmake -S . -B build -G Ninja >/dev/null
cmake --build build >/dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/prismsync-demo.XXXXXX")
emu_pid=""
cleanup() {
	[ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

node tests/emulator/server.js --port 0 --seed testdata/demo/seed.json \
	--publish-delay-ms 300 >"$tmp/emulator.out" 2>"$tmp/emulator.err" &
emu_pid=$!
for _ in $(seq 1 100); do
	[ -s "$tmp/emulator.out" ] && break
	sleep 0.05
done
line=$(head -n 1 "$tmp/emulator.out")
[[ "$line" == PRISMATIC_URL=* ]] || { echo "the emulator did not start: $(cat "$tmp/emulator.err")" >&2; exit 1; }

# What a CI job would have in its secrets.
export PRISMATIC_URL="${line#PRISMATIC_URL=}"
export PRISM_REFRESH_TOKEN=test-refresh-token
export LARKSPUR_CLIENT_SECRET=demo-larkspur-secret
export ACME_ERP_API_KEY=demo-acme-erp-key BRIGHTLINE_ERP_API_KEY=demo-brightline-erp-key
export KESTREL_ERP_API_KEY=demo-kestrel-erp-key
export ACME_ZENDESK_TOKEN=demo-acme-zendesk BRIGHTLINE_ZENDESK_TOKEN=demo-brightline-zendesk
unset PRISM_ACCESS_TOKEN PRISMATIC_REFRESH_TOKEN

ps() { "$root/build/prismsync" "$@"; }
manifest=testdata/demo/prismsync.yaml
if [ -t 1 ]; then
	step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	step() { printf '\n== %s\n' "$*"; }
fi

step "the emulator serves $PRISMATIC_URL; who are we?"
ps whoami

step "prismsync validate: the manifest and its definitions, offline"
ps validate -f "$manifest"

step "prismsync plan: what apply would change"
ps plan -f "$manifest"

step "prismsync apply: make the changes"
ps apply -f "$manifest" --auto-approve

step "prismsync plan again: nothing left to do (exit 0 with --detailed-exitcode)"
ps plan -f "$manifest" --detailed-exitcode

step "behind prismsync's back: someone disables Acme's Order Sync with the prism CLI"
token=$(curl -sS --noproxy '*' -X POST -H 'Content-Type: application/json' \
	--data '{"refresh_token":"test-refresh-token"}' "$PRISMATIC_URL/auth/refresh" | jq -r .access_token)
id=$(ps api 'query { instances(customer_ExternalId: "acme-tools", name: "Order Sync", isSystem: false) { nodes { id } } }' |
	jq -r '.instances.nodes[0].id')
mkdir -p "$tmp/home"
HOME="$tmp/home" PRISM_ACCESS_TOKEN="$token" PRISM_SKIP_NEW_VERSION_CHECK=true \
	tests/prism/node_modules/.bin/prism instances:disable "$id"

step "prismsync drift: the scheduled check finds it (exit 2)"
set +e
ps drift -f "$manifest"
rc=$?
set -e
echo "(drift exited $rc)"
[ "$rc" -eq 2 ]

step "a new Order Sync release whose test order fails at Acme: the canary wave stops it"
# A copy of the repository with the release in it; the emulator is told that
# Acme's test order will fail on the new version.
cp -r testdata/demo "$tmp/release"
sed -i 's/^  - description: Every 15 minutes, sends orders/  - description: Every 10 minutes, sends orders/' \
	"$tmp/release/integrations/order-sync.yml"
curl -sS --noproxy '*' -X POST -H 'Content-Type: application/json' "$PRISMATIC_URL/__emulator/faults" \
	--data '{"execution": {"customer": "acme-tools", "flow": "Export New Orders", "status": "ERROR", "error": "ERP rejected sales order LK-10017: unknown SKU TENT-2P"}, "times": 1}' >/dev/null
ps plan -f "$tmp/release/prismsync.yaml" | sed -n '/^Rollout of/,$p'
set +e
ps apply -f "$tmp/release/prismsync.yaml" --auto-approve >/dev/null
rc=$?
set -e
echo "(apply exited $rc: Acme runs the version it ran before, the other customers were never touched)"
[ "$rc" -eq 3 ]

step "done: the emulator stops now. Try your own manifest against it with scripts/demo.sh as a template."
