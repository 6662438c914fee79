#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../api/fetch.h"
#include "../../api/gql.h"
#include "../../api/page.h"

/* Every page of a list is known from its total: offsets, and how many nodes each must hold. */
static void test_offset_pages(void **state)
{
	(void)state;
	assert_int_equal(page_offset(0), 0);
	assert_int_equal(page_offset(1), 100);
	assert_int_equal(page_offset(99), 9900);
	assert_int_equal(page_expected(0, 0), 0);
	assert_int_equal(page_expected(1, 0), 1);
	assert_int_equal(page_expected(100, 0), 100);
	assert_int_equal(page_expected(250, 0), 100);
	assert_int_equal(page_expected(250, 100), 100);
	assert_int_equal(page_expected(250, 200), 50);
	assert_int_equal(page_expected(250, 300), 0);
	/* The pages of a list cover it exactly once. */
	for (long total = 0; total <= 1001; total += 37) {
		long sum = 0;
		for (long k = 0; k < page_count(total); k++)
			sum += page_expected(total, page_offset(k));
		assert_int_equal(sum, total);
		assert_int_equal(page_expected(total, page_offset(page_count(total))), 0);
	}
}

static void test_page_count(void **state)
{
	(void)state;
	assert_int_equal(page_count(0), 1);
	assert_int_equal(page_count(1), 1);
	assert_int_equal(page_count(100), 1);
	assert_int_equal(page_count(101), 2);
	assert_int_equal(page_count(250), 3);
	assert_int_equal(page_count(10000), 100);
}

static void test_merge_orders_and_deduplicates(void **state)
{
	(void)state;
	/* Pages arrived out of order; an insert shifted "c" into two pages. */
	const long pos[] = {100, 101, 0, 1, 2, 102};
	const char *const ids[] = {"c", "d", "a", "b", "c", "e"};
	size_t order[6];
	size_t kept = page_merge(pos, ids, 6, order);
	assert_int_equal(kept, 5);
	const char *want[] = {"a", "b", "c", "d", "e"};
	for (size_t i = 0; i < kept; i++)
		assert_string_equal(ids[order[i]], want[i]);
	assert_int_equal(order[2], 4); /* the first "c" in list order is kept */
	assert_int_equal(page_merge(NULL, NULL, 0, order), 0);
}

static void test_merge_many(void **state)
{
	(void)state;
	enum { N = 10000 };
	long *pos = malloc(N * sizeof(*pos));
	char **ids = malloc(N * sizeof(*ids));
	size_t *order = malloc(N * sizeof(*order));
	for (size_t i = 0; i < N; i++) {
		pos[i] = (long)((i * 7919) % N); /* a permutation */
		ids[i] = malloc(16);
		snprintf(ids[i], 16, "id-%ld", pos[i] % (N / 2));
	}
	size_t kept = page_merge(pos, (const char *const *)ids, N, order);
	assert_int_equal(kept, N / 2);
	for (size_t i = 1; i < kept; i++)
		assert_true(pos[order[i - 1]] < pos[order[i]]);
	for (size_t i = 0; i < N; i++)
		free(ids[i]);
	free(ids);
	free(pos);
	free(order);
}

static void test_page_decoding(void **state)
{
	(void)state;
	const char *body =
	    "{\"data\": {\"customers\": {\"totalCount\": 2, \"nodes\": ["
	    "{\"id\": \"c1\", \"externalId\": \"acme\", \"name\": \"Acme\", \"description\": \"\","
	    " \"labels\": [\"a\", null, \"b\"]},"
	    "{\"id\": \"c2\", \"externalId\": null, \"name\": \"Beta\", \"description\": null,"
	    " \"labels\": null}]}}}";
	struct jdoc *doc = NULL;
	const struct jval *data = NULL;
	struct error err = ERROR_INIT;
	assert_int_equal(
	    gql_decode_response(&doc, &data, 200, body, strlen(body), "customers", &err), 0);
	struct live_state *s = live_state_new();
	long total;
	size_t n;
	assert_int_equal(fetch_decode_page(s, FETCH_CUSTOMERS, data, &total, &n, &err), 0);
	assert_int_equal(total, 2);
	assert_int_equal(n, 2);
	assert_int_equal(s->customers_nr, 2);
	assert_string_equal(s->customers[0].external_id, "acme");
	assert_int_equal(s->customers[0].labels_nr, 2);
	assert_string_equal(s->customers[0].labels[1], "b");
	assert_null(s->customers[1].external_id);
	assert_string_equal(s->customers[1].description, "");
	jdoc_free(doc);
	live_state_free(s);

	/* More nodes than totalCount, and a bad node, are errors. */
	body = "{\"data\": {\"customers\": {\"totalCount\": 0, \"nodes\": [{\"id\": \"c1\"}]}}}";
	assert_int_equal(
	    gql_decode_response(&doc, &data, 200, body, strlen(body), "customers", &err), 0);
	s = live_state_new();
	assert_int_equal(fetch_decode_page(s, FETCH_CUSTOMERS, data, &total, &n, &err), ERR_API);
	assert_non_null(strstr(err.message, "more nodes than totalCount"));
	error_release(&err);
	jdoc_free(doc);
	live_state_free(s);

	body = "{\"data\": {\"instances\": {\"totalCount\": 1, \"nodes\": 3}}}";
	assert_int_equal(
	    gql_decode_response(&doc, &data, 200, body, strlen(body), "instances", &err), 0);
	s = live_state_new();
	assert_int_equal(fetch_decode_page(s, FETCH_INSTANCES, data, &total, &n, &err), ERR_API);
	assert_non_null(strstr(err.message, "nodes"));
	error_release(&err);
	jdoc_free(doc);
	live_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_offset_pages),
	    cmocka_unit_test(test_page_count),
	    cmocka_unit_test(test_merge_orders_and_deduplicates),
	    cmocka_unit_test(test_merge_many),
	    cmocka_unit_test(test_page_decoding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
