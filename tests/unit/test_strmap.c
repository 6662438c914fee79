/*
 * Unit tests of util/strmap.c (the hash map), util/sort.c (the sort with a
 * context) and arena_alloc_array().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../util/arena.h"
#include "../../util/sort.h"
#include "../../util/strmap.h"

static void test_empty_map(void **state)
{
	(void)state;
	struct strmap m = STRMAP_INIT;
	size_t pos = 0;
	assert_null(strmap_get(&m, "a"));
	assert_false(strmap_contains(&m, "a"));
	assert_null(strmap_get(&m, NULL));
	assert_null(strmap_next(&m, &pos));
	assert_false(strmap_add(&m, NULL, &m));
	assert_int_equal(m.nr, 0);
	strmap_release(&m);
}

/* Many keys through several rehashes: every one found, with its own value, none invented. */
static void test_many_keys(void **state)
{
	(void)state;
	enum { N = 20000 };
	static char keys[N][16];
	struct strmap m;
	strmap_init(&m);
	for (int i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "key-%d", i);
		assert_true(strmap_add(&m, keys[i], &keys[i]));
	}
	assert_int_equal(m.nr, N);
	assert_true(m.size >= 2 * (size_t)N);
	for (int i = 0; i < N; i++) {
		char probe[16];
		snprintf(probe, sizeof(probe), "key-%d", i); /* equal, not the same pointer */
		assert_ptr_equal(strmap_get(&m, probe), &keys[i]);
	}
	assert_null(strmap_get(&m, "key-20000"));
	assert_null(strmap_get(&m, "key-"));
	assert_null(strmap_get(&m, ""));

	size_t pos = 0, seen = 0;
	for (const struct strmap_entry *e; (e = strmap_next(&m, &pos));) {
		assert_ptr_equal(e->value, (void *)e->key);
		seen++;
	}
	assert_int_equal(seen, N);
	strmap_release(&m);
	assert_int_equal(m.nr, 0);
	assert_null(strmap_get(&m, "key-1"));
}

static void test_add_keeps_first_put_replaces(void **state)
{
	(void)state;
	struct strmap m;
	int one = 1, two = 2, three = 3;
	char k1[] = "same", k2[] = "same";
	strmap_init_size(&m, 3);
	assert_true(strmap_add(&m, k1, &one));
	assert_false(strmap_add(&m, k2, &two));
	assert_ptr_equal(strmap_get(&m, "same"), &one);
	assert_ptr_equal(strmap_put(&m, k2, &three), &one);
	assert_ptr_equal(strmap_get(&m, "same"), &three);
	assert_null(strmap_put(&m, "other", &two));
	assert_int_equal(m.nr, 2);
	/* A stored NULL value is present but reads as NULL. */
	assert_true(strmap_add(&m, "nothing", NULL));
	assert_true(strmap_contains(&m, "nothing"));
	assert_null(strmap_get(&m, "nothing"));
	strmap_release(&m);
}

/* Sorting by a key held outside the elements, without a global. */
struct rec {
	int key;
	int seq;
};

static int by_key_of(const void *a, const void *b, void *ctx)
{
	const int *weights = ctx;
	int wa = weights[((const struct rec *)a)->key], wb = weights[((const struct rec *)b)->key];
	return (wa > wb) - (wa < wb);
}

static void test_sort_ctx_stable(void **state)
{
	(void)state;
	enum { N = 1000 };
	static struct rec r[N];
	int weights[7] = {6, 5, 4, 3, 2, 1, 0}; /* sorts keys in descending order */
	unsigned seed = 12345;
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		r[i].key = (int)((seed >> 16) % 7);
		r[i].seq = i;
	}
	sort_ctx(r, N, sizeof(r[0]), by_key_of, weights);
	for (int i = 1; i < N; i++) {
		assert_true(r[i - 1].key >= r[i].key);
		if (r[i - 1].key == r[i].key)
			assert_true(r[i - 1].seq < r[i].seq); /* equal keys keep their order */
	}
	/* Every element is still there once. */
	int count[N] = {0};
	for (int i = 0; i < N; i++)
		count[r[i].seq]++;
	for (int i = 0; i < N; i++)
		assert_int_equal(count[i], 1);
}

static int by_int(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void test_sort_small_and_sorted(void **state)
{
	(void)state;
	int none[1] = {7};
	sort_ctx(none, 0, sizeof(int), by_int, NULL);
	sort_ctx(none, 1, sizeof(int), by_int, NULL);
	assert_int_equal(none[0], 7);
	int three[3] = {3, 1, 2};
	sort_ctx(three, 3, sizeof(int), by_int, NULL);
	assert_int_equal(three[0], 1);
	assert_int_equal(three[1], 2);
	assert_int_equal(three[2], 3);
	int up[100], down[100];
	for (int i = 0; i < 100; i++) {
		up[i] = i;
		down[i] = 99 - i;
	}
	sort_ctx(up, 100, sizeof(int), by_int, NULL);
	sort_ctx(down, 100, sizeof(int), by_int, NULL);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(up[i], i);
		assert_int_equal(down[i], i);
	}
}

static void test_arena_alloc_array(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	size_t *v = arena_alloc_array(&a, 1000, sizeof(*v));
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(v[i], 0);
	v[999] = 1;
	arena_release(&a);
}

/* n * size that overflows aborts instead of returning a short block. */
static void test_arena_alloc_array_overflow(void **state)
{
	(void)state;
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct arena a = ARENA_INIT;
		if (!freopen("/dev/null", "w", stderr))
			_exit(3);
		(void)arena_alloc_array(&a, SIZE_MAX / 8 + 2, 8);
		_exit(0); /* reached only when the overflow went unnoticed */
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_false(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_map),
	    cmocka_unit_test(test_many_keys),
	    cmocka_unit_test(test_add_keeps_first_put_replaces),
	    cmocka_unit_test(test_sort_ctx_stable),
	    cmocka_unit_test(test_sort_small_and_sorted),
	    cmocka_unit_test(test_arena_alloc_array),
	    cmocka_unit_test(test_arena_alloc_array_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
