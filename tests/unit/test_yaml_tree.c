#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "corpus.h"

#include "../../schema/yaml_tree.h"
#include "../../util/buf.h"

/* Parses text; returns the document or NULL, and the rendered diagnostics in *msgs. */
static struct ydoc *parse(const char *text, char **msgs)
{
	struct diag_list l;
	struct ydoc *doc = NULL;
	struct buf out = BUF_INIT;
	diag_list_init(&l);
	if (ydoc_parse(&doc, "t.yaml", text, strlen(text), &l))
		doc = NULL;
	diag_sort(&l);
	diag_render(&l, &out, false);
	*msgs = buf_detach(&out, NULL);
	diag_list_release(&l);
	return doc;
}

static void test_positions_and_structure(void **state)
{
	(void)state;
	char *msgs;
	struct ydoc *doc = parse("version: 1\n"
	                         "customers:\n"
	                         "  - externalId: acme\n"
	                         "    labels: [a, \"b\"]\n",
	                         &msgs);
	assert_non_null(doc);
	assert_string_equal(msgs, "");
	const struct ynode *root = doc->root;
	assert_int_equal(root->kind, YNODE_MAP);
	assert_int_equal(root->u.map.nr, 2);
	const struct ynode *v = ymap_get(root, "version");
	assert_int_equal(v->line, 1);
	assert_int_equal(v->col, 10);
	assert_int_equal(yscalar_type(v), YTYPE_INT);
	const struct ynode *cs = ymap_get(root, "customers");
	assert_int_equal(cs->kind, YNODE_SEQ);
	const struct ynode *c0 = cs->u.seq.items[0];
	assert_int_equal(c0->line, 3);
	assert_int_equal(c0->col, 5);
	const struct ypair *p = ymap_get_pair(c0, "externalId");
	assert_int_equal(p->key->line, 3);
	assert_int_equal(p->key->col, 5);
	assert_true(yscalar_eq(p->value, "acme"));
	const struct ynode *labels = ymap_get(c0, "labels");
	assert_int_equal(labels->u.seq.nr, 2);
	assert_int_equal(labels->u.seq.items[1]->style, YSTYLE_DOUBLE_QUOTED);
	assert_int_equal(labels->u.seq.items[1]->col, 17);
	assert_null(ymap_get(root, "missing"));
	ydoc_free(doc);
	free(msgs);
}

static void test_quoting_decides_the_type(void **state)
{
	(void)state;
	char *msgs;
	struct ydoc *doc = parse("a: true\nb: \"true\"\nc: 'yes'\nd: yes\ne: ~\nf: 1.5\ng: 0x1F\n"
	                         "h: !!str 12\ni: |\n  text\n",
	                         &msgs);
	assert_non_null(doc);
	const struct ynode *r = doc->root;
	assert_int_equal(yscalar_type(ymap_get(r, "a")), YTYPE_BOOL);
	assert_int_equal(yscalar_type(ymap_get(r, "b")), YTYPE_STR);
	assert_int_equal(yscalar_type(ymap_get(r, "c")), YTYPE_STR);
	assert_int_equal(yscalar_type(ymap_get(r, "d")), YTYPE_STR); /* YAML 1.2: not a boolean */
	assert_int_equal(yscalar_type(ymap_get(r, "e")), YTYPE_NULL);
	assert_int_equal(yscalar_type(ymap_get(r, "f")), YTYPE_FLOAT);
	assert_int_equal(yscalar_type(ymap_get(r, "g")), YTYPE_INT);
	assert_int_equal(yscalar_type(ymap_get(r, "h")), YTYPE_STR);
	assert_int_equal(yscalar_type(ymap_get(r, "i")), YTYPE_STR);
	assert_string_equal(ymap_get(r, "i")->u.scalar.value, "text\n");
	ydoc_free(doc);
	free(msgs);
}

static void test_rejects_aliases_and_anchors_at_their_position(void **state)
{
	(void)state;
	char *msgs;
	struct ydoc *doc = parse("base: &b\n  x: 1\ncopy: *b\n", &msgs);
	assert_null(doc);
	assert_non_null(strstr(msgs, "t.yaml:1:7: error: YAML anchors (&b) are not supported"));
	assert_non_null(strstr(msgs, "t.yaml:3:7: error: YAML aliases (*b) are not supported"));
	free(msgs);
}

static void test_rejects_duplicate_keys_at_the_repeat(void **state)
{
	(void)state;
	char *msgs;
	struct ydoc *doc = parse("name: a\nowner: x\nname: b\n", &msgs);
	assert_null(doc);
	assert_string_equal(msgs,
	                    "t.yaml:3:1: error: duplicate key 'name' (first defined at line 1)\n"
	                    "    3 | name: b\n"
	                    "      | ^\n");
	free(msgs);
}

/* Each repeat names the first occurrence, in a small mapping and in a large one alike. */
static void test_duplicate_keys_name_the_first(void **state)
{
	(void)state;
	for (int extra = 0; extra <= 20; extra += 20) {
		struct buf text = BUF_INIT;
		buf_adds(&text, "k: 1\nk: 2\n");
		for (int i = 0; i < extra; i++)
			buf_addf(&text, "other%d: x\n", i);
		buf_adds(&text, "k: 3\n");
		char *msgs;
		struct ydoc *doc = parse(text.data, &msgs);
		assert_null(doc);
		assert_non_null(
		    strstr(msgs, "t.yaml:2:1: error: duplicate key 'k' (first defined at line 1)"));
		char want[96];
		snprintf(want, sizeof(want),
		         "t.yaml:%d:1: error: duplicate key 'k' (first defined at line 1)",
		         3 + extra);
		assert_non_null(strstr(msgs, want));
		free(msgs);
		buf_release(&text);
	}
}

