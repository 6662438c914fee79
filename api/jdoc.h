/*
 * jdoc.h - a strict, one-pass JSON decoder for the answers of the API.
 *
 * A struct jdoc owns every value of one parsed document: they live in its
 * arena and are freed together by jdoc_free(), with no per-value free.
 * Every `const struct jval *` handed out by this module is borrowed from its
 * jdoc and valid until that jdoc is freed; strings are NUL terminated copies
 * (their length is exact and they may contain NUL, which the NUL terminated
 * view hides: check jval_strlen() where it matters).
 *
 * What is accepted is RFC 8259 and no more: no comments, no trailing commas,
 * no leading zeros, no NaN or Infinity, no raw control characters in
 * strings, valid UTF-8 (no overlong forms, no encoded surrogates), nothing
 * but white space after the value, and at most JDOC_MAX_DEPTH levels of
 * nesting (a scalar inside 64 arrays is the 65th level). Two readings follow
 * json-c, which decoded answers before, so that answers mean what they meant:
 * an escaped lone surrogate (\ud800 not followed by its low half) becomes
 * U+FFFD, and in an object with a duplicate key the last one wins on lookup
 * (iteration sees both, in document order).
 *
 * Numbers keep their text; jval_int64() and jval_double() convert on demand
 * and say when the value does not fit.
 *
 * Encoding JSON (request bodies) is not this module's job: gql.h does that.
 */
#ifndef PRISMSYNC_JDOC_H
#define PRISMSYNC_JDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

/* Deepest nesting of values accepted, the root being level 1. */
#define JDOC_MAX_DEPTH 64

enum jtype {
	JNULL = 0, /* also what a missing value reads as: see jval_type() */
	JBOOL,
	JNUMBER,
	JSTRING,
	JARRAY,
	JOBJECT,
};

struct jmember;

/* One value. Read it through the functions below; the layout is the parser's. */
struct jval {
	uint8_t type;  /* enum jtype */
	uint8_t flags; /* JBOOL: the value; JNUMBER: JVAL_INTEGER when no fraction or exponent */
	uint32_t len;  /* bytes of a string or a number's text; elements of an array or object */
	union {
		const char *str;               /* JSTRING, JNUMBER (the text) */
		const struct jval *items;      /* JARRAY */
		const struct jmember *members; /* JOBJECT, in document order */
	} u;
};

#define JVAL_INTEGER 1

struct jmember {
	const char *key; /* NUL terminated; may contain NUL (key_len is exact) */
	uint32_t key_len;
	struct jval val;
};

struct jdoc;

/*
 * Parses all of text[0..len). On success returns 0 and *out, which the
 * caller frees with jdoc_free(). On failure: ERR_PARSE with the message
 * "<what>: invalid JSON at line L, column C: <reason>" (1-based, columns in
 * bytes), or "<what>: empty body where JSON was expected"; ERR_TOO_LARGE
 * beyond INT32_MAX - 1 bytes. text need not be NUL terminated.
 */
int jdoc_parse(struct jdoc **out, const char *text, size_t len, const char *what,
               struct error *err);

/* Frees doc and every value in it. Accepts NULL. */
void jdoc_free(struct jdoc *doc);

/* The document's value. Never NULL. */
const struct jval *jdoc_root(const struct jdoc *doc);

/* The type of v; JNULL for a NULL v (a missing member reads as null). */
static inline enum jtype jval_type(const struct jval *v)
{
	return v ? (enum jtype)v->type : JNULL;
}

static inline bool jval_is(const struct jval *v, enum jtype t)
{
	return v && v->type == t;
}

/*
 * The member key of object obj, or NULL when obj is not an object or has
 * no such member. With duplicate keys, the last one.
 */
const struct jval *jval_get(const struct jval *obj, const char *key);
const struct jval *jval_getn(const struct jval *obj, const char *key, size_t key_len);

/* Elements of an array or members of an object; 0 for anything else. */
size_t jval_count(const struct jval *v);

/* Element i of array arr, or NULL when arr is no array or i is out of range. */
const struct jval *jval_at(const struct jval *arr, size_t i);

/* Member i of object obj in document order, or NULL. */
const struct jmember *jval_member(const struct jval *obj, size_t i);

/* The string of a JSTRING, NUL terminated; NULL for anything else. */
const char *jval_str(const struct jval *v);

/* Bytes of a JSTRING (0 for anything else). */
size_t jval_strlen(const struct jval *v);

/* A JBOOL's value; false for anything else. */
bool jval_bool(const struct jval *v);

/* Whether v is a number written without fraction or exponent. */
bool jval_is_integer(const struct jval *v);

/* A number's text as written ("1e3"); NULL for anything else. */
const char *jval_number_text(const struct jval *v);

/*
 * An integer number's value: true and *out when v is a number without
 * fraction or exponent whose value fits int64_t; false otherwise (*out
 * untouched).
 */
bool jval_int64(const struct jval *v, int64_t *out);

/*
 * Any number's value as a double: true and *out, or false when v is no
 * number or its magnitude is beyond a double's range (a value too small to
 * represent gives a zero, as strtod does).
 */
bool jval_double(const struct jval *v, double *out);

#endif
