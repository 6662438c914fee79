#!/bin/sh
# prismsync whoami against the emulator: the user and org, and clear
# messages for missing, rejected and expired credentials.
. "$(dirname "$0")/lib.sh"

emu_start

run "$PRISMSYNC" whoami
expect_rc 0 "whoami with a refresh token"
expect_in out '^user:  Emulator User <emulator@prismsync.test>$' "user line"
expect_in out '^org:   Emulated Org \(' "org line"

token=$(ctl POST /auth/refresh '{"refresh_token":"test-refresh-token"}' | jq -r .access_token)
run env -u PRISM_REFRESH_TOKEN PRISM_ACCESS_TOKEN="$token" "$PRISMSYNC" whoami
expect_rc 0 "whoami with an access token"
expect_in out 'Emulator User' "user with an access token"

run env -u PRISM_REFRESH_TOKEN PRISMATIC_REFRESH_TOKEN=test-refresh-token "$PRISMSYNC" whoami
expect_rc 0 "whoami with PRISMATIC_REFRESH_TOKEN"

run env -u PRISM_REFRESH_TOKEN "$PRISMSYNC" whoami
expect_rc 1 "whoami without credentials"
expect_in err 'no credentials: set PRISM_REFRESH_TOKEN' "missing token message"

run env PRISM_REFRESH_TOKEN=wrong-refresh-token "$PRISMSYNC" whoami
expect_rc 1 "whoami with a rejected refresh token"
expect_in err 'refresh token was rejected \(HTTP 401' "rejected refresh token message"
expect_not_in err 'wrong-refresh-token' "refresh token not echoed"

run env -u PRISM_REFRESH_TOKEN PRISM_ACCESS_TOKEN=not.a.token "$PRISMSYNC" whoami
expect_rc 1 "whoami with a rejected access token"
expect_in err 'access token was rejected \(HTTP 401' "rejected access token message"

expired=$(ctl POST /__emulator/token '{"expires_in": -10}' | jq -r .access_token)
run env -u PRISM_REFRESH_TOKEN PRISM_ACCESS_TOKEN="$expired" "$PRISMSYNC" whoami
expect_rc 1 "whoami with an expired access token"
expect_in err 'has expired' "expired token message"

run env PRISMATIC_URL=http://example.com "$PRISMSYNC" whoami
expect_rc 1 "http:// to a remote host"
expect_in err 'http:// is allowed only for loopback' "http refused for non-loopback"

run env PRISMATIC_URL=http://127.0.0.1:1 "$PRISMSYNC" whoami
expect_rc 1 "nothing listening"
expect_in err 'connection failed' "connection failure message"

run "$PRISMSYNC" whoami --help
expect_rc 0 "whoami --help"
expect_in out '^usage: prismsync whoami' "whoami usage"
run "$PRISMSYNC" whoami extra
expect_rc 64 "whoami with an argument"
expect_in err "^prismsync whoami: unexpected argument 'extra'" "usage error line"

finish
