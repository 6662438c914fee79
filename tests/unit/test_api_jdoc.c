/*
 * The decoder of answers (api/jdoc.c): what it accepts, what it refuses and
 * where, and, over every .json file of the source tree and the response fuzz
 * corpus, that it reads what json-c reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../api/gql.h"
#include "../../api/jdoc.h"
#include "../../util/strutil.h"
#include "../fuzz/jdoc_compare.h"

static struct jdoc *parse_ok(const char *text, size_t len)
{
	struct jdoc *doc = NULL;
	struct error err = ERROR_INIT;
	if (jdoc_parse(&doc, text, len, "t", &err))
		fail_msg("'%.*s' refused: %s", (int)len, text, err.message);
	error_release(&err);
	return doc;
}

static void expect_refused(const char *text, const char *message)
{
	struct jdoc *doc = NULL;
	struct error err = ERROR_INIT;
	assert_int_equal(jdoc_parse(&doc, text, strlen(text), "t", &err), ERR_PARSE);
	assert_null(doc);
	if (strcmp(err.message, message))
		fail_msg("'%s': got '%s', want '%s'", text, err.message, message);
	error_release(&err);
}

static void test_values(void **state)
{
	(void)state;
	const char text[] =
	    " {\"a\": [1, -2.5e3, true, false, null, \"x\\ty\"], \"b\": {}, \"c\": []}\n";
	struct jdoc *doc = parse_ok(text, sizeof(text) - 1);
	const struct jval *root = jdoc_root(doc), *a = jval_get(root, "a");
	assert_int_equal(jval_type(root), JOBJECT);
	assert_int_equal(jval_count(root), 3);
	assert_string_equal(jval_member(root, 1)->key, "b");
	assert_int_equal(jval_count(a), 6);
	int64_t n = 0;
	double d = 0;
	assert_true(jval_int64(jval_at(a, 0), &n));
	assert_int_equal(n, 1);
	assert_false(jval_int64(jval_at(a, 1), &n));
	assert_true(jval_double(jval_at(a, 1), &d));
	assert_true(d == -2500.0);
	assert_string_equal(jval_number_text(jval_at(a, 1)), "-2.5e3");
	assert_true(jval_bool(jval_at(a, 2)));
	assert_true(jval_is(jval_at(a, 3), JBOOL) && !jval_bool(jval_at(a, 3)));
	assert_int_equal(jval_type(jval_at(a, 4)), JNULL);
	assert_true(jval_is(jval_at(a, 4), JNULL));
	assert_string_equal(jval_str(jval_at(a, 5)), "x\ty");
	assert_null(jval_at(a, 6));
	assert_int_equal(jval_type(jval_get(root, "b")), JOBJECT);
	assert_int_equal(jval_count(jval_get(root, "c")), 0);
	assert_null(jval_get(root, "missing"));
	assert_null(jval_get(a, "a")); /* not an object */
	assert_int_equal(jval_type(jval_get(root, "missing")), JNULL);
	jdoc_free(doc);
	jdoc_free(NULL);

	doc = parse_ok("\"top\"", 5);
	assert_string_equal(jval_str(jdoc_root(doc)), "top");
	jdoc_free(doc);
	doc = parse_ok("0", 1);
	assert_true(jval_int64(jdoc_root(doc), &n) && n == 0);
	jdoc_free(doc);
}