static void test_rejects_deep_nesting(void **state)
{
	(void)state;
	struct buf text = BUF_INIT;
	for (int i = 0; i < 200; i++)
		buf_addch(&text, '[');
	for (int i = 0; i < 200; i++)
		buf_addch(&text, ']');
	char *msgs;
	struct ydoc *doc = parse(text.data, &msgs);
	assert_null(doc);
	assert_non_null(strstr(msgs, "nesting is deeper than 64 levels"));
	free(msgs);
	buf_release(&text);
}

static void test_tab_indentation_is_explained(void **state)
{
	(void)state;
	char *msgs;
	struct ydoc *doc = parse("customers:\n\t- name: x\n", &msgs);
	assert_null(doc);
	assert_non_null(strstr(msgs, "t.yaml:2:1: error: tab character in indentation"));
	free(msgs);
}

static void test_binary_and_multi_document_input(void **state)
{
	(void)state;
	char *msgs;
	struct diag_list l;
	struct ydoc *doc = NULL;
	diag_list_init(&l);
	assert_int_not_equal(ydoc_parse(&doc, "b.bin", "a: 1\n\0\x01", 7, &l), 0);
	assert_int_equal(l.errors, 1);
	assert_non_null(strstr(l.items[0].message, "byte 0x00 at offset 5"));
	assert_int_equal(l.items[0].line, 2);
	diag_list_release(&l);

	doc = parse("a: 1\n\xff\xfe: 2\n", &msgs);
	assert_null(doc);
	assert_non_null(strstr(msgs, "t.yaml:2:1: error: not a text file (byte 0xff"));
	free(msgs);

	doc = parse("a: 1\n---\nb: 2\n", &msgs);
	assert_null(doc);
	assert_non_null(strstr(msgs, "t.yaml:2:1: error: more than one YAML document"));
	free(msgs);
}

static void test_empty_input_has_no_root(void **state)
{
	(void)state;
	char *msgs;
	struct ydoc *doc = parse("# only a comment\n", &msgs);
	assert_non_null(doc);
	assert_null(doc->root);
	ydoc_free(doc);
	free(msgs);
}

/* Every definition of a set parses to a mapping with flows. */
static void check_corpus_parses(enum corpus_set set)
{
	struct corpus_file *files;
	size_t n = corpus_load(set, &files);
	for (size_t i = 0; i < n; i++) {
		struct diag_list l;
		struct ydoc *doc = NULL;
		diag_list_init(&l);
		assert_int_equal(ydoc_parse(&doc, files[i].path, files[i].text, files[i].len, &l),
		                 0);
		assert_int_equal(doc->root->kind, YNODE_MAP);
		assert_non_null(ymap_get(doc->root, "flows"));
		ydoc_free(doc);
		diag_list_release(&l);
	}
	corpus_free(files, n);
}

static void test_project_definitions_parse(void **state)
{
	(void)state;
	check_corpus_parses(CORPUS_PROJECT);
}

static void test_realworld_corpus_parses(void **state)
{
	(void)state;
	check_corpus_parses(CORPUS_REALWORLD);
}

static void test_json_rendering(void **state)
{
	(void)state;
	char *msgs;
	struct ydoc *doc = parse("s: \"a\\\"b\\n\"\nn: 12\nf: -1.5e3\nh: 0x1F\nb: True\nz: ~\n"
	                         "l: [1, two]\nm: {k: v}\n",
	                         &msgs);
	assert_non_null(doc);
	struct buf out = BUF_INIT;
	ynode_to_json(doc->root, &out);
	assert_string_equal(out.data,
	                    "{\"s\":\"a\\\"b\\n\",\"n\":12,\"f\":-1.5e3,\"h\":\"0x1F\","
	                    "\"b\":true,\"z\":null,\"l\":[1,\"two\"],\"m\":{\"k\":\"v\"}}");
	buf_reset(&out);
	ynode_render(ymap_get(doc->root, "l"), &out, 6);
	assert_string_equal(out.data, "[1,...");
	buf_release(&out);
	ydoc_free(doc);
	free(msgs);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_positions_and_structure),
	    cmocka_unit_test(test_quoting_decides_the_type),
	    cmocka_unit_test(test_rejects_aliases_and_anchors_at_their_position),
	    cmocka_unit_test(test_rejects_duplicate_keys_at_the_repeat),
	    cmocka_unit_test(test_duplicate_keys_name_the_first),
	    cmocka_unit_test(test_rejects_deep_nesting),
	    cmocka_unit_test(test_tab_indentation_is_explained),
	    cmocka_unit_test(test_binary_and_multi_document_input),
	    cmocka_unit_test(test_empty_input_has_no_root),
	    cmocka_unit_test(test_project_definitions_parse),
	    cmocka_unit_test(test_json_rendering),
	};
	const struct CMUnitTest realworld[] = {
	    cmocka_unit_test(test_realworld_corpus_parses),
	};
	return corpus_main(argc, argv, "yaml_tree", tests, sizeof(tests) / sizeof(tests[0]),
	                   realworld, sizeof(realworld) / sizeof(realworld[0]));
}
