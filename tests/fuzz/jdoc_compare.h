/*
 * jdoc_compare.h - whether api/jdoc.c read a document as json-c reads it,
 * for the decoder's unit test and the response fuzz target (test code only:
 * static functions, included once by each).
 *
 * Equal means: the same types, numbers of the same value (json-c clamps
 * integers beyond int64 to its limits and reads doubles beyond range as
 * infinite), strings of the same bytes, arrays element by element, objects
 * with the same distinct keys (the last duplicate winning) and equal values.
 * An object with a key holding NUL is not comparable (json-c cuts the key):
 * it counts as equal.
 */
#ifndef PRISMSYNC_TEST_JDOC_COMPARE_H
#define PRISMSYNC_TEST_JDOC_COMPARE_H

#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../../api/jdoc.h"

static bool jdoc_same_as_jsonc(const struct jval *v, struct json_object *o)
{
	switch (jval_type(v)) {
	case JNULL:
		return json_object_is_type(o, json_type_null);
	case JBOOL:
		return json_object_is_type(o, json_type_boolean) &&
		       jval_bool(v) == (bool)json_object_get_boolean(o);
	case JNUMBER:
		if (jval_is_integer(v)) {
			int64_t n;
			if (!json_object_is_type(o, json_type_int))
				return false;
			if (jval_int64(v, &n))
				return n == json_object_get_int64(o);
			/* json-c clamps what does not fit int64 */
			return json_object_get_int64(o) ==
			       (jval_number_text(v)[0] == '-' ? INT64_MIN : INT64_MAX);
		} else {
			double d;
			if (!json_object_is_type(o, json_type_double))
				return false;
			if (!jval_double(v, &d))
				return isinf(json_object_get_double(o));
			return d == json_object_get_double(o);
		}
	case JSTRING:
		return json_object_is_type(o, json_type_string) &&
		       jval_strlen(v) == (size_t)json_object_get_string_len(o) &&
		       !memcmp(jval_str(v), json_object_get_string(o), jval_strlen(v));
	case JARRAY:
		if (!json_object_is_type(o, json_type_array) ||
		    jval_count(v) != json_object_array_length(o))
			return false;
		for (size_t i = 0; i < jval_count(v); i++)
			if (!jdoc_same_as_jsonc(jval_at(v, i), json_object_array_get_idx(o, i)))
				return false;
		return true;
	case JOBJECT: {
		size_t distinct = 0;
		if (!json_object_is_type(o, json_type_object))
			return false;
		for (size_t i = 0; i < jval_count(v); i++)
			if (strlen(jval_member(v, i)->key) != jval_member(v, i)->key_len)
				return true; /* json-c cuts keys at NUL: not comparable */
		for (size_t i = 0; i < jval_count(v); i++) {
			const struct jmember *m = jval_member(v, i);
			struct json_object *c = NULL;
			if (jval_getn(v, m->key, m->key_len) != &m->val)
				continue; /* a duplicate that a later one overrides */
			distinct++;
			if (!json_object_object_get_ex(o, m->key, &c) ||
			    !jdoc_same_as_jsonc(&m->val, c))
				return false;
		}
		return distinct == (size_t)json_object_object_length(o);
	}
	}
	return false;
}

/*
 * Where json-c 0.16 in strict mode is laxer than RFC 8259 (NaN, Infinity,
 * "1.", "-.4", leading zeros, raw control characters, overlong or surrogate
 * UTF-8):
 * the refusals json-c need not share.
 */
static bool jdoc_stricter_than_jsonc(const char *reason)
{
	static const char *const known[] = {
	    "leading zero in a number",       "digit expected after the decimal point",
	    "control character in a string",  "invalid utf-8 string",
	    "unexpected character",           "unexpected end of input",
	    "digit expected in the exponent", "number expected"}; /* json-c reads "-.4" */
	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
		if (strstr(reason, known[i]))
			return true;
	return false;
}

#endif