/* Every refusal names the line and column of the byte at fault. */
static void test_refusals_and_positions(void **state)
{
	(void)state;
	expect_refused("{\"a\": 1,}", "t: invalid JSON at line 1, column 9: quoted object property "
	                              "name expected");
	expect_refused("[1,]", "t: invalid JSON at line 1, column 4: unexpected character");
	expect_refused("[1 2]", "t: invalid JSON at line 1, column 4: array value separator ',' "
	                        "expected");
	expect_refused("{\"a\" 1}", "t: invalid JSON at line 1, column 6: object property name "
	                            "separator ':' expected");
	expect_refused("{\"a\":1 \"b\":2}", "t: invalid JSON at line 1, column 8: object value "
	                                    "separator ',' expected");
	expect_refused("{\n  \"a\": 01\n}", "t: invalid JSON at line 2, column 9: leading zero "
	                                    "in a number");
	expect_refused("-01", "t: invalid JSON at line 1, column 3: leading zero in a number");
	expect_refused("1.", "t: invalid JSON at line 1, column 3: unexpected end of input");
	expect_refused("[1.]", "t: invalid JSON at line 1, column 4: digit expected after the "
	                       "decimal point");
	expect_refused("[1e]", "t: invalid JSON at line 1, column 4: digit expected in the "
	                       "exponent");
	expect_refused(".5", "t: invalid JSON at line 1, column 1: unexpected character");
	expect_refused("+1", "t: invalid JSON at line 1, column 1: unexpected character");
	expect_refused("NaN", "t: invalid JSON at line 1, column 1: unexpected character");
	expect_refused("[Infinity]", "t: invalid JSON at line 1, column 2: unexpected character");
	expect_refused("[-]", "t: invalid JSON at line 1, column 3: number expected");
	expect_refused("tru", "t: invalid JSON at line 1, column 4: unexpected end of input");
	expect_refused("trUe", "t: invalid JSON at line 1, column 3: unexpected character");
	expect_refused("/* c */ 1", "t: invalid JSON at line 1, column 1: unexpected character");
	expect_refused("// c\n1", "t: invalid JSON at line 1, column 1: unexpected character");
	expect_refused("'a'", "t: invalid JSON at line 1, column 1: unexpected character");
	expect_refused("[1]x", "t: invalid JSON at line 1, column 4: unexpected data after the "
	                       "value");
	expect_refused("1 2", "t: invalid JSON at line 1, column 3: unexpected data after the "
	                      "value");
	expect_refused("  \n ", "t: invalid JSON at line 2, column 2: unexpected end of input");
	expect_refused("{\"a\": [1, 2", "t: invalid JSON at line 1, column 12: unexpected end of "
	                                "input");
	expect_refused("\"a\tb\"", "t: invalid JSON at line 1, column 3: control character in a "
	                           "string");
	expect_refused("\"a\nb\"", "t: invalid JSON at line 1, column 3: control character in a "
	                           "string");
	expect_refused("\"\\x\"", "t: invalid JSON at line 1, column 3: invalid string sequence");
	expect_refused("\"\\u12g4\"", "t: invalid JSON at line 1, column 4: invalid string "
	                              "sequence");
	expect_refused("\"\\u12", "t: invalid JSON at line 1, column 6: unexpected end of input");
	expect_refused("\"abc", "t: invalid JSON at line 1, column 5: unexpected end of input");
	expect_refused("\"\xff\"", "t: invalid JSON at line 1, column 2: invalid utf-8 string");
	expect_refused("\"\xc0\x80\"", "t: invalid JSON at line 1, column 2: invalid utf-8 "
	                               "string"); /* overlong NUL */
	expect_refused("\"\xed\xa0\x80\"", "t: invalid JSON at line 1, column 2: invalid utf-8 "
	                                   "string"); /* an encoded surrogate */
	expect_refused("\"\xe2\x82\"", "t: invalid JSON at line 1, column 2: invalid utf-8 string");
	expect_refused("\xef\xbb\xbf{}", "t: invalid JSON at line 1, column 1: unexpected "
	                                 "character"); /* no byte order mark */

	struct jdoc *doc = NULL;
	struct error err = ERROR_INIT;
	assert_int_equal(jdoc_parse(&doc, "", 0, "customers", &err), ERR_PARSE);
	assert_string_equal(err.message, "customers: empty body where JSON was expected");
	error_release(&err);
	assert_int_equal(jdoc_parse(&doc, "1", (size_t)INT32_MAX, "customers", &err),
	                 ERR_TOO_LARGE);
	error_release(&err);
	assert_null(doc);
}

