#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "../../live/live.h"

static const char *fmt(struct live_state *s, char prefix, int n)
{
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%c%d", prefix, n);
	return live_strdup(s, tmp);
}

static const char *named(struct live_state *s, const char *what, int n)
{
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%s %d", what, n);
	return live_strdup(s, tmp);
}

/* An org of n instances over n/10 customers and 100 integrations with 3 versions each. */
static struct live_state *org(int n)
{
	struct live_state *s = live_state_new();
	for (int i = 0; i < n / 10; i++) {
		struct live_customer *c = live_add_customer(s);
		c->id = fmt(s, 'C', i);
		c->external_id = i % 7 ? named(s, "ext", i) : NULL;
		c->name = named(s, "Customer", i);
		c->description = "";
	}
	for (int i = 0; i < 100; i++) {
		struct live_integration *it = live_add_integration(s);
		it->id = fmt(s, 'I', i);
		it->name = named(s, "Integration", i);
		it->versions = arena_alloc(&s->arena, 3 * sizeof(*it->versions));
		for (int v = 0; v < 3; v++) {
			it->versions[v].id = fmt(s, 'V', i * 10 + v);
			it->versions[v].number = v + 1;
			it->versions[v].available = v < 2;
		}
		it->versions_nr = 3;
		it->latest = &it->versions[1];
	}
	for (int i = 0; i < n; i++) {
		struct live_instance *in = live_add_instance(s);
		in->id = fmt(s, 'N', i);
		in->name = named(s, "Integration", i % 100);
		in->customer_id = fmt(s, 'C', i / 100 * 10 + (i % 10));
		in->version_id = fmt(s, 'V', (i % 100) * 10 + 1);
		in->version_number = 2;
		in->config = arena_alloc(&s->arena, 2 * sizeof(*in->config));
		in->config[0].key = "URL";
		in->config[0].value = "https://x";
		in->config[1].key = "Unset";
		in->config_nr = 2;
	}
	live_state_index(s);
	return s;
}

static void test_lookups(void **state)
{
	(void)state;
	struct live_state *s = org(1000);
	assert_string_equal(live_customer_by_id(s, "C3")->name, "Customer 3");
	assert_string_equal(live_customer_by_external_id(s, "ext 3")->id, "C3");
	assert_null(live_customer_by_external_id(s, "ext 7")); /* has none */
	assert_null(live_customer_by_external_id(s, NULL));
	assert_string_equal(live_integration_by_name(s, "Integration 42")->id, "I42");
	assert_string_equal(live_integration_by_id(s, "I42")->name, "Integration 42");
	assert_null(live_integration_by_name(s, "Integration 420"));

	const struct live_instance *in = live_instance_by_identity(s, "C1", "Integration 1");
	assert_non_null(in);
	assert_string_equal(in->id, "N1");
	assert_string_equal(live_instance_by_id(s, "N1")->name, "Integration 1");
	assert_null(live_instance_by_identity(s, "C1", "Integration 2"));
	assert_null(live_instance_by_identity(s, "C1", NULL));
	/* The instance is linked to its integration through its version. */
	assert_string_equal(in->integration_id, "I1");

	const struct live_integration *it = NULL;
	const struct live_version *v = live_version_by_id(s, "V421", &it);
	assert_non_null(v);
	assert_int_equal(v->number, 2);
	assert_string_equal(it->id, "I42");
	assert_null(live_version_by_id(s, "V999999", NULL));
	assert_int_equal(live_version_by_number(it, 3)->number, 3);
	assert_null(live_version_by_number(it, 4));
	assert_null(live_version_by_number(it, 0));

	bool found;
	assert_string_equal(live_instance_config(in, "URL", &found), "https://x");
	assert_true(found);
	assert_null(live_instance_config(in, "Unset", &found));
	assert_true(found);
	assert_null(live_instance_config(in, "Other", &found));
	assert_false(found);
	live_state_free(s);
}

static void test_ten_thousand_instances_are_fast(void **state)
{
	(void)state;
	struct live_state *s = org(10000);
	clock_t t0 = clock();
	for (int round = 0; round < 10; round++)
		for (size_t i = 0; i < s->instances_nr; i++) {
			const struct live_instance *in = &s->instances[i];
			assert_ptr_equal(live_instance_by_identity(s, in->customer_id, in->name),
			                 in);
			assert_ptr_equal(live_instance_by_id(s, in->id), in);
		}
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_true(secs < 2.0); /* 200,000 lookups; generous for sanitizer builds */
	live_state_free(s);
}

static void test_empty_state(void **state)
{
	(void)state;
	struct live_state *s = live_state_new();
	assert_null(live_customer_by_id(s, "x")); /* not indexed yet */
	live_state_index(s);
	assert_null(live_customer_by_id(s, "x"));
	assert_null(live_instance_by_identity(s, "a", "b"));
	live_state_free(s);
	live_state_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookups),
	    cmocka_unit_test(test_ten_thousand_instances_are_fast),
	    cmocka_unit_test(test_empty_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
