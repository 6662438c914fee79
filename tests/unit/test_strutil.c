#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../util/error.h"
#include "../../util/sha256.h"
#include "../../util/strutil.h"

static void test_parse_long(void **state)
{
	(void)state;
	long v = -1;
	assert_int_equal(parse_long("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_long("-3", -5, 5, &v), 0);
	assert_int_equal(v, -3);
	v = 7;
	assert_int_equal(parse_long("", 0, 100, &v), ERR_INVALID);
	assert_int_equal(parse_long(" 1", 0, 100, &v), ERR_INVALID);
	assert_int_equal(parse_long("1x", 0, 100, &v), ERR_INVALID);
	assert_int_equal(parse_long("101", 0, 100, &v), ERR_TOO_LARGE);
	assert_int_equal(parse_long("99999999999999999999999", 0, 100, &v), ERR_TOO_LARGE);
	assert_int_equal(v, 7);
}

static void test_nearest_word(void **state)
{
	(void)state;
	static const char *const keys[] = {"externalId", "name", "description", "labels"};
	assert_string_equal(nearest_word("extrnalId", keys, 4), "externalId");
	assert_string_equal(nearest_word("externalID", keys, 4), "externalId");
	assert_string_equal(nearest_word("lables", keys, 4), "labels");
	assert_string_equal(nearest_word("descripton", keys, 4), "description");
	assert_null(nearest_word("customer", keys, 4));
	assert_null(nearest_word("x", keys, 4));
	assert_int_equal(edit_distance("ab", "ba"), 1);
	assert_int_equal(edit_distance("", "abc"), 3);
}

static void test_path_normalize(void **state)
{
	(void)state;
	char *p;
	assert_string_equal(p = path_normalize_relative("integrations/a.yml"),
	                    "integrations/a.yml");
	free(p);
	assert_string_equal(p = path_normalize_relative("./x//y/../z.yml"), "x/z.yml");
	free(p);
	assert_string_equal(p = path_normalize_relative("a/../b.yml"), "b.yml");
	free(p);
	assert_null(path_normalize_relative("../b.yml"));
	assert_null(path_normalize_relative("a/../../b.yml"));
	assert_null(path_normalize_relative("/etc/passwd"));
	assert_null(path_normalize_relative(""));
	assert_null(path_normalize_relative("./"));
	assert_string_equal(p = path_join(".", "x.yml"), "x.yml");
	free(p);
	assert_string_equal(p = path_join("dir/", "x.yml"), "dir/x.yml");
	free(p);
	assert_string_equal(p = path_dirname("a/b/c.yaml"), "a/b");
	free(p);
	assert_string_equal(p = path_dirname("c.yaml"), ".");
	free(p);
}

static void test_sha256_known_answers(void **state)
{
	(void)state;
	char hex[65];
	sha256_hex("", 0, hex);
	assert_string_equal(hex,
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(two_blocks, strlen(two_blocks), hex);
	assert_string_equal(hex,
	                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* Fed in pieces, the digest is the same. */
	struct sha256 s;
	unsigned char d[32];
	sha256_init(&s);
	for (size_t i = 0; i < strlen(two_blocks); i++)
		sha256_update(&s, two_blocks + i, 1);
	sha256_final(&s, d);
	assert_int_equal(d[0], 0x24);
	assert_int_equal(d[31], 0xc1);
}

/* Two pairs are one key only when both halves are equal: the separator cannot shift. */
static void test_pair_key(void **state)
{
	(void)state;
	char *a = str_pair_key("acme", "Orders"), *b = str_pair_key("acm", "eOrders");
	assert_string_equal(a, "acme\x1fOrders");
	assert_string_not_equal(a, b);
	assert_int_equal(str_pair_key_size("acme", "Orders"), strlen(a) + 1);
	char buf[16];
	assert_ptr_equal(str_pair_key_into(buf, "", ""), buf);
	assert_string_equal(buf, "\x1f");
	free(a);
	free(b);
}

static void test_utf8_valid(void **state)
{
	(void)state;
	static const char ok[] = "plain ASCII, long enough for the fast path \xc3\xa9t\xc3\xa9 "
	                         "\xe2\x82\xac \xf0\x9f\x98\x80 \xed\x9f\xbf \xf4\x8f\xbf\xbf";
	assert_true(utf8_valid(ok, sizeof(ok) - 1));
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("a\0b", 3));
	static const char *const bad[] = {
	    "\x80",             /* a continuation byte alone */
	    "abcdefgh\xc3",     /* cut short, after a full ASCII word */
	    "\xc0\xaf",         /* overlong '/' */
	    "\xe0\x80\xaf",     /* overlong, three bytes */
	    "\xed\xa0\x80",     /* a surrogate */
	    "\xf4\x90\x80\x80", /* above U+10FFFF */
	    "\xf8\x88\x80\x80", /* five-byte lead */
	    "\xe2\x28\xa1",     /* bad second byte */
	    "\xe2\x82\x28",     /* bad third byte */
	    "0123456789abcdef\xff",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(utf8_valid(bad[i], strlen(bad[i])));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_long),     cmocka_unit_test(test_nearest_word),
	    cmocka_unit_test(test_path_normalize), cmocka_unit_test(test_sha256_known_answers),
	    cmocka_unit_test(test_utf8_valid),     cmocka_unit_test(test_pair_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