static char *nested(int levels, const char *open, const char *inner, const char *close)
{
	size_t n = strlen(open) * (size_t)levels + strlen(inner) + strlen(close) * (size_t)levels;
	char *s = malloc(n + 1), *p = s;
	for (int i = 0; i < levels; i++)
		p += sprintf(p, "%s", open);
	p += sprintf(p, "%s", inner);
	for (int i = 0; i < levels; i++)
		p += sprintf(p, "%s", close);
	return s;
}

/* As json-c with depth 64: 64 levels of values, the scalar inside counted. */
static void test_depth(void **state)
{
	(void)state;
	char *s = nested(64, "[", "", "]");
	jdoc_free(parse_ok(s, strlen(s)));
	free(s);
	s = nested(63, "[", "1", "]");
	jdoc_free(parse_ok(s, strlen(s)));
	free(s);
	s = nested(63, "{\"a\":", "1", "}");
	jdoc_free(parse_ok(s, strlen(s)));
	free(s);
	s = nested(64, "[", "1", "]");
	expect_refused(s, "t: invalid JSON at line 1, column 65: nesting too deep");
	free(s);
	s = nested(65, "[", "", "]");
	expect_refused(s, "t: invalid JSON at line 1, column 65: nesting too deep");
	free(s);
	s = nested(64, "{\"a\":", "1", "}");
	expect_refused(s, "t: invalid JSON at line 1, column 321: nesting too deep");
	free(s);
	s = nested(100000, "[", "", "]"); /* no recursion: no stack to run out of */
	expect_refused(s, "t: invalid JSON at line 1, column 65: nesting too deep");
	free(s);
}

