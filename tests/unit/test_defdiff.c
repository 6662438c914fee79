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
#include "../../util/xalloc.h"

static struct ydoc *parse(const char *name, const char *text, size_t len)
{
	struct diag_list l;
	struct ydoc *doc = NULL;
	diag_list_init(&l);
	if (ydoc_parse(&doc, name, text, len, &l)) {
		for (size_t i = 0; i < l.nr; i++)
			print_message("%s:%d:%d: %s\n", name, l.items[i].line, l.items[i].col,
			              l.items[i].message);
		fail();
	}
	diag_list_release(&l);
	return doc;
}

static struct ydoc *parse_str(const char *text)
{
	return parse("t.yml", text, strlen(text));
}

static char *rendered(const struct ynode *n)
{
	struct buf b = BUF_INIT;
	ynode_render(n, &b, 200);
	return buf_detach(&b, NULL);
}

/* What a person writes: only the keys they care about. */
static const char desired_text[] =
    "definitionVersion: 7\n"
    "name: Order Sync\n"
    "flows:\n"
    "  - name: Push Orders\n"
    "    steps:\n"
    "      - name: Every Hour\n"
    "        isTrigger: true\n"
    "        action:\n"
    "          key: schedule\n"
    "          component: {key: schedule-triggers, version: LATEST}\n"
    "      - name: Post\n"
    "        action:\n"
    "          key: httpPost\n"
    "          component: {key: http, version: LATEST, isPublic: true}\n"
    "        inputs:\n"
    "          url: {type: value, value: https://shop.example/orders}\n"
    "          timeout: {type: value, value: 30}\n"
    "          retries: {type: value, value: \"\"}\n";

/* What the server hands back: sorted keys, defaults filled in, versions pinned, values quoted. */
static const char live_text[] = "category: \"\"\n"
                                "configPages: []\n"
                                "definitionVersion: 7\n"
                                "description: \"\"\n"
                                "documentation: \"\"\n"
                                "endpointType: flow_specific\n"
                                "flows:\n"
                                "  - description: \"\"\n"
                                "    endpointSecurityType: customer_optional\n"
                                "    isSynchronous: false\n"
                                "    name: Push Orders\n"
                                "    steps:\n"
                                "      - action:\n"
                                "          component:\n"
                                "            isPublic: true\n"
                                "            key: schedule-triggers\n"
                                "            version: 4\n"
                                "          key: schedule\n"
                                "        description: \"\"\n"
                                "        inputs: {}\n"
                                "        isTrigger: true\n"
                                "        name: Every Hour\n"
                                "      - action:\n"
                                "          component:\n"
                                "            isPublic: true\n"
                                "            key: http\n"
                                "            version: 12\n"
                                "          key: httpPost\n"
                                "        description: \"\"\n"
                                "        inputs:\n"
                                "          headers:\n"
                                "            type: complex\n"
                                "            value: []\n"
                                "          retries:\n"
                                "            type: value\n"
                                "            value: \"\"\n"
                                "          timeout:\n"
                                "            type: value\n"
                                "            value: \"30\"\n"
                                "          url:\n"
                                "            type: value\n"
                                "            value: https://shop.example/orders\n"
                                "        name: Post\n"
                                "name: Order Sync\n"
                                "requiredConfigVars: []\n";

static void test_server_defaults_are_not_a_difference(void **state)
{
	(void)state;
	struct ydoc *d = parse_str(desired_text), *l = parse_str(live_text);
	struct defdiff diff = DEFDIFF_INIT;
	size_t n = defdiff_compare(d->root, l->root, NULL, &diff);
	for (size_t i = 0; i < diff.nr; i++)
		print_message("unexpected difference at %s\n", diff.items[i].path);
	assert_int_equal(n, 0);
	defdiff_release(&diff);
	ydoc_free(d);
	ydoc_free(l);
}

