#!/bin/sh
# The layering the folders promise (README "Repository layout"), checked on
# the sources: which folder may use which library, and which folder may
# include which. Usage: check.sh SOURCE_DIR
cd "${1:?usage: check.sh SOURCE_DIR}" || exit 1
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# only_in PATTERN WHAT ALLOWED...: files matching PATTERN must be among
# ALLOWED (a file, or a folder with its slash: api/).
only_in() {
	pattern=$1 what=$2
	shift 2
	for f in $(grep -l -E "$pattern" */*.c */*.h 2>/dev/null); do
		ok=
		for a in "$@"; do
			case $f in "$a" | "$a"*/* | "$a"*) [ "${a%/}" != "$a" ] || [ "$f" = "$a" ] && ok=1 ;; esac
		done
		[ -n "$ok" ] || bad "$f uses $what (allowed only in: $*)"
	done
}

only_in '#include <curl/' 'libcurl' api/http.c api/http.h
only_in '#include <git2' 'libgit2' source/source_git.c
only_in '#include <yaml.h>' 'libyaml' schema/yaml_tree.c schema/yaml_emit.c
only_in '#include <json|json_object|json_tokener' 'json-c' api/ reconcile/plan_io.c
# Answers are read by api/jdoc.c alone: json-c only writes requests.
grep -l -E '#include <json|json_object|json_tokener' api/jdoc.c api/jdoc.h 2>/dev/null |
	while IFS= read -r f; do echo "FAIL: $f uses json-c (the answer decoder stands alone)"; done | grep . && fails=$((fails + 1))

# The pure layers include nothing that talks to the network or prints.
for f in live/*.[ch] reconcile/*.[ch] schema/*.[ch] util/*.[ch]; do
	if grep -n -E '#include "\.\./(api|apply|cmd)/' "$f" | grep -v '"\.\./api/documents\.h"' >/tmp/layering.$$; then
		while IFS= read -r line; do bad "$f:$line: a pure layer includes the client, the executor or the command layer"; done </tmp/layering.$$
	fi
done
rm -f /tmp/layering.$$
# live/ is plain data: it includes only util/.
for f in live/*.[ch]; do
	grep -n -E '#include "\.\./(schema|source|reconcile)/' "$f" && bad "$f: the live model depends on more than util/"
done

[ "$fails" -eq 0 ] && echo "layering: ok"
[ "$fails" -eq 0 ]