static void test_strings(void **state)
{
	(void)state;
	static const char text[] =
	    "[\"a\\u0000b\", \"\\ud83d\\ude00\", \"\\ud800\", \"\\udc00x\","
	    " \"\\ud800\\u0041\", \"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\xc3\xa9\xe2\x82\xac"
	    "\xf0\x9f\x98\x80\", \"\x7f\", \"\\u00e9\\u20AC\"]";
	struct jdoc *doc = parse_ok(text, sizeof(text) - 1);
	const struct jval *a = jdoc_root(doc);
	assert_int_equal(jval_strlen(jval_at(a, 0)), 3);
	assert_memory_equal(jval_str(jval_at(a, 0)), "a\0b", 4);
	assert_string_equal(jval_str(jval_at(a, 1)), "\xf0\x9f\x98\x80");
	assert_string_equal(jval_str(jval_at(a, 2)), "\xef\xbf\xbd");  /* lone high: U+FFFD */
	assert_string_equal(jval_str(jval_at(a, 3)), "\xef\xbf\xbdx"); /* lone low */
	assert_string_equal(jval_str(jval_at(a, 4)), "\xef\xbf\xbd"
	                                             "A");
	assert_string_equal(jval_str(jval_at(a, 5)), "\"\\/\b\f\n\r\t");
	assert_string_equal(jval_str(jval_at(a, 6)), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	assert_string_equal(jval_str(jval_at(a, 7)), "\x7f");
	assert_string_equal(jval_str(jval_at(a, 8)), "\xc3\xa9\xe2\x82\xac");
	assert_null(jval_str(jval_at(a, 9)));
	jdoc_free(doc);

	/* A key with NUL is found only by its exact length. */
	static const char keys[] = "{\"k\\u0000x\": 1, \"k\": 2}";
	doc = parse_ok(keys, sizeof(keys) - 1);
	int64_t n = 0;
	assert_true(jval_int64(jval_getn(jdoc_root(doc), "k\0x", 3), &n) && n == 1);
	assert_true(jval_int64(jval_get(jdoc_root(doc), "k"), &n) && n == 2);
	assert_int_equal(jval_member(jdoc_root(doc), 0)->key_len, 3);
	jdoc_free(doc);
}

/* Whatever its place in a long run of plain bytes, an escape, a control character or UTF-8 is seen.
 */
static void test_specials_in_long_strings(void **state)
{
	(void)state;
	for (size_t at = 0; at < 24; at++) {
		char text[160], want[64];
		struct jdoc *doc;
		memset(want, 'a', 30);
		want[30] = '\0';
		snprintf(text, sizeof(text), "\"%.*s\\n%s\"", (int)at, want, want + at);
		doc = parse_ok(text, strlen(text));
		assert_int_equal(jval_strlen(jdoc_root(doc)), 31);
		assert_int_equal(jval_str(jdoc_root(doc))[at], '\n');
		assert_int_equal(strspn(jval_str(jdoc_root(doc)), "a\n"), 31);
		jdoc_free(doc);

		memset(want, 'a', 30);
		snprintf(text, sizeof(text), "\"%.*s\xc3\xa9%s\"", (int)at, want, want + at + 1);
		doc = parse_ok(text, strlen(text));
		assert_int_equal(jval_strlen(jdoc_root(doc)), 31);
		assert_memory_equal(jval_str(jdoc_root(doc)) + at, "\xc3\xa9", 2);
		jdoc_free(doc);

		snprintf(text, sizeof(text), "\"%.*s\x01%s\"", (int)at, want, want + at + 1);
		struct error err = ERROR_INIT;
		doc = NULL;
		assert_int_equal(jdoc_parse(&doc, text, strlen(text), "t", &err), ERR_PARSE);
		char where[64];
		snprintf(where, sizeof(where), "column %zu: control character", at + 2);
		assert_non_null(strstr(err.message, where));
		error_release(&err);
	}
}

static void test_numbers(void **state)
{
	(void)state;
	static const char text[] = "[9223372036854775807, -9223372036854775808, "
	                           "9223372036854775808, -9223372036854775809, -0, 1e400, "
	                           "-1e400, 1e-400, 1.7976931348623157e308, 4.9e-324, 0.5, 10E+2,"
	                           " 12345678901234567890123]";
	struct jdoc *doc = parse_ok(text, sizeof(text) - 1);
	const struct jval *a = jdoc_root(doc);
	int64_t n = 0;
	double d = 0;
	assert_true(jval_int64(jval_at(a, 0), &n) && n == INT64_MAX);
	assert_true(jval_int64(jval_at(a, 1), &n) && n == INT64_MIN);
	assert_false(jval_int64(jval_at(a, 2), &n));
	assert_false(jval_int64(jval_at(a, 3), &n));
	assert_true(jval_int64(jval_at(a, 4), &n) && n == 0);
	assert_false(jval_double(jval_at(a, 5), &d)); /* beyond a double */
	assert_false(jval_double(jval_at(a, 6), &d));
	assert_true(jval_double(jval_at(a, 7), &d) && d == 0.0);
	assert_true(jval_double(jval_at(a, 8), &d) && d == 1.7976931348623157e308);
	assert_true(jval_double(jval_at(a, 9), &d) && d > 0);
	assert_true(jval_double(jval_at(a, 10), &d) && d == 0.5);
	assert_false(jval_int64(jval_at(a, 10), &n));
	assert_false(jval_is_integer(jval_at(a, 11)));
	assert_true(jval_double(jval_at(a, 11), &d) && d == 1000.0);
	assert_true(jval_double(jval_at(a, 2), &d) && d == 9223372036854775808.0);
	assert_false(jval_int64(jval_at(a, 12), &n));
	assert_false(jval_int64(jval_at(a, 13), &n)); /* no such element */
	assert_false(jval_double(jval_get(a, "x"), &d));
	jdoc_free(doc);
}

/* Today's reading of duplicate keys (json-c's): the last one wins on lookup. */
static void test_duplicate_keys(void **state)
{
	(void)state;
	static const char text[] = "{\"a\": 1, \"b\": 2, \"a\": 3}";
	struct jdoc *doc = parse_ok(text, sizeof(text) - 1);
	int64_t n = 0;
	assert_true(jval_int64(jval_get(jdoc_root(doc), "a"), &n) && n == 3);
	assert_int_equal(jval_count(jdoc_root(doc)), 3);
	jdoc_free(doc);
}

/* ---- the differential check against json-c ---- */

/* json-c as gql_parse_json() uses it: 0 and *out, or -1. */
static int jsonc_parse(struct json_object **out, const char *text, size_t len)
{
	struct error err = ERROR_INIT;
	int rc = gql_parse_json(out, text, len, "t", &err);
	error_release(&err);
	return rc ? -1 : 0;
}

static size_t compared, agreed_refusals;

static void differ(const char *name, const char *text, size_t len, bool lax_allowed)
{
	struct jdoc *doc = NULL;
	struct json_object *o = NULL;
	struct error err = ERROR_INIT;
	int mine = jdoc_parse(&doc, text, len, "t", &err);
	int theirs = jsonc_parse(&o, text, len);
	compared++;
	if (!mine && !theirs) {
		if (!jdoc_same_as_jsonc(jdoc_root(doc), o))
			fail_msg("%s: both accept it, with different values", name);
	} else if (mine && theirs) {
		agreed_refusals++;
	} else if (!mine && jval_type(jdoc_root(doc)) == JNULL) {
		/* json-c gives NULL for a top-level null, which gql_parse_json() took for failure
		 */
	} else if (!mine) {
		fail_msg("%s: accepted, but json-c refuses it", name);
	} else if (!lax_allowed || !jdoc_stricter_than_jsonc(err.message)) {
		fail_msg("%s: refused (%s), but json-c accepts it", name, err.message);
	}
	error_release(&err);
	jdoc_free(doc);
	json_object_put(o);
}

static void walk(const char *dir, bool all_files, size_t *files)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		fail_msg("cannot read %s", dir);
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "node_modules"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(path, all_files, files);
			continue;
		}
		size_t n = strlen(e->d_name);
		if (!all_files && (n < 5 || strcmp(e->d_name + n - 5, ".json")))
			continue;
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		char *text = malloc((size_t)st.st_size + 1);
		size_t len = fread(text, 1, (size_t)st.st_size, f);
		fclose(f);
		if (len) {
			(*files)++;
			/* Fuzz inputs start with a selector byte; the rest is the body. */
			differ(path, text, len, all_files);
			if (all_files && len > 1)
				differ(path, text + 1, len - 1, true);
		}
		free(text);
	}
	closedir(d);
}

static void test_same_as_jsonc(void **state)
{
	(void)state;
	const char *src = getenv("PRISMSYNC_SOURCE");
	char dir[4096];
	size_t json_files = 0, fuzz_files = 0;
	if (!src || !*src)
		fail_msg("PRISMSYNC_SOURCE is not set (ctest sets it)");
	snprintf(dir, sizeof(dir), "%s/tests", src);
	walk(dir, false, &json_files);
	snprintf(dir, sizeof(dir), "%s/testdata", src);
	walk(dir, false, &json_files);
	snprintf(dir, sizeof(dir), "%s/testdata/fuzz/response", src);
	walk(dir, true, &fuzz_files);
	print_message("compared %zu documents (%zu .json files, %zu fuzz inputs); %zu refused by "
	              "both\n",
	              compared, json_files, fuzz_files, agreed_refusals);
	assert_true(json_files >= 20);
	assert_true(fuzz_files >= 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values),        cmocka_unit_test(test_refusals_and_positions),
	    cmocka_unit_test(test_depth),         cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_numbers),       cmocka_unit_test(test_duplicate_keys),
	    cmocka_unit_test(test_same_as_jsonc), cmocka_unit_test(test_specials_in_long_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
