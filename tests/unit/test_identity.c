/*
 * Two live objects with one identity (reconcile/identity.c): every kind,
 * named with all ids at the manifest entry that uses the identity, each
 * reported once; identities the manifest does not use are left alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../reconcile/identity.h"
#include "../../source/source.h"

static const char manifest_text[] = "version: 1\n"
                                    "customers:\n"
                                    "  - externalId: acme\n"
                                    "    name: Acme Corp\n"
                                    "instances:\n"
                                    "  - name: Orders\n"
                                    "    customer: acme\n"
                                    "    integration: Order Sync\n"
                                    "  - name: Returns\n"
                                    "    customer: acme\n"
                                    "    integration: Order Sync\n";

static struct manifest *load(void)
{
	struct source *src = source_mem_new();
	struct diag_list diags;
	struct manifest *m = NULL;
	source_mem_add(src, "prismsync.yaml", manifest_text, strlen(manifest_text));
	diag_list_init(&diags);
	assert_int_equal(manifest_load(&m, src, "prismsync.yaml", 0, &diags), 0);
	diag_list_release(&diags);
	source_free(src);
	return m;
}

static void customer(struct live_state *s, const char *id, const char *external_id)
{
	struct live_customer *c = live_add_customer(s);
	c->id = live_strdup(s, id);
	c->external_id = live_strdup(s, external_id);
	c->name = live_strdup(s, id);
	c->description = "";
}

static void integration(struct live_state *s, const char *id, const char *name)
{
	struct live_integration *it = live_add_integration(s);
	it->id = live_strdup(s, id);
	it->name = live_strdup(s, name);
	it->description = "";
	it->category = "";
}

static void instance(struct live_state *s, const char *id, const char *customer_id,
                     const char *name)
{
	struct live_instance *in = live_add_instance(s);
	in->id = live_strdup(s, id);
	in->name = live_strdup(s, name);
	in->description = "";
	in->customer_id = live_strdup(s, customer_id);
	in->customer_name = "";
	in->version_id = "v1";
	in->integration_name = "Order Sync";
}

/* The one message of diags that contains needle; fails unless exactly one does. */
static const struct diag *find(const struct diag_list *diags, const char *needle)
{
	const struct diag *found = NULL;
	for (size_t i = 0; i < diags->nr; i++)
		if (strstr(diags->items[i].message, needle)) {
			assert_null(found);
			found = &diags->items[i];
		}
	if (!found)
		fail_msg("no message with \"%s\"", needle);
	return found;
}

/* What every test starts from: the manifest, an empty organization and no messages. */
struct fixture {
	struct manifest *m;
	struct live_state *s;
	struct diag_list diags;
};

static int setup(void **state)
{
	static struct fixture f;
	f.m = load();
	f.s = live_state_new();
	diag_list_init(&f.diags);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	diag_list_release(&f->diags);
	live_state_free(f->s);
	manifest_free(f->m);
	return 0;
}

static void test_every_kind(void **state)
{
	struct fixture *f = *state;
	struct live_state *s = f->s;
	customer(s, "c1", "acme");
	customer(s, "c2", "acme");
	customer(s, "c3", "globex"); /* unique: fine */
	integration(s, "i1", "Order Sync");
	integration(s, "i2", "Order Sync");
	integration(s, "i3", "Order Sync");
	integration(s, "i4", "Unmanaged");
	integration(s, "i5", "Unmanaged"); /* the manifest does not use it */
	instance(s, "n1", "c1", "Orders");
	instance(s, "n2", "c1", "Orders");
	instance(s, "n3", "c2", "Orders"); /* another customer: not the same identity */
	instance(s, "n4", "c1", "Returns");
	live_state_index(s);

	assert_int_equal(identity_check(f->m, s, &f->diags), 3);
	assert_int_equal(f->diags.nr, 3);
	const struct diag *d = find(&f->diags, "customers in the organization have the externalId "
	                                       "'acme' (ids c1 and c2)");
	assert_int_equal(d->line, 3); /* the customer's externalId, not the instances naming it */
	assert_non_null(strstr(d->message, "change the externalId of all but one"));
	d = find(&f->diags, "3 integrations in the organization are named 'Order Sync' (ids i1, i2 "
	                    "and i3)");
	assert_int_equal(d->line, 8);
	d = find(&f->diags, "2 instances of customer 'acme' in the organization are named 'Orders' "
	                    "(ids n1 and n2); prismsync does not pick one of them");
	assert_int_equal(d->line, 6);
	assert_string_equal(d->file, "prismsync.yaml");
}

static void test_many_ids_are_counted(void **state)
{
	struct fixture *f = *state;
	struct live_state *s = f->s;
	char id[16];
	customer(s, "c1", "acme");
	for (int i = 0; i < 8; i++) {
		snprintf(id, sizeof(id), "i%d", i);
		integration(s, id, "Order Sync");
	}
	live_state_index(s);
	assert_int_equal(identity_check(f->m, s, &f->diags), 1);
	find(&f->diags,
	     "8 integrations in the organization are named 'Order Sync' (ids i0, i1, i2, "
	     "i3, i4 and 3 more)");
}

static void test_unique_is_fine(void **state)
{
	struct fixture *f = *state;
	struct live_state *s = f->s;
	customer(s, "c1", "acme");
	integration(s, "i1", "Order Sync");
	instance(s, "n1", "c1", "Orders");
	instance(s, "n2", "c1", "Returns");
	live_state_index(s);
	assert_int_equal(identity_check(f->m, s, &f->diags), 0);
	assert_int_equal(f->diags.nr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_every_kind, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_ids_are_counted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unique_is_fine, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
