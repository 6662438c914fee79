#!/bin/bash
# The Action's scripts, offline: install.sh computes the release asset URL,
# refuses an unpinned version, installs a .tar.gz (here a file:// URL of one
# scripts/package.sh built) and checks its version; run.sh runs a verb in
# a working directory with annotation paths from the repository root, and
# turns plan's exit 2 into changes=true; comment.sh updates the plan
# comment it posted before instead of adding another (gh is a stand-in
# that records its calls).
#   action_scripts.sh SOURCE_DIR BUILD_DIR
set -u
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 passed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
expect_eq() { [ "$1" = "$2" ] && ok || bad "$3: got '$1', expected '$2'"; }
version=$(sed -nE 's/^project\(prismsync VERSION ([0-9.]+).*/\1/p' "$src/CMakeLists.txt")

# install.sh: the asset URL pattern.
export PRISMSYNC_RELEASES=https://github.com/acme/prismsync/releases/download
url=$(PRISMSYNC_VERSION=1.2.3 PATH=/usr/bin:/bin bash "$src/action/install.sh" --print-url)
if command -v apt-get >/dev/null && command -v dpkg >/dev/null; then
	expect_eq "$url" "$PRISMSYNC_RELEASES/v1.2.3/prismsync_1.2.3_$(dpkg --print-architecture).deb" "the .deb asset URL"
else
	expect_eq "$url" "$PRISMSYNC_RELEASES/v1.2.3/prismsync-1.2.3-linux-$(uname -m).tar.gz" "the .tar.gz asset URL"
fi
url=$(PRISMSYNC_VERSION=v1.2.3 PRISMSYNC_PACKAGE_URL=https://mirror.example/p.tar.gz bash "$src/action/install.sh" --print-url)
expect_eq "$url" "https://mirror.example/p.tar.gz" "package-url overrides the asset"
PRISMSYNC_VERSION=latest bash "$src/action/install.sh" --print-url >/dev/null 2>"$tmp/err" && bad "'latest' accepted" ||
	{ grep -q "must be a release such as 0.1.0, not 'latest'" "$tmp/err" && ok || bad "message for 'latest': $(cat "$tmp/err")"; }
PRISMSYNC_VERSION=1.2.3 PRISMSYNC_RELEASES=https://github.com//releases/download bash "$src/action/install.sh" --print-url \
	>/dev/null 2>"$tmp/err" && bad "no repository accepted" || ok

# install.sh: a real package, over a file:// URL.
if "$src/scripts/package.sh" "$build" "$tmp/pkg" >"$tmp/packages" 2>"$tmp/err"; then
	tgz=$(grep '\.tar\.gz$' "$tmp/packages")
	: >"$tmp/github_path"
	env PATH=/usr/bin:/bin RUNNER_TEMP="$tmp" GITHUB_PATH="$tmp/github_path" PRISMSYNC_VERSION="$version" \
		PRISMSYNC_PACKAGE_URL="file://$tgz" PRISMSYNC_INSTALL_DIR="$tmp/inst" \
		bash "$src/action/install.sh" >"$tmp/out" 2>&1 && ok || { bad "install.sh failed"; cat "$tmp/out"; }
	expect_eq "$(cat "$tmp/github_path")" "$tmp/inst/bin" "the install adds bin/ to GITHUB_PATH"
	expect_eq "$("$tmp/inst/bin/prismsync" --version | head -n 1)" "prismsync $version" "the installed binary runs"
	env PATH=/usr/bin:/bin RUNNER_TEMP="$tmp" PRISMSYNC_VERSION=9.9.9 PRISMSYNC_PACKAGE_URL="file://$tgz" \
		PRISMSYNC_INSTALL_DIR="$tmp/inst2" bash "$src/action/install.sh" >"$tmp/out" 2>&1 && bad "a wrong version accepted" ||
		{ grep -q "asked for prismsync 9.9.9, the package holds 'prismsync $version'" "$tmp/out" && ok ||
			bad "wrong version message: $(cat "$tmp/out")"; }
else
	bad "scripts/package.sh failed"; cat "$tmp/err"
fi

# run.sh: validate in a sub-directory; annotation paths from the repository root.
mkdir -p "$tmp/repo/deploy"
cp "$src/testdata/manifests/invalid/typo-key.yaml" "$tmp/repo/deploy/prismsync.yaml"
binpath=$(dirname "$build/prismsync")
(cd "$tmp/repo/deploy" && env PATH="$binpath:$PATH" RUNNER_TEMP="$tmp" GITHUB_OUTPUT="$tmp/gh_out" \
	GITHUB_ACTION_PATH="$src" INPUT_VERB=validate INPUT_WORKING_DIRECTORY=./deploy/ \
	bash "$src/action/run.sh" >"$tmp/out" 2>"$tmp/err")
expect_eq "$?" "1" "run.sh fails as validate does"
expect_eq "$(head -n 1 "$tmp/err")" "deploy/prismsync.yaml:3:5: error: unknown key 'extrnalId' in customer; did you mean 'externalId'?" \
	"the diagnostic names the file from the repository root"
grep -q "^::add-matcher::$src/action/problem-matcher.json$" "$tmp/out" && ok || bad "the problem matcher is registered"
grep -q "^exitcode=1$" "$tmp/gh_out" && ok || bad "exitcode output: $(cat "$tmp/gh_out")"

# run.sh: args are split like a shell's, without running what is in them.
mkdir -p "$tmp/fake"
cat >"$tmp/fake/prismsync" <<'FAKE'
#!/bin/sh
printf '%s\n' "$@" >"$ARGS_LOG"
case $1 in plan) echo "### plan"; exit 2 ;; esac
exit 0
FAKE
chmod +x "$tmp/fake/prismsync"
: >"$tmp/gh_out"
(cd "$tmp/repo" && env PATH="$tmp/fake:$PATH" ARGS_LOG="$tmp/args" RUNNER_TEMP="$tmp" GITHUB_OUTPUT="$tmp/gh_out" \
	INPUT_VERB=plan INPUT_ARGS="--prune -f 'my dir/prismsync.yaml' \$(touch $tmp/ran)" INPUT_COMMENT=true \
	bash "$src/action/run.sh" >"$tmp/out" 2>&1)