static void test_a_changed_value_is_reported_with_its_path(void **state)
{
	(void)state;
	char *text = xstrdup(desired_text);
	char *at = strstr(text, "https://shop.example/orders");
	memcpy(at, "https://shop.example/ORDERS", strlen("https://shop.example/ORDERS"));
	struct ydoc *d = parse_str(text), *l = parse_str(live_text);
	struct defdiff diff = DEFDIFF_INIT;
	assert_int_equal(defdiff_compare(d->root, l->root, NULL, &diff), 1);
	assert_string_equal(diff.items[0].path, "flows[0].steps[1].inputs.url.value");
	char *before = rendered(diff.items[0].before), *after = rendered(diff.items[0].after);
	assert_string_equal(before, "\"https://shop.example/orders\"");
	assert_string_equal(after, "\"https://shop.example/ORDERS\"");
	free(before);
	free(after);
	defdiff_release(&diff);
	ydoc_free(d);
	ydoc_free(l);
	free(text);
}

static void test_pinned_version_and_lengths(void **state)
{
	(void)state;
	struct ydoc *d = parse_str("flows:\n"
	                           "  - name: A\n"
	                           "    steps:\n"
	                           "      - action: {component: {key: http, version: 3}}\n"
	                           "labels: [x]\n"
	                           "name: Renamed\n");
	struct ydoc *l = parse_str("flows:\n"
	                           "  - name: A\n"
	                           "    steps:\n"
	                           "      - action: {component: {key: http, version: 4}}\n"
	                           "  - name: B\n"
	                           "labels: [x, y]\n"
	                           "name: Original\n");
	static const char *const skip[] = {"name", NULL};
	struct defdiff diff = DEFDIFF_INIT;
	assert_int_equal(defdiff_compare(d->root, l->root, skip, &diff), 3);
	assert_string_equal(diff.items[0].path, "flows[0].steps[0].action.component.version");
	assert_string_equal(diff.items[1].path, "flows[1]");
	assert_null(diff.items[1].after);
	char *before = rendered(diff.items[1].before);
	assert_string_equal(before, "{name: \"B\"}");
	free(before);
	assert_string_equal(diff.items[2].path, "labels[1]");
	defdiff_release(&diff);
	ydoc_free(d);
	ydoc_free(l);
}

static void test_awkward_keys_are_quoted_in_paths(void **state)
{
	(void)state;
	struct ydoc *d = parse_str("inputs:\n  \"API Key\": {value: a}\n  k.dot: 1\n");
	struct ydoc *l = parse_str("inputs:\n  \"API Key\": {value: b}\n  k.dot: 2\n");
	struct defdiff diff = DEFDIFF_INIT;
	assert_int_equal(defdiff_compare(d->root, l->root, NULL, &diff), 2);
	assert_string_equal(diff.items[0].path, "inputs[\"API Key\"].value");
	assert_string_equal(diff.items[1].path, "inputs[\"k.dot\"]");
	defdiff_release(&diff);
	ydoc_free(d);
	ydoc_free(l);
}

static void test_types_and_absence(void **state)
{
	(void)state;
	struct ydoc *d = parse_str("a: true\nb: {x: 1}\nc: missing-live\nd: ~\ne: 1.0\n");
	struct ydoc *l = parse_str("a: \"true\"\nb: [1]\nd: \"\"\ne: 1\n");
	struct defdiff diff = DEFDIFF_INIT;
	assert_int_equal(defdiff_compare(d->root, l->root, NULL, &diff), 2);
	assert_string_equal(diff.items[0].path, "b");
	assert_string_equal(diff.items[1].path, "c");
	assert_null(diff.items[1].before);
	defdiff_release(&diff);
	ydoc_free(d);
	ydoc_free(l);
}

