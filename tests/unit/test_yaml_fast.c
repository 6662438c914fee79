/*
 * The fast YAML reader (schema/yaml_fast.c) against libyaml: every YAML file
 * of the project, and of the real-world corpus, parses to the same tree both
 * ways whenever the fast reader accepts it; hand-written texts show each
 * construct it reads and each one it leaves to libyaml.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "corpus.h"
#include "ytree_same.h"

#include "../../schema/yaml_tree.h"
#include "../../util/buf.h"
#include "../../util/xalloc.h"

struct tally {
	size_t files, accepted;
	size_t must_accept, must_accepted; /* under a directory whose files must all be read fast */
};

static bool is_yaml_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 4 && !strcmp(name + n - 4, ".yml")) ||
	       (n > 5 && !strcmp(name + n - 5, ".yaml"));
}

/* Compares both readers on one file; a difference fails the test with its description. */
static int compare_file(const char *path)
{
	size_t len;
	char *text = read_whole_file(path, &len);
	assert_non_null(text);
	struct buf why = BUF_INIT;
	int rc = ytree_compare_readers(path, text, len, &why);
	if (rc < 0)
		fail_msg("%s: the fast reader and libyaml differ: %s", path, why.data);
	buf_release(&why);
	free(text);
	return rc;
}

/* Compares every YAML file under dir (node_modules and hidden directories aside). */
static void compare_tree(const char *dir, bool must_accept, struct tally *t)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "node_modules"))
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
			compare_tree(path, must_accept, t);
		} else if (is_yaml_name(e->d_name)) {
			int rc = compare_file(path);
			t->files++;
			t->accepted += rc == 1;
			if (must_accept) {
				t->must_accept++;
				t->must_accepted += rc == 1;
				if (rc != 1)
					print_error("not read by the fast reader: %s\n", path);
			}
		}
		free(path);
	}
	closedir(d);
}

static void test_project_yaml_files(void **state)
{
	(void)state;
	const char *testdata = getenv("PRISMSYNC_TESTDATA");
	assert_non_null(testdata);
	struct tally t = {0};
	/* Definitions as exports and the bench write them must take the fast path. */
	char *defs = xasprintf("%s/definitions", testdata);
	char *bench = xasprintf("%s/yaml/bench", testdata);
	compare_tree(defs, true, &t);
	compare_tree(bench, true, &t);
	assert_true(t.must_accept >= 6);
	assert_int_equal(t.must_accepted, t.must_accept);
	const char *others[] = {"demo", "fuzz", "manifests", "reconcile", "rollout"};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		char *dir = xasprintf("%s/%s", testdata, others[i]);
		compare_tree(dir, false, &t);
		free(dir);
	}
	const char *beside[] = {"tests", "examples"};
	for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
		char *dir = xasprintf("%s/../%s", testdata, beside[i]);
		compare_tree(dir, false, &t);
		free(dir);
	}
	printf("fast reader: %zu of %zu project YAML files\n", t.accepted, t.files);
	assert_true(t.files > 50);
	free(defs);
	free(bench);
}

static void test_realworld_yaml_files(void **state)
{
	(void)state;
	const char *dir = getenv("PRISMSYNC_REALWORLD");
	assert_non_null(dir);
	struct tally t = {0};
	compare_tree(dir, false, &t);
	printf("fast reader: %zu of %zu real-world YAML files\n", t.accepted, t.files);
	assert_true(t.files > 0);
}

/* Accepted by the fast reader, with the same tree as libyaml's. */
static void accepts(const char *text)
{
	struct buf why = BUF_INIT;
	int rc = ytree_compare_readers("t.yaml", text, strlen(text), &why);
	if (rc != 1)
		fail_msg("expected the fast reader to read %s: %s", text,
		         rc ? why.data : "it declined");
	buf_release(&why);
}

/* Left to libyaml. */
static void declines(const char *text)
{
	struct buf why = BUF_INIT;
	int rc = ytree_compare_readers("t.yaml", text, strlen(text), &why);
	if (rc != 0)
		fail_msg("expected the fast reader to decline %s (%d %s)", text, rc, why.data);
	buf_release(&why);
}

