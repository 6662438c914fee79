#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../util/arena.h"
#include "../../util/buf.h"
#include "../../util/error.h"

static void test_empty_buffer_is_a_valid_string(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	buf_release(&b);
	assert_string_equal(b.data, "");
}

static void test_appends_and_formats(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "plan: "), 0);
	assert_int_equal(buf_addf(&b, "%d to %s", 3, "create"), 0);
	assert_int_equal(buf_addch(&b, '.'), 0);
	assert_string_equal(b.data, "plan: 3 to create.");
	assert_int_equal(b.len, strlen("plan: 3 to create."));
	for (int i = 0; i < 10000; i++)
		buf_addch(&b, 'x');
	assert_int_equal(b.len, 18 + 10000);
	assert_int_equal(b.data[b.len], '\0');
	buf_release(&b);
}

static void test_cap_refuses_and_keeps_contents(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "12345"), 0);
	assert_int_equal(buf_adds(&b, "6789"), ERR_TOO_LARGE);
	assert_string_equal(b.data, "12345");
	assert_int_equal(buf_addf(&b, "%s", "abcd"), ERR_TOO_LARGE);
	assert_int_equal(buf_addchn(&b, 'z', 4), ERR_TOO_LARGE);
	assert_int_equal(buf_adds(&b, "678"), 0);
	assert_string_equal(b.data, "12345678");
	assert_int_equal(buf_addch(&b, '9'), ERR_TOO_LARGE);
	buf_release(&b);
	assert_int_equal(b.max, 8);
}

static void test_detach_hands_over_ownership(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	size_t len;
	char *empty = buf_detach(&b, &len);
	assert_string_equal(empty, "");
	assert_int_equal(len, 0);
	free(empty);
	buf_adds(&b, "owned");
	char *s = buf_detach(&b, &len);
	assert_string_equal(s, "owned");
	assert_int_equal(len, 5);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	free(s);
}

static void test_arena_zeroed_and_aligned(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	for (int i = 1; i < 5000; i++) {
		unsigned char *p = arena_alloc(&a, (size_t)(i % 97) + 1);
		assert_int_equal((uintptr_t)p % 8, 0);
		assert_int_equal((uintptr_t)p % _Alignof(double), 0);
		for (int k = 0; k < (i % 97) + 1; k++)
			assert_int_equal(p[k], 0);
		memset(p, 0xab, (size_t)(i % 97) + 1);
	}
	char *big = arena_alloc(&a, 1 << 20);
	big[(1 << 20) - 1] = 1;
	assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
	arena_release(&a);
	assert_null(a.head);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_buffer_is_a_valid_string),
	    cmocka_unit_test(test_appends_and_formats),
	    cmocka_unit_test(test_cap_refuses_and_keeps_contents),
	    cmocka_unit_test(test_detach_hands_over_ownership),
	    cmocka_unit_test(test_arena_zeroed_and_aligned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