/* Removes, in place, every mapping key whose value is empty: the defaults a person leaves out. */
static void trim(struct ynode *n)
{
	if (n->kind == YNODE_SEQ) {
		for (size_t i = 0; i < n->u.seq.nr; i++)
			trim(n->u.seq.items[i]);
	} else if (n->kind == YNODE_MAP) {
		size_t keep = 0;
		for (size_t i = 0; i < n->u.map.nr; i++) {
			struct ynode *v = n->u.map.pairs[i].value;
			bool empty = (v->kind == YNODE_SCALAR && v->u.scalar.len == 0) ||
			             (v->kind == YNODE_SEQ && v->u.seq.nr == 0) ||
			             (v->kind == YNODE_MAP && v->u.map.nr == 0);
			if (empty)
				continue;
			trim(v);
			n->u.map.pairs[keep++] = n->u.map.pairs[i];
		}
		n->u.map.nr = keep;
	}
}

/* The first string scalar under flows[*].steps[*].inputs.*.value, to edit. */
static struct ynode *first_input_value(struct ynode *root)
{
	const struct ynode *flows = ymap_get(root, "flows");
	for (size_t f = 0; flows && f < flows->u.seq.nr; f++) {
		const struct ynode *steps = ymap_get(flows->u.seq.items[f], "steps");
		for (size_t s = 0; steps && steps->kind == YNODE_SEQ && s < steps->u.seq.nr; s++) {
			const struct ynode *inputs = ymap_get(steps->u.seq.items[s], "inputs");
			for (size_t i = 0;
			     inputs && inputs->kind == YNODE_MAP && i < inputs->u.map.nr; i++) {
				struct ynode *v =
				    (struct ynode *)ymap_get(inputs->u.map.pairs[i].value, "value");
				if (v && v->kind == YNODE_SCALAR && v->u.scalar.len)
					return v;
			}
		}
	}
	return NULL;
}

/*
 * Over every definition of a set: a file equals itself, a copy without its
 * empty values equals the full file, and one edited input value is one
 * difference at its path.
 */
static void check_corpus(enum corpus_set set)
{
	struct corpus_file *files;
	size_t n = corpus_load(set, &files);
	size_t edited = 0;
	for (size_t i = 0; i < n; i++) {
		struct ydoc *full = parse(files[i].path, files[i].text, files[i].len);
		struct ydoc *mine = parse(files[i].path, files[i].text, files[i].len);
		struct defdiff diff = DEFDIFF_INIT;

		/* A file equals itself. */
		assert_int_equal(defdiff_compare(mine->root, full->root, NULL, &diff), 0);
		/* A trimmed copy, defaults left out, equals the full export. */
		trim(mine->root);
		assert_int_equal(defdiff_compare(mine->root, full->root, NULL, &diff), 0);
		/* One edited input value is exactly one difference. */
		struct ynode *v = first_input_value(mine->root);
		if (v) {
			v->u.scalar.value = "edited by hand";
			v->u.scalar.len = strlen(v->u.scalar.value);
			v->style = YSTYLE_DOUBLE_QUOTED;
			assert_int_equal(defdiff_compare(mine->root, full->root, NULL, &diff), 1);
			assert_non_null(strstr(diff.items[0].path, ".value"));
			assert_ptr_equal(diff.items[0].after, v);
			edited++;
		}
		defdiff_release(&diff);
		ydoc_free(full);
		ydoc_free(mine);
	}
	corpus_free(files, n);
	assert_true(edited > 0); /* the edit check ran on at least one file */
}

static void test_project_definitions(void **state)
{
	(void)state;
	check_corpus(CORPUS_PROJECT);
}

static void test_realworld_corpus(void **state)
{
	(void)state;
	check_corpus(CORPUS_REALWORLD);
}

