#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../util/diag.h"
#include "../../util/error.h"

static void test_renders_position_line_and_caret(void **state)
{
	(void)state;
	static const char text[] = "version: 1\ncustomers:\n  - extrnalId: acme\n";
	struct diag_list l;
	struct buf out = BUF_INIT;
	diag_list_init(&l);
	diag_add_source(&l, "m.yaml", text, strlen(text));
	diag_error(&l, "m.yaml", 3, 5, "unknown key '%s'", "extrnalId");
	diag_render(&l, &out, false);
	assert_string_equal(out.data, "m.yaml:3:5: error: unknown key 'extrnalId'\n"
	                              "    3 |   - extrnalId: acme\n"
	                              "      |     ^\n");
	assert_int_equal(l.errors, 1);
	buf_release(&out);
	diag_list_release(&l);
}

static void test_caret_follows_tabs_and_multibyte(void **state)
{
	(void)state;
	static const char text[] = "a:\n\tb: \xc3\xa9t\xc3\xa9 x\n";
	struct diag_list l;
	struct buf out = BUF_INIT;
	diag_list_init(&l);
	diag_add_source(&l, "t.yaml", text, strlen(text));
	diag_warning(&l, "t.yaml", 2, 9, "here");
	diag_render(&l, &out, false);
	assert_string_equal(out.data, "t.yaml:2:9: warning: here\n"
	                              "    2 | \tb: \xc3\xa9t\xc3\xa9 x\n"
	                              "      | \t       ^\n");
	buf_release(&out);
	diag_list_release(&l);
}

static void test_sorted_by_file_then_position(void **state)
{
	(void)state;
	struct diag_list l;
	struct buf out = BUF_INIT;
	diag_list_init(&l);
	diag_add_source(&l, "m.yaml", "", 0);
	diag_error(&l, "def.yml", 1, 1, "d");
	diag_error(&l, "m.yaml", 9, 2, "c");
	diag_error(&l, "m.yaml", 2, 7, "b");
	diag_error(&l, "m.yaml", 2, 3, "a");
	diag_sort(&l);
	diag_render(&l, &out, false);
	assert_string_equal(out.data, "m.yaml:2:3: error: a\n"
	                              "m.yaml:2:7: error: b\n"
	                              "m.yaml:9:2: error: c\n"
	                              "def.yml:1:1: error: d\n");
	buf_release(&out);
	diag_list_release(&l);
}

static void test_long_line_is_cut_around_column(void **state)
{
	(void)state;
	char text[1001];
	memset(text, 'x', 1000);
	text[1000] = '\0';
	text[700] = 'Y';
	struct diag_list l;
	struct buf out = BUF_INIT;
	diag_list_init(&l);
	diag_add_source(&l, "l.yaml", text, 1000);
	diag_error(&l, "l.yaml", 1, 701, "at Y");
	diag_render(&l, &out, false);
	const char *line = strchr(out.data, '\n') + 1;
	const char *caret = strchr(line, '\n') + 1;
	assert_true(strcspn(line, "\n") < 200);
	/* The caret sits under the Y. */
	size_t y = (size_t)(strchr(line, 'Y') - line);
	assert_int_equal(caret[y], '^');
	buf_release(&out);
	diag_list_release(&l);
}

static void test_text_is_copied_once_a_diagnostic_exists(void **state)
{
	(void)state;
	char text[] = "key: value\n";
	struct diag_list l;
	struct buf out = BUF_INIT;
	diag_list_init(&l);
	diag_add_source(&l, "c.yaml", text, strlen(text));
	diag_error(&l, "c.yaml", 1, 6, "bad value");
	memset(text, '#', strlen(text) - 1);
	diag_render(&l, &out, false);
	assert_non_null(strstr(out.data, "key: value"));
	buf_release(&out);
	diag_list_release(&l);
}

/* A secret the run registered never survives into an error message, however often it appears. */
static void test_errors_redact_registered_secrets(void **state)
{
	(void)state;
	struct error err = ERROR_INIT;
	error_add_secret("hunter2-pw");
	error_add_secret("dact"); /* inside the mark itself: must not loop */
	error_add_secret("abc");  /* too short to register */
	error_set(&err, ERR_API,
	          "createInstance: input 'password' got invalid value hunter2-pw (was hunter2-pw), "
	          "abc");
	assert_null(strstr(err.message, "hunter2-pw"));
	assert_string_equal(err.message, "createInstance: input 'password' got invalid value "
	                                 "[redacted] (was [redacted]), abc");
	error_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_renders_position_line_and_caret),
	    cmocka_unit_test(test_errors_redact_registered_secrets),
	    cmocka_unit_test(test_caret_follows_tabs_and_multibyte),
	    cmocka_unit_test(test_sorted_by_file_then_position),
	    cmocka_unit_test(test_long_line_is_cut_around_column),
	    cmocka_unit_test(test_text_is_copied_once_a_diagnostic_exists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
