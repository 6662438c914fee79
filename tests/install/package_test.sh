#!/bin/bash
# scripts/package.sh builds a .deb and a .tar.gz; the .deb, unpacked into a
# temporary root, holds a binary that runs, man pages that man renders, and
# a bash completion that completes; cmake --install into a temporary prefix
# gives the same tree.
#   package_test.sh SOURCE_DIR BUILD_DIR
set -u
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 passed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

for tool in cpack dpkg-deb dpkg-shlibdeps man; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is needed (scripts/deps.sh installs it)"; exit 77; }
done

if ! "$src/scripts/package.sh" "$build" "$tmp/out" >"$tmp/packages" 2>"$tmp/err"; then
	bad "scripts/package.sh failed:"; cat "$tmp/err"; exit 1
fi
deb=$(grep '\.deb$' "$tmp/packages") tgz=$(grep '\.tar\.gz$' "$tmp/packages")
[ -f "$deb" ] && ok || bad "no .deb"
[ -f "$tgz" ] && ok || bad "no .tar.gz"

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libyaml libcurl libjson-c libgit2; do
	case $depends in *$lib*) ok ;; *) bad "the .deb does not depend on $lib: $depends" ;; esac
done

root=$tmp/root
dpkg-deb -x "$deb" "$root"
usr=$root/usr
"$usr/bin/prismsync" --version >"$tmp/version" 2>&1 && ok || bad "the packaged binary does not run"
grep -q "^prismsync $(sed -nE 's/^project\(prismsync VERSION ([0-9.]+).*/\1/p' "$src/CMakeLists.txt")$" "$tmp/version" &&
	ok || { bad "--version of the packaged binary:"; cat "$tmp/version"; }
grep -q "^libgit2: [0-9]" "$tmp/version" && ok || bad "--version names no libgit2"

for page in prismsync prismsync-validate prismsync-plan prismsync-apply prismsync-drift prismsync-whoami prismsync-api; do
	[ -f "$usr/share/man/man1/$page.1" ] && ok || bad "no man page $page.1"
done
# man renders the page (through groff), as a user would read it.
MANWIDTH=80 MAN_KEEP_FORMATTING= man -l "$usr/share/man/man1/prismsync-plan.1" 2>"$tmp/manerr" |
	sed 's/.\x08//g' >"$tmp/man"
grep -q "^NAME" "$tmp/man" && grep -q "prismsync-plan - show the changes" "$tmp/man" &&
	grep -Eq "^ +--detailed-exitcode" "$tmp/man" && ok ||
	{ bad "man -l prismsync-plan.1 did not render the page:"; head -20 "$tmp/man" "$tmp/manerr"; }
[ -s "$tmp/manerr" ] && { bad "man printed warnings:"; cat "$tmp/manerr"; }

comp=$usr/share/bash-completion/completions/prismsync
[ -f "$usr/share/zsh/site-functions/_prismsync" ] && ok || bad "no zsh completion"
[ -f "$usr/share/fish/vendor_completions.d/prismsync.fish" ] && ok || bad "no fish completion"
# complete WORDS...: the candidates bash offers for the last word.
complete_words() {
	(cd "$tmp/work" && bash --norc --noprofile -c '
		. "$1"; shift
		complete -p prismsync >/dev/null || exit 9
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_prismsync prismsync "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$comp" "$@")
}
mkdir -p "$tmp/work/integrations"
: >"$tmp/work/prismsync.yaml"
: >"$tmp/work/notes.txt"
expect() { # expected-candidates words...
	want=$1; shift
	got=$(complete_words "$@")
	[ "$got" = "$want" ] && ok || bad "completing '$*': got '$got', expected '$want'"
}
expect "plan " prismsync pl
expect "api apply " prismsync ap
expect "json markdown text " prismsync plan --format ""
expect "--report --report-format " prismsync drift --repor
expect "--detailed-exitcode " prismsync plan --det
expect "integrations prismsync.yaml " prismsync validate -f ""

# fish: the installed completion, asked as fish asks it.
if command -v fish >/dev/null; then
	got=$(cd "$tmp/work" && fish --no-config -c "source '$usr/share/fish/vendor_completions.d/prismsync.fish'
		complete -C 'prismsync pl'; complete -C 'prismsync plan --format '; complete -C 'prismsync validate -f '" |
		cut -f1 | tr '\n' ' ')
	expect_eq_fish="plan json markdown text integrations/ notes.txt prismsync.yaml "
	[ "$got" = "$expect_eq_fish" ] && ok || bad "fish completion: got '$got', expected '$expect_eq_fish'"
else
	echo "note: fish is not installed; its completion is not exercised (scripts/deps.sh installs it)"
fi
# zsh: an interactive zsh on a pseudo-terminal (zpty), with compinit and the
# installed function directory, completes what a user types.
if command -v zsh >/dev/null; then
	cat >"$tmp/z.zsh" <<'ZSH'
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; zstyle ':completion:*' list-prompt ''"
sleep 0.5
zpty -w -n z $'prismsync pl\t'
sleep 0.5
zpty -w -n z $' --form\t'
sleep 0.5
zpty -w -n z $' \t'
sleep 0.5
zpty -w -n z $'\t'
sleep 0.5
all=
while zpty -r -t z chunk; do all+=$chunk; done
print -r -- "$all"
zpty -d z
ZSH
	(cd "$tmp/work" && timeout 20 zsh -f "$tmp/z.zsh" "$usr/share/zsh/site-functions") 2>&1 |
		tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/.\x08//g' >"$tmp/zsh.out"
	grep -q "prismsync plan --format" "$tmp/zsh.out" && grep -q "json *markdown *text" "$tmp/zsh.out" && ok ||
		{ bad "zsh completion did not complete 'prismsync pl' and '--form', nor list the formats:"; tail -c 600 "$tmp/zsh.out"; }
else
	echo "note: zsh is not installed; its completion is not exercised (scripts/deps.sh installs it)"
fi

# cmake --install into a temporary prefix gives the same files.
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null 2>"$tmp/err" && ok ||
	{ bad "cmake --install failed"; cat "$tmp/err"; }
(cd "$root/usr" && find . -type f | sort) >"$tmp/deb.files"
(cd "$tmp/prefix" && find . -type f | sort) >"$tmp/prefix.files"
diff -u "$tmp/deb.files" "$tmp/prefix.files" && ok || bad "cmake --install and the .deb install different files"
"$tmp/prefix/bin/prismsync" --help >/dev/null && ok || bad "the installed binary does not run"

# The tarball holds the same tree under one top directory.
tar -xzf "$tgz" -C "$tmp"
top=$tmp/$(basename "$tgz" .tar.gz)
(cd "$top" && find . -type f | sort) >"$tmp/tgz.files"
diff -u "$tmp/deb.files" "$tmp/tgz.files" && ok || bad "the .tar.gz and the .deb hold different files"

echo "$passed passed, $fail failed"
[ $fail -eq 0 ]
