#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../reconcile/export.h"
#include "../../schema/yaml_tree.h"
#include "../../util/xalloc.h"

/* Strings that read back as something else when written plain. */
static const char *const tricky[] = {
    "true",        "no",        "0042", "1e3",  "",       " lead",       "trail ",
    "a: b",        "# c",       "x #y", "[x]",  "a,b",    "line\nbreak", "quote\"d",
    "back\\slash", "tab\there", "~",    "null", "Müller", "-x",
};

static const struct live_state *build(void)
{
	struct live_state *s = live_state_new();
	size_t n = sizeof(tricky) / sizeof(tricky[0]);
	for (size_t i = 0; i < n; i++) {
		struct live_customer *c = live_add_customer(s);
		char id[32];
		snprintf(id, sizeof(id), "c%02zu", i);
		c->id = live_strdup(s, id);
		c->external_id = live_strdup(s, id);
		c->name = live_strdup(s, tricky[i]);
		c->description = live_strdup(s, "");
		c->labels = arena_alloc(&s->arena, 2 * sizeof(*c->labels));
		c->labels[0] = live_strdup(s, tricky[i]);
		c->labels[1] = live_strdup(s, "prismsync:owner=team-a");
		c->labels_nr = tricky[i][0] ? 2 : 1;
		if (!tricky[i][0])
			c->labels[0] = c->labels[1];
	}
	struct live_integration *g = live_add_integration(s);
	g->id = "i1";
	g->name = live_strdup(s, "Order Sync: EU/US");
	g->description = "";
	g->definition = live_strdup(s, "definitionVersion: 7\nname: \"Order Sync: EU/US\"\n");
	g = live_add_integration(s);
	g->id = "i2";
	g->name = live_strdup(s, "order sync eu us");
	g->description = "";
	g->definition = live_strdup(s, "definitionVersion: 7\nname: order sync eu us\n");
	g = live_add_integration(s);
	g->id = "i3";
	g->name = "Code Native";
	g->description = "";
	g->is_code_native = true;
	live_state_index(s);
	return s;
}

static const struct export_file *file(const struct export_result *r, const char *path)
{
	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->files[i].path, path))
			return &r->files[i];
	return NULL;
}

/* Every name and label reads back as written; the owner is the one the objects carry. */
static void test_scalars_round_trip(void **state)
{
	(void)state;
	struct live_state *live = (struct live_state *)build();
	struct export_filter f = {NULL, 0, NULL, 0, NULL, 0};
	struct export_result r;
	struct error err = ERROR_INIT;
	assert_int_equal(export_build(&r, live, &f, &err), 0);
	assert_string_equal(r.owner, "team-a");
	const struct export_file *m = file(&r, "prismsync.yaml");
	assert_non_null(m);
	struct ydoc *doc = NULL;
	struct diag_list diags;
	diag_list_init(&diags);
	assert_int_equal(ydoc_parse(&doc, "prismsync.yaml", m->data, m->len, &diags), 0);
	const struct ynode *customers = ymap_get(doc->root, "customers");
	assert_non_null(customers);
	size_t n = sizeof(tricky) / sizeof(tricky[0]);
	assert_int_equal(customers->u.seq.nr, n);
	for (size_t i = 0; i < n; i++) {
		const struct ynode *c = customers->u.seq.items[i];
		const struct ynode *name = ymap_get(c, "name");
		assert_non_null(name);
		assert_string_equal(name->u.scalar.value, tricky[i]);
		assert_int_equal(yscalar_type(name), YTYPE_STR);
		const struct ynode *labels = ymap_get(c, "labels");
		if (!tricky[i][0]) {
			assert_null(labels); /* only the owner label: prismsync keeps it itself */
			continue;
		}
		assert_non_null(labels);
		assert_int_equal(labels->u.seq.nr, 1);
		assert_string_equal(labels->u.seq.items[0]->u.scalar.value, tricky[i]);
	}
	/* Two names that make the same file name get two files; code-native gets none. */
	assert_non_null(file(&r, "integrations/order-sync-eu-us.yml"));
	assert_non_null(file(&r, "integrations/order-sync-eu-us-2.yml"));
	assert_int_equal(r.integrations, 2);
	assert_null(strstr(m->data, "Code Native"));
	assert_null(strstr(m->data, "c00\n    id"));
	ydoc_free(doc);
	diag_list_release(&diags);
	export_result_release(&r);
	live_state_free(live);
}

/* A filter value that matches nothing names the nearest that exists. */
static void test_unknown_filter(void **state)
{
	(void)state;
	struct live_state *live = (struct live_state *)build();
	const char *customers[] = {"c1"};
	struct export_filter f = {customers, 1, NULL, 0, NULL, 0};
	struct export_result r;
	struct error err = ERROR_INIT;
	assert_int_equal(export_build(&r, live, &f, &err), ERR_NOTFOUND);
	assert_non_null(
	    strstr(err.message, "no customer has externalId 'c1'; did you mean 'c01'?"));
	error_release(&err);
	export_result_release(&r);
	live_state_free(live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scalars_round_trip),
	    cmocka_unit_test(test_unknown_filter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