static void test_block_collections(void **state)
{
	(void)state;
	accepts("a: 1\nb:\n  c: 2\n  d:\n    - x\n    - y\n");
	accepts("a:\n- x\n- y\nb: 2\n");       /* a list at its key's column */
	accepts("- a: 1\n  b: 2\n- c: 3\n");   /* compact mappings */
	accepts("- - x\n  - y\n- - z\n");      /* nested lists on one line */
	accepts("- a:\n  - x\n  b: 1\n");      /* indentless list in a compact mapping */
	accepts("  a: 1\n  b: 2\n");           /* an indented root */
	accepts("a : 1\n\"b\" : 2\n'c': 3\n"); /* space before the colon, quoted keys */
	accepts("key:\n  value\nother: 2\n");  /* a scalar on the line after its key */
	accepts("a: {}\nb: []\nc:\n  - {}\n  - []\n");
	accepts("l: [\"a\", 'b', c.d/e_1, 2]\n"); /* one-line flow lists of simple items */
	accepts("---\na: 1\n");
	accepts("--- # comment\n- 1\n");
	accepts("[]\n");
}

static void test_missing_values_and_empty_documents(void **state)
{
	(void)state;
	accepts("key:\nother: 1\n");          /* null at the column after the colon */
	accepts("a:\n  b:\nc:\n");            /* nulls closing mappings */
	accepts("- \n-\n- x\n");              /* empty entries */
	accepts("a:\n  -\n  - # comment\n");  /* empty entries with a comment */
	accepts("");                          /* nothing */
	accepts("# only a comment\n\n   \n"); /* comments and blank lines: no root */
	declines("---\n");                    /* an explicit empty document */
	declines("---\n# nothing\n");
}

static void test_plain_scalars(void **state)
{
	(void)state;
	accepts("url: http://example.com:8080/x\n"); /* ':' without a space */
	accepts("a: b#c\nd: e # a comment\n");       /* '#' inside, ' #' ends */
	accepts("a: 'x: y' # quoted ': '\n");
	accepts("a: value with   spaces   \n");  /* inner spaces kept, trailing dropped */
	accepts("a: -1\nb: -x\nc: ?x\nd: :x\n"); /* indicators followed by a non-space */
	accepts("a: ---x\n---b: 1\n");
	accepts("a: 1\nb: true\nc: ~\nd: 0x1F\n");
	declines("a: b\n  c\n"); /* a scalar over two lines */
	declines("a: b: c\n");
	declines("a: - b\n");
	declines("a: &x 1\nb: *x\n");       /* anchors and aliases */
	declines("a: !!str 1\n");           /* tags */
	declines("? a\n: b\n");             /* explicit keys */
	declines("%YAML 1.2\n---\na: 1\n"); /* directives */
	declines("a: @b\n");
	declines("a: 1\n...\n");
	declines("a: 1\n---\nb: 2\n");
}

static void test_quoted_scalars(void **state)
{
	(void)state;
	accepts("a: \"tab\\there \\\"q\\\" \\\\ \\/ \\0 \\a\\b\\v\\f\\r\\e\\n\\ \\N\\_\\L\\P\"\n");
	accepts("a: \"\\x41\\u00e9\\U0001F600\"\n");
	accepts("a: 'it''s'\nb: ''\nc: \"\"\n");
	accepts("a: \"with\ttab\" # ok\n");
	accepts("\"a b\": \"c: d # e\"\n");
	declines("a: \"open\n  continued\"\n"); /* a quoted scalar over two lines */
	declines("a: 'open\n  continued'\n");
	declines("a: \"\\ud800\"\n"); /* a surrogate escape (an error) */
	declines("a: \"\\q\"\n");     /* an unknown escape (an error) */
	declines("a: \"x\"#c\n");
	declines("a: \"x\" y\n");
}

static void test_block_scalars(void **state)
{
	(void)state;
	accepts("a: |\n  one\n  two\nb: 1\n");
	accepts("a: |-\n  one\n\n  two\n\n\nb: 1\n");
	accepts("a: |+\n  one\n\n\nb: 1\n");
	accepts("a: |\n    deeper\n      kept\nb: 1\n");
	accepts("a: |\n  x\n\n   \n  y\n    z\n# c\nb: >\n  folded\n  lines\n\n  para\n   more\n");
	accepts("a: >-\n  x\n  y\n");
	accepts("- |\n  in a list\n- >\n  too\n");
	accepts("a: | # comment\n  x\n");
	accepts("a: |\n  no newline at the end");
	accepts("a: |\nb: 1\n"); /* an empty block scalar */
	accepts("a: |\n  code\twith tab\n");
	declines("a: |2\n   x\n"); /* explicit indentation */
	declines("a: |#c\n  x\n");
}