expect_eq "$?" "0" "plan with changes is a success"
expect_eq "$(tr '\n' '|' <"$tmp/args")" "plan|--prune|-f|my dir/prismsync.yaml|\$(touch|$tmp/ran)|--format|markdown|--detailed-exitcode|" "the arguments"
[ -e "$tmp/ran" ] && bad "run.sh ran a command found in args" || ok
grep -q "^changes=true$" "$tmp/gh_out" && ok || bad "changes=true: $(cat "$tmp/gh_out")"
report=$(sed -n 's/^report=//p' "$tmp/gh_out")
expect_eq "$(cat "$report" 2>/dev/null)" "### plan" "the markdown plan is the report"

(cd "$tmp/repo" && env PATH="$tmp/fake:$PATH" ARGS_LOG="$tmp/args2" RUNNER_TEMP="$tmp" INPUT_VERB=validate \
	INPUT_ARGS="-f 'unclosed" bash "$src/action/run.sh" >"$tmp/out" 2>&1)
expect_eq "$?" "1" "an unmatched quote in args fails the step"
grep -q "input 'args' is not a list of shell words" "$tmp/out" && ok || bad "unmatched quote message: $(cat "$tmp/out")"
[ -e "$tmp/args2" ] && bad "prismsync ran with half of its arguments" || ok

# comment.sh: posts once, then updates that comment.
cat >"$tmp/fake/gh" <<'FAKE'
#!/bin/sh
echo "$*" >>"$GH_LOG"
case "$*" in
*--paginate*) [ -f "$GH_EXISTING" ] && echo 4711; exit 0 ;;
*-F*) body=${*##*body=@}; cp "$body" "$GH_BODY" ;;
esac
FAKE
chmod +x "$tmp/fake/gh"
run_comment() {
	env PATH="$tmp/fake:$PATH" GH_LOG="$tmp/gh.log" GH_EXISTING="$tmp/existing" GH_BODY="$tmp/body" \
		REPORT="$report" PR_NUMBER=12 GITHUB_REPOSITORY=acme/infra INPUT_WORKING_DIRECTORY=deploy \
		bash "$src/action/comment.sh" >/dev/null
}
run_comment
grep -q "^api -X POST repos/acme/infra/issues/12/comments" "$tmp/gh.log" && ok || bad "first comment is posted: $(cat "$tmp/gh.log")"
expect_eq "$(head -n 1 "$tmp/body")" "<!-- prismsync plan: deploy -->" "the comment carries its marker"
grep -q '"<!-- prismsync plan: deploy -->"' "$tmp/gh.log" && ok || bad "the comment is looked up by its marker"
: >"$tmp/existing"
: >"$tmp/gh.log"
run_comment
grep -q "^api -X PATCH repos/acme/infra/issues/comments/4711" "$tmp/gh.log" && ok || bad "the comment is updated: $(cat "$tmp/gh.log")"
grep -q "POST" "$tmp/gh.log" && bad "a second comment was posted" || ok

# With --env, each environment of a matrix keeps a comment of its own.
rm -f "$tmp/existing"
: >"$tmp/gh.log"
env PATH="$tmp/fake:$PATH" GH_LOG="$tmp/gh.log" GH_EXISTING="$tmp/existing" GH_BODY="$tmp/body" \
	REPORT="$report" PR_NUMBER=12 GITHUB_REPOSITORY=acme/infra INPUT_WORKING_DIRECTORY=deploy \
	INPUT_ARGS="--env prod-eu --prune --format markdown" bash "$src/action/comment.sh" >/dev/null
expect_eq "$(head -n 1 "$tmp/body")" "<!-- prismsync plan: deploy env prod-eu -->" "the environment is in the marker"

echo "$passed passed, $fail failed"
[ $fail -eq 0 ]
