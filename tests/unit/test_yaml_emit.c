#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "corpus.h"

#include "../../reconcile/defdiff.h"
#include "../../schema/yaml_emit.h"

static struct ydoc *parse(const char *name, const char *text, size_t len)
{
	struct diag_list l;
	struct ydoc *doc = NULL;
	diag_list_init(&l);
	int rc = ydoc_parse(&doc, name, text, len, &l);
	for (size_t i = 0; i < l.nr; i++)
		print_message("%s:%d:%d: %s\n", name, l.items[i].line, l.items[i].col,
		              l.items[i].message);
	assert_int_equal(rc, 0);
	diag_list_release(&l);
	return doc;
}

/* Emits doc (with overrides), parses the text again, and returns the new document. */
static struct ydoc *round_trip(const struct ydoc *doc, const struct yemit_override *ov, size_t nr,
                               char **text)
{
	struct buf out = BUF_INIT;
	struct error err = ERROR_INIT;
	assert_int_equal(ydoc_emit(doc->root, ov, nr, &out, &err), 0);
	struct ydoc *again = parse("emitted.yml", out.data, out.len);
	*text = buf_detach(&out, NULL);
	return again;
}

static void test_types_survive_the_round_trip(void **state)
{
	(void)state;
	static const char src[] = "a: \"true\"\nb: true\nc: \"30\"\nd: 30\ne: ''\nf: ~\n"
	                          "g: |\n  two\n  lines\nh: 'it''s'\ni: [x, \"null\"]\n";
	struct ydoc *doc = parse("t.yml", src, strlen(src));
	char *text;
	struct ydoc *again = round_trip(doc, NULL, 0, &text);
	const struct ynode *r = again->root;
	assert_int_equal(yscalar_type(ymap_get(r, "a")), YTYPE_STR);
	assert_int_equal(yscalar_type(ymap_get(r, "b")), YTYPE_BOOL);
	assert_int_equal(yscalar_type(ymap_get(r, "c")), YTYPE_STR);
	assert_int_equal(yscalar_type(ymap_get(r, "d")), YTYPE_INT);
	assert_int_equal(yscalar_type(ymap_get(r, "e")), YTYPE_STR);
	assert_int_equal(yscalar_type(ymap_get(r, "f")), YTYPE_NULL);
	assert_string_equal(ymap_get(r, "g")->u.scalar.value, "two\nlines\n");
	assert_string_equal(ymap_get(r, "h")->u.scalar.value, "it's");
	assert_int_equal(yscalar_type(ymap_get(r, "i")->u.seq.items[1]), YTYPE_STR);
	free(text);
	ydoc_free(again);
	ydoc_free(doc);
}

static void test_overrides_replace_or_append(void **state)
{
	(void)state;
	static const char src[] = "definitionVersion: 7\nname: From File\nlabels: [a]\nflows: []\n";
	static const char *const labels[] = {"erp", "prismsync:owner=platform"};
	const struct yemit_override ov[] = {
	    {"name", YEMIT_STRING, "Order Sync", NULL, 0},
	    {"description", YEMIT_STRING, "true", NULL, 0},
	    {"labels", YEMIT_STRING_LIST, NULL, labels, 2},
	};
	struct ydoc *doc = parse("t.yml", src, strlen(src));
	char *text;
	struct ydoc *again = round_trip(doc, ov, 3, &text);
	const struct ynode *r = again->root;
	assert_true(yscalar_eq(ymap_get(r, "name"), "Order Sync"));
	assert_int_equal(yscalar_type(ymap_get(r, "description")), YTYPE_STR);
	assert_true(yscalar_eq(ymap_get(r, "description"), "true"));
	const struct ynode *l = ymap_get(r, "labels");
	assert_int_equal(l->u.seq.nr, 2);
	assert_true(yscalar_eq(l->u.seq.items[1], "prismsync:owner=platform"));
	/* Order is kept: name stays second, description is appended last. */
	assert_true(yscalar_eq(r->u.map.pairs[1].key, "name"));
	assert_true(yscalar_eq(r->u.map.pairs[4].key, "description"));
	free(text);
	ydoc_free(again);
	ydoc_free(doc);
}

/* Every definition of a set survives emit and re-parse: equal both ways. */
static void check_round_trip(enum corpus_set set)
{
	struct corpus_file *files;
	size_t n = corpus_load(set, &files);
	for (size_t i = 0; i < n; i++) {
		struct ydoc *doc = parse(files[i].path, files[i].text, files[i].len);
		char *text;
		struct ydoc *again = round_trip(doc, NULL, 0, &text);
		struct defdiff d = DEFDIFF_INIT;
		assert_int_equal(defdiff_compare(doc->root, again->root, NULL, &d), 0);
		assert_int_equal(defdiff_compare(again->root, doc->root, NULL, &d), 0);
		defdiff_release(&d);
		free(text);
		ydoc_free(again);
		ydoc_free(doc);
	}
	corpus_free(files, n);
}

static void test_project_round_trip(void **state)
{
	(void)state;
	check_round_trip(CORPUS_PROJECT);
}

static void test_realworld_round_trip(void **state)
{
	(void)state;
	check_round_trip(CORPUS_REALWORLD);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types_survive_the_round_trip),
	    cmocka_unit_test(test_overrides_replace_or_append),
	    cmocka_unit_test(test_project_round_trip),
	};
	const struct CMUnitTest realworld[] = {
	    cmocka_unit_test(test_realworld_round_trip),
	};
	return corpus_main(argc, argv, "yaml_emit", tests, sizeof(tests) / sizeof(tests[0]),
	                   realworld, sizeof(realworld) / sizeof(realworld[0]));
}
