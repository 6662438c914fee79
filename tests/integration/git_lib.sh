# Helpers for the git tests (sourced after lib.sh): a repository built at
# test time from testdata/reconcile/, kept under sub/ so that paths map
# from a subdirectory of the repository.
#
#   C1 "first: two integrations"   tag v1
#   C2 "orders: timeout 45"        tag v2
#   C3 "returns: rename the file"  (main)
#   branch feature: from C2, "returns: new description"

SRC_DIR="$(cd "$(dirname "$0")/../.." && pwd)"
G="$TMP/g"
export GIT_AUTHOR_NAME=Tests GIT_AUTHOR_EMAIL=tests@example.com
export GIT_COMMITTER_NAME=Tests GIT_COMMITTER_EMAIL=tests@example.com
export GIT_CONFIG_NOSYSTEM=1 HOME="$TMP/home"
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

g() { git -C "$G" "$@"; }

make_repo() {
	mkdir -p "$G/sub"
	cp -r "$SRC_DIR/testdata/reconcile/." "$G/sub/"
	g init -q
	g remote add origin "https://ci-bot:s3cr3t-token@git.example.com/acme/prismatic.git"
	g add -A && g commit -qm "first: two integrations" && g tag v1
	sed -i 's/timeout: {type: value, value: "30"}/timeout: {type: value, value: "45"}/' "$G/sub/integrations/orders.yml"
	g commit -qam "orders: timeout 45" && g tag v2
	g branch feature
	g mv sub/integrations/returns.yml sub/integrations/returns-intake.yml
	sed -i 's#integrations/returns.yml#integrations/returns-intake.yml#' "$G/sub/prismsync.yaml"
	g commit -qam "returns: rename the file"
	g checkout -q feature
	sed -i 's/^description: .*/description: Returns, with a new description./' "$G/sub/integrations/returns.yml"
	g commit -qam "returns: new description"
	g checkout -q main
}

sha() { g rev-parse "$1"; }