static void test_characters_and_columns(void **state)
{
	(void)state;
	const char *text = "é: ünïcode\n- x\n";
	declines(text); /* a list after a mapping: an error, left to libyaml */
	text = "naïve: ünïcode # ç\nk: [\"日本\", b]\n";
	accepts(text);
	struct diag_list l;
	struct ydoc *doc = NULL;
	diag_list_init(&l);
	assert_int_equal(ydoc_parse_with(&doc, "t.yaml", text, strlen(text), &l, YDOC_READER_FAST),
	                 0);
	const struct ynode *v = ymap_get(doc->root, "naïve");
	assert_int_equal(v->col, 8); /* characters, not bytes */
	const struct ynode *k = ymap_get(doc->root, "k");
	assert_int_equal(k->u.seq.items[1]->col, 11);
	ydoc_free(doc);
	diag_list_release(&l);

	declines("a: 1\r\nb: 2\r\n"); /* carriage returns */
	declines("a:\tb\n");          /* tabs where they matter */
	declines("\ta: 1\n");
	declines("a: x\xc2\x85y\n"); /* NEL is a line break to libyaml */
	declines("\xef\xbb\xbf"
	         "a: 1\n");            /* a byte order mark */
	declines("a: \xed\xa0\x80\n"); /* an encoded surrogate */
	declines("a: \x01\n");
	/* The same characters anywhere in a run of eight plain ASCII bytes. */
	declines("key: 0123456789abcd\x7f"
	         "ef\n");
	declines("key: 0123456789ab\x1f"
	         "cdef\n");
	declines("key: 0123456789abcdef\xc2\x85\n");
	accepts("key: 0123456789abc\xc3\xa9"
	        "defghijklmnop\n");
	accepts("key: 0123456789abcdefghijklmn~ \n");

	/* libyaml forgets a key more than 1024 characters before its colon. */
	struct buf big = BUF_INIT;
	buf_addchn(&big, 'k', 1100);
	buf_adds(&big, ": v\n");
	declines(big.data);
	buf_reset(&big);
	buf_addchn(&big, 'k', 900);
	buf_adds(&big, ": v\n");
	accepts(big.data);
	buf_release(&big);
}

static void test_builder_checks_stay_the_same(void **state)
{
	(void)state;
	accepts("a: 1\nb: 2\na: 3\n"); /* a duplicate key: the same message */
	struct buf deep = BUF_INIT;
	for (int i = 0; i < 70; i++)
		buf_addf(&deep, "%*sk:\n", 2 * i, "");
	declines(deep.data); /* deeper than the tree allows */
	buf_release(&deep);
	accepts("a: {b: 1, \"c\": 'd'}\nb: { x: y }\n");
	declines("a: {b: 1, c}\n"); /* flow mappings of other forms */
	declines("a: {b: {c: 1}}\n");
	declines("a: {b:1}\n");
	declines("a: [b, [c]]\n");
	declines("a: [b,\n  c]\n");
	declines("a: [b c]\n");
	/* Collections as mapping keys: the fast reader leaves them to libyaml. */
	declines("[a]: b\n");
	declines("- {a: b}: c\n");
	declines("k:\n  [x, y]: z\n");
}

/* ydoc_parse() gives libyaml's answer whether or not the fast reader declines. */
static void test_auto_falls_back_to_libyaml(void **state)
{
	(void)state;
	const char *text = "a: [x, {y: [1]}]\n";
	struct diag_list l;
	struct ydoc *doc = NULL;
	diag_list_init(&l);
	assert_int_equal(ydoc_parse_with(&doc, "t.yaml", text, strlen(text), &l, YDOC_READER_FAST),
	                 1);
	assert_int_equal(ydoc_parse(&doc, "t.yaml", text, strlen(text), &l), 0);
	assert_int_equal(ymap_get(doc->root, "a")->u.seq.nr, 2);
	ydoc_free(doc);
	text = "a: 'unterminated\n";
	assert_int_equal(ydoc_parse(&doc, "t.yaml", text, strlen(text), &l), -4);
	struct buf out = BUF_INIT;
	diag_render(&l, &out, false);
	assert_non_null(strstr(out.data, "YAML syntax error"));
	buf_release(&out);
	diag_list_release(&l);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_block_collections),
	    cmocka_unit_test(test_missing_values_and_empty_documents),
	    cmocka_unit_test(test_plain_scalars),
	    cmocka_unit_test(test_quoted_scalars),
	    cmocka_unit_test(test_block_scalars),
	    cmocka_unit_test(test_characters_and_columns),
	    cmocka_unit_test(test_builder_checks_stay_the_same),
	    cmocka_unit_test(test_auto_falls_back_to_libyaml),
	    cmocka_unit_test(test_project_yaml_files),
	};
	const struct CMUnitTest realworld[] = {
	    cmocka_unit_test(test_realworld_yaml_files),
	};
	return corpus_main(argc, argv, "yaml_fast", tests, sizeof(tests) / sizeof(tests[0]),
	                   realworld, sizeof(realworld) / sizeof(realworld[0]));
}
