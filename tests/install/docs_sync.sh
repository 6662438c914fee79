#!/bin/sh
# The man pages and shell completions say what --help says: every option a
# verb's --help lists is in that verb's man page (rendered, OPTIONS section)
# and its completions, and they list no option the verb does not have; the
# verbs of 'prismsync --help' are those of prismsync(1) and the completions.
#   docs_sync.sh PRISMSYNC SOURCE_DIR
set -u
bin=$1 src=$2
man=$src/man comp=$src/completions
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 checks=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

command -v groff >/dev/null || { echo "SKIP: groff is needed to render the man pages (scripts/deps.sh installs man-db)"; exit 77; }

# Long options of --help: indented lines that start with an option.
help_options() {
	"$bin" "$1" --help | sed -nE 's/^ +(-[a-zA-Z], )?--([a-z][a-z-]*).*/--\2/p' | sort -u
}
# Long options of a rendered man page's OPTIONS section.
man_options() {
	groff -man -Tascii -P-cbou "$1" 2>/dev/null | sed -n '/^OPTIONS/,/^[A-Z]/p' |
		sed -nE 's/^ {7}(-[a-zA-Z], )?--([a-z][a-z-]*).*/--\2/p' | sort -u
}

for verb in $("$bin" --help | sed -n '/^verbs:/,/^$/p' | awk 'NF > 1 { print $1 }'); do
	page=$man/prismsync-$verb.1
	checks=$((checks + 1))
	if [ ! -f "$page" ]; then
		bad "no man page prismsync-$verb.1"
		continue
	fi
	help_options "$verb" >"$tmp/help"
	[ -s "$tmp/help" ] || bad "$verb --help lists no option"
	man_options "$page" >"$tmp/man"
	diff -u --label "$verb --help" --label "prismsync-$verb(1)" "$tmp/help" "$tmp/man" >"$tmp/d" ||
		{ bad "the options of prismsync-$verb(1) differ from $verb --help:"; cat "$tmp/d"; }
	# --help ends with one example, the one the man page gives.
	"$bin" "$verb" --help | sed -n '/^example:$/,$p' | sed '1d; s/^ *//' >"$tmp/hex"
	[ -s "$tmp/hex" ] && [ "$("$bin" "$verb" --help | sed -n '/^example:$/,$p' | tail -n +2 | grep -cv '^ ')" = 0 ] ||
		bad "$verb --help does not end with an example"
	groff -man -Tascii -P-cbou "$page" 2>/dev/null | sed -n '/^EXAMPLE/,/^[A-Z]/p' | sed '1d; $d' |
		sed 's/^ *//' | sed '/^$/d' >"$tmp/mex"
	diff -u --label "$verb --help example" --label "prismsync-$verb(1) EXAMPLE" "$tmp/hex" "$tmp/mex" >"$tmp/d" ||
		{ bad "the example of prismsync-$verb(1) differs from $verb --help:"; cat "$tmp/d"; }

	bash -c '. "$1"; _prismsync_options "$2" | tr " " "\n" | grep -- "^--" | sort -u' _ \
		"$comp/prismsync.bash" "$verb" >"$tmp/bash"
	diff -u --label "$verb --help" --label "bash completion of $verb" "$tmp/help" "$tmp/bash" >"$tmp/d" ||
		{ bad "the bash completion of $verb differs from $verb --help:"; cat "$tmp/d"; }
	for opt in $(cat "$tmp/help"); do
		name=${opt#--}
		# zsh: in the verb's branch of the case, or in the shared arrays
		# ($common, $git) that branch uses.
		sed -n "/^$verb)/,/;;/p" "$comp/_prismsync" >"$tmp/zbranch"
		found=no
		grep -q -- "$opt\[\|,$opt}\|'$opt\[" "$tmp/zbranch" && found=yes
		for arr in common git; do
			if grep -q "\$$arr" "$tmp/zbranch" &&
				sed -n "/^$arr=(/,/^)/p" "$comp/_prismsync" | grep -q -- "$opt\[\|,$opt}"; then
				found=yes
			fi
		done
		[ $found = yes ] || bad "zsh completion of $verb lacks $opt"
		# fish: a line for this verb (or for every verb) completes the option.
		grep -E -- "-l $name( |$)" "$comp/prismsync.fish" | grep -qE "from [^\"]*($verb|\\\$verbs|\\\$manifest_verbs)" ||
			bad "fish completion of $verb lacks $opt"
	done
	for fmt in text json markdown; do
		if grep -q -- "--format" "$tmp/help"; then
			grep -q "$fmt" "$comp/prismsync.bash" || bad "bash completion lacks --format $fmt"
		fi
	done
done

# The verbs: prismsync(1) and the completions know every verb --help lists.
"$bin" --help | sed -n '/^verbs:/,/^$/p' | awk 'NF > 1 { print $1 }' | sort >"$tmp/verbs"
groff -man -Tascii -P-cbou "$man/prismsync.1" | sed -n '/^VERBS/,/^[A-Z]/p' |
	sed -nE 's/^ {7}([a-z]+)( .*)?$/\1/p' | grep -vx version | sort >"$tmp/manverbs"
diff -u --label "prismsync --help" --label "prismsync(1)" "$tmp/verbs" "$tmp/manverbs" ||
	bad "the verbs of prismsync(1) differ from prismsync --help"
for verb in $(cat "$tmp/verbs"); do
	grep -q "validate plan apply drift whoami api" "$comp/prismsync.bash" &&
		grep -qw "$verb" "$comp/prismsync.bash" || bad "bash completion lacks the verb $verb"
	grep -q "'$verb:" "$comp/_prismsync" || bad "zsh completion lacks the verb $verb"
	grep -q -- "-a $verb " "$comp/prismsync.fish" || bad "fish completion lacks the verb $verb"
done
checks=$((checks + 1))

if [ $fail -eq 0 ]; then echo "$checks checked, 0 failed"; else echo "$fail failed"; fi
[ $fail -eq 0 ]
