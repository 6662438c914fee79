#!/bin/sh
# The real-world corpus (../shared/realworld beside the checkout): every
# exported definition is imported and published through prismsync, and the
# next plan finds nothing to do: what the server hands back compares equal
# to what was imported. Skipped (exit 77) where the corpus is absent.
. "$(dirname "$0")/lib.sh"
need_realworld
repo="$TMP/rw"
mkdir -p "$repo/defs"
cp "$corpus"/*.yml "$repo/defs/"
{
	echo "version: 1"
	echo "owner: realworld"
	echo "integrations:"
	for f in "$repo"/defs/*.yml; do
		echo "  - definition: defs/$(basename "$f")"
	done
} >"$repo/prismsync.yaml"

emu_start --publish-delay-ms 50
run "$PRISMSYNC" apply -f "$repo/prismsync.yaml" --auto-approve
expect_rc 0 "import and publish every real-world definition"
n=$(ls "$repo"/defs/*.yml | wc -l)
expect_eq "$(ctl GET /__emulator/state | jq '.integrations | length')" "$n" "one integration per file"
run "$PRISMSYNC" plan -f "$repo/prismsync.yaml" --format json --detailed-exitcode
expect_rc 0 "the round trip through the server shows no difference"
expect_eq "$(jq '.changes | length' "$TMP/out")" "0" "no changes"
finish