/* Flows and steps are matched by name: an insertion is one difference, a reorder is one too. */
static void test_named_elements_match_by_name(void **state)
{
	(void)state;
	struct ydoc *live = parse_str("flows:\n"
	                              "  - name: A\n"
	                              "    steps: [{name: s1, x: 1}, {name: s2, x: 2}]\n"
	                              "  - name: C\n"
	                              "  - name: D\n");
	struct ydoc *inserted = parse_str("flows:\n"
	                                  "  - name: A\n"
	                                  "    steps: [{name: s1, x: 1}, {name: s2, x: 2}]\n"
	                                  "  - name: B\n"
	                                  "  - name: C\n");
	struct defdiff diff = DEFDIFF_INIT;
	assert_int_equal(defdiff_compare(inserted->root, live->root, NULL, &diff), 2);
	assert_string_equal(diff.items[0].path, "flows[1]"); /* B added */
	assert_null(diff.items[0].before);
	assert_string_equal(diff.items[1].path, "flows[2]"); /* D removed, at its live index */
	assert_null(diff.items[1].after);
	defdiff_release(&diff);

	struct ydoc *reordered = parse_str("flows:\n"
	                                   "  - name: A\n"
	                                   "    steps: [{name: s2, x: 2}, {name: s1, x: 1}]\n"
	                                   "  - name: C\n"
	                                   "  - name: D\n");
	assert_int_equal(defdiff_compare(reordered->root, live->root, NULL, &diff), 1);
	assert_string_equal(diff.items[0].path, "flows[0].steps");
	defdiff_release(&diff);

	/* Unnamed or duplicate-named lists still compare by position. */
	struct ydoc *a = parse_str("l: [{name: x, v: 1}, {name: x, v: 2}]\n");
	struct ydoc *b = parse_str("l: [{name: x, v: 2}, {name: x, v: 1}]\n");
	assert_int_equal(defdiff_compare(a->root, b->root, NULL, &diff), 2);
	assert_string_equal(diff.items[0].path, "l[0].v");
	defdiff_release(&diff);
	ydoc_free(live);
	ydoc_free(inserted);
	ydoc_free(reordered);
	ydoc_free(a);
	ydoc_free(b);
}

/* A definition as written and the same definition as the server hands it back. */
static void test_served_definitions_equal_their_source(void **state)
{
	(void)state;
	static const char *const names[] = {"orders", "returns"};
	const char *testdata = getenv("PRISMSYNC_TESTDATA");
	if (!testdata)
		fail_msg("PRISMSYNC_TESTDATA is not set: run this test through ctest");
	for (size_t i = 0; i < 2; i++) {
		char *src = xasprintf("%s/reconcile/integrations/%s.yml", testdata, names[i]);
		char *served = xasprintf("%s/reconcile/as-served/%s.yml", testdata, names[i]);
		size_t ls, lv;
		char *ts = read_whole_file(src, &ls), *tv = read_whole_file(served, &lv);
		assert_non_null(ts);
		assert_non_null(tv);
		struct ydoc *d = parse(src, ts, ls), *l = parse(served, tv, lv);
		struct defdiff diff = DEFDIFF_INIT;
		assert_int_equal(defdiff_compare(d->root, l->root, NULL, &diff), 0);
		/* The served form has more (defaults), so the other way round differs. */
		assert_true(defdiff_compare(l->root, d->root, NULL, &diff) > 0);
		defdiff_release(&diff);
		ydoc_free(d);
		ydoc_free(l);
		free(ts);
		free(tv);
		free(src);
		free(served);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_server_defaults_are_not_a_difference),
	    cmocka_unit_test(test_a_changed_value_is_reported_with_its_path),
	    cmocka_unit_test(test_pinned_version_and_lengths),
	    cmocka_unit_test(test_awkward_keys_are_quoted_in_paths),
	    cmocka_unit_test(test_types_and_absence),
	    cmocka_unit_test(test_project_definitions),
	    cmocka_unit_test(test_served_definitions_equal_their_source),
	    cmocka_unit_test(test_named_elements_match_by_name),
	};
	const struct CMUnitTest realworld[] = {
	    cmocka_unit_test(test_realworld_corpus),
	};
	return corpus_main(argc, argv, "defdiff", tests, sizeof(tests) / sizeof(tests[0]),
	                   realworld, sizeof(realworld) / sizeof(realworld[0]));
}
