# scripts/contract.sh refuses a non-loopback URL without --org before any
# network call (curl and prismsync are replaced by stand-ins that leave a
# mark), and refuses credentials of another organization than --org names
# before creating anything.
. "$INTEGRATION_DIR/lib.sh"

mkdir "$TMP/bin"
for tool in curl prismsync; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/called"\nexit 99\n' "$tool" "$TMP" >"$TMP/bin/$tool"
	chmod +x "$TMP/bin/$tool"
done

refused() { # URL WHAT
	rm -f "$TMP/called"
	if [ -n "$1" ]; then
		run env PATH="$TMP/bin:$PATH" PRISMATIC_URL="$1" PRISM_REFRESH_TOKEN=x sh "$CONTRACT_SH" --prismsync "$TMP/bin/prismsync"
	else
		run env -u PRISMATIC_URL PATH="$TMP/bin:$PATH" PRISM_REFRESH_TOKEN=x sh "$CONTRACT_SH" --prismsync "$TMP/bin/prismsync"
	fi
	expect_rc 1 "$2: exit status"
	expect_in err 'refusing' "$2: says it refuses"
	if [ -e "$TMP/called" ]; then bad "$2: a network tool was called: $(cat "$TMP/called")"; else ok; fi
}

refused https://app.prismatic.io "the default Prismatic URL"
expect_in err 'without --org' "names the missing flag"
expect_in err 'app\.prismatic\.io' "names the host"
refused "" "PRISMATIC_URL unset (https://app.prismatic.io)"
refused https://app.eu-west-1.prismatic.io/ "a regional stack"
refused http://127.0.0.1@evil.example:8080 "a URL whose host only starts like loopback"
refused https://127.0.0.1.evil.example "a host name that starts with 127.0.0.1"
refused http://app.prismatic.io "plain http to a real host"

run sh "$CONTRACT_SH" --org
expect_rc 64 "--org without a name"
run sh "$CONTRACT_SH" --bogus
expect_rc 64 "an unknown option"

# Credentials of another organization: refused after whoami, nothing created.
emu_start
before=$(ctl GET /__emulator/state | jq -S -c .)
requests_reset
run sh "$CONTRACT_SH" --org "Acme Sandbox" --prismsync "$PRISMSYNC"
expect_rc 1 "--org naming another organization"
expect_in err 'belong to organization "Emulated Org", not "Acme Sandbox"' "names both organizations"
after=$(ctl GET /__emulator/state | jq -S -c .)
expect_eq "$after" "$before" "the emulator's state after a refused run"
expect_eq "$(ctl GET /__emulator/requests | jq -c '.by_field | keys')" '["authenticatedUser"]' "only whoami was asked"
finish
