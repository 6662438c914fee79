#include "jdoc.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

struct jdoc {
	struct arena arena;
	struct jval root;
};

/* An open container while parsing: where its members start on the scratch stack. */
struct frame {
	size_t start; /* index of its first member on the scratch stack */
	size_t slot;  /* where its value goes: a scratch index, or SIZE_MAX for the root */
	uint8_t type; /* JARRAY or JOBJECT */
};

struct parser {
	const unsigned char *text, *p, *end;
	char *pool; /* strings and number texts, one after another */
	struct arena *arena;
	struct jmember *scratch; /* members of the open containers, innermost last */
	size_t n, cap;
	struct frame frames[JDOC_MAX_DEPTH];
	size_t depth;
	const char *reason;
	const unsigned char *at; /* where the error is */
};

/* Bytes that a string may hold as they are: printable ASCII except '"' and '\\'. */
static const unsigned char plain[256] = {
#define R8(x) x, x, x, x, x, x, x, x
    R8(0), R8(0), R8(0), R8(0),                     /* 0x00-0x1f: control characters */
    1,     1,     0,     1,     1,     1,     1, 1, /* 0x20-0x27: '"' */
    R8(1), R8(1), R8(1), R8(1), R8(1), R8(1),       /* 0x28-0x57 */
    1,     1,     1,     1,     0,     1,     1, 1, /* 0x58-0x5f: '\\' */
    R8(1), R8(1), R8(1), R8(1),                     /* 0x60-0x7f; 0x80-0xff: UTF-8 */
#undef R8
};

/*
 * How many of eight bytes (in memory order) come before the first that needs
 * a look: a '"', '\\', control character or byte above 0x7f. A borrow
 * between bytes only follows a byte that needs a look, so the first alarm is
 * a true one.
 */
static inline size_t plain_prefix8(uint64_t w)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), high = UINT64_C(0x8080808080808080);
	uint64_t quote = w ^ (ones * '"'), bslash = w ^ (ones * '\\');
	uint64_t t =
	    (((quote - ones) & ~quote) | ((bslash - ones) & ~bslash) | (w - ones * 0x20) | w) &
	    high;
	if (!t)
		return 8;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (size_t)__builtin_ctzll(t) / 8;
#else
	return 0; /* the byte loop finds it */
#endif
}

static int fail(struct parser *ps, const unsigned char *at, const char *reason)
{
	ps->at = at;
	ps->reason = reason;
	return -1;
}

static inline bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static inline void skip_ws(struct parser *ps)
{
	const unsigned char *p = ps->p;
	while (p < ps->end && is_ws(*p))
		p++;
	ps->p = p;
}

/* A scratch slot for the next member of the innermost container. */
static size_t push_slot(struct parser *ps)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 256;
		ps->scratch = xrealloc(ps->scratch, ps->cap * sizeof(*ps->scratch));
	}
	ps->scratch[ps->n].key = NULL;
	ps->scratch[ps->n].key_len = 0;
	return ps->n++;
}

static struct jval *slot_val(struct parser *ps, struct jdoc *doc, size_t slot)
{
	return slot == SIZE_MAX ? &doc->root : &ps->scratch[slot].val;
}

static int hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* Length of the UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates), or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* An escape after the backslash at ps->p; appends its bytes at *o. */
static int escape(struct parser *ps, char **o)
{
	const unsigned char *bs = ps->p;
	unsigned cp, lo;
	if (ps->end - bs < 2)
		return fail(ps, ps->end, "unexpected end of input");
	switch (bs[1]) {
	case '"':
	case '\\':
	case '/':
		*(*o)++ = (char)bs[1];
		ps->p += 2;
		return 0;
	case 'b':
		*(*o)++ = '\b';
		ps->p += 2;
		return 0;
	case 'f':
		*(*o)++ = '\f';
		ps->p += 2;
		return 0;
	case 'n':
		*(*o)++ = '\n';
		ps->p += 2;
		return 0;
	case 'r':
		*(*o)++ = '\r';
		ps->p += 2;
		return 0;
	case 't':
		*(*o)++ = '\t';
		ps->p += 2;
		return 0;
	case 'u':
		break;
	default:
		return fail(ps, bs + 1, "invalid string sequence");
	}
	if (ps->end - bs < 6)
		return fail(ps, ps->end, "unexpected end of input");
	if (hex4(bs + 2, &cp))
		return fail(ps, bs + 2, "invalid string sequence");
	ps->p += 6;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		/* A high surrogate: joined with the low one that follows, else U+FFFD. */
		if (ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u' &&
		    !hex4(ps->p + 2, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			ps->p += 6;
		} else {
			cp = 0xfffd;
		}
	} else if (cp >= 0xdc00 && cp <= 0xdfff) {
		cp = 0xfffd;
	}
	*o = put_utf8(*o, cp);
	return 0;
}

/* The string whose opening quote is at ps->p, into the pool. */
static int string(struct parser *ps, const char **str, uint32_t *len)
{
	char *start = ps->pool, *o = ps->pool;
	const unsigned char *p = ps->p + 1, *end = ps->end;
	/* The copy never gets ahead of the text: o may take 8 bytes wherever p can give them. */
	for (;;) {
		uint64_t w;
		while (end - p >= 8) {
			memcpy(&w, p, 8);
			memcpy(o, p, 8);
			size_t n = plain_prefix8(w);
			o += n;
			p += n;
			if (n < 8)
				break;
		}
		while (p < end && plain[*p])
			*o++ = (char)*p++;
		if (p >= end)
			return fail(ps, end, "unexpected end of input");
		if (*p == '"')
			break;
		if (*p == '\\') {
			ps->p = p;
			if (escape(ps, &o))
				return -1;
			p = ps->p;
		} else if (*p < 0x20) {
			return fail(ps, p, "control character in a string");
		} else {
			size_t n = utf8_seq(p, end);
			if (!n)
				return fail(ps, p, "invalid utf-8 string");
			memcpy(o, p, n);
			o += n;
			p += n;
		}
	}
	*o++ = '\0';
	ps->p = p + 1;
	ps->pool = o;
	*str = start;
	*len = (uint32_t)(o - 1 - start);
	return 0;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int number(struct parser *ps, struct jval *v)
{
	const unsigned char *s = ps->p, *p = s, *end = ps->end;
	bool integer = true;
	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return fail(ps, p, "unexpected end of input");
	if (*p == '0') {
		p++;
		if (p < end && is_digit(*p))
			return fail(ps, p, "leading zero in a number");
	} else if (is_digit(*p)) {
		while (p < end && is_digit(*p))
			p++;
	} else {
		return fail(ps, p, "number expected");
	}
	if (p < end && *p == '.') {
		integer = false;
		p++;
		if (p >= end)
			return fail(ps, p, "unexpected end of input");
		if (!is_digit(*p))
			return fail(ps, p, "digit expected after the decimal point");
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		integer = false;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end)
			return fail(ps, p, "unexpected end of input");
		if (!is_digit(*p))
			return fail(ps, p, "digit expected in the exponent");
		while (p < end && is_digit(*p))
			p++;
	}
	size_t n = (size_t)(p - s);
	memcpy(ps->pool, s, n);
	ps->pool[n] = '\0';
	v->type = JNUMBER;
	v->flags = integer ? JVAL_INTEGER : 0;
	v->len = (uint32_t)n;
	v->u.str = ps->pool;
	ps->pool += n + 1;
	ps->p = p;
	return 0;
}

static int literal(struct parser *ps, const char *word, size_t n)
{
	const unsigned char *p = ps->p;
	for (size_t i = 0; i < n; i++) {
		if (p + i >= ps->end)
			return fail(ps, ps->end, "unexpected end of input");
		if (p[i] != (unsigned char)word[i])
			return fail(ps, p + i, "unexpected character");
	}
	ps->p += n;
	return 0;
}

/* Copies the members of the innermost container out of scratch into the arena. */
static void close_container(struct parser *ps, struct jdoc *doc)
{
	struct frame *f = &ps->frames[--ps->depth];
	size_t count = ps->n - f->start;
	struct jval v = {.type = f->type, .len = (uint32_t)count};
	if (f->type == JOBJECT) {
		struct jmember *m = arena_alloc_array(&doc->arena, count, sizeof(*m));
		memcpy(m, ps->scratch + f->start, count * sizeof(*m));
		v.u.members = m;
	} else {
		struct jval *items = arena_alloc_array(&doc->arena, count, sizeof(*items));
		for (size_t i = 0; i < count; i++)
			items[i] = ps->scratch[f->start + i].val;
		v.u.items = items;
	}
	ps->n = f->start;
	*slot_val(ps, doc, f->slot) = v;
}

/* An object's key and its colon; leaves a scratch slot for the value. */
static int member_key(struct parser *ps, size_t *slot)
{
	const char *key;
	uint32_t key_len;
	if (ps->p >= ps->end)
		return fail(ps, ps->end, "unexpected end of input");
	if (*ps->p != '"')
		return fail(ps, ps->p, "quoted object property name expected");
	if (string(ps, &key, &key_len))
		return -1;
	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, ps->end, "unexpected end of input");
	if (*ps->p != ':')
		return fail(ps, ps->p, "object property name separator ':' expected");
	ps->p++;
	*slot = push_slot(ps);
	ps->scratch[*slot].key = key;
	ps->scratch[*slot].key_len = key_len;
	return 0;
}

static int parse(struct parser *ps, struct jdoc *doc)
{
	size_t slot = SIZE_MAX;
	for (;;) {
		/* A value goes into slot. */
		skip_ws(ps);
		if (ps->p >= ps->end)
			return fail(ps, ps->end, "unexpected end of input");
		if (ps->depth >= JDOC_MAX_DEPTH)
			return fail(ps, ps->p, "nesting too deep");
		struct jval *v = slot_val(ps, doc, slot);
		switch (*ps->p) {
		case '{':
		case '[': {
			uint8_t type = *ps->p == '{' ? JOBJECT : JARRAY;
			ps->p++;
			skip_ws(ps);
			if (ps->p < ps->end && *ps->p == (type == JOBJECT ? '}' : ']')) {
				ps->p++;
				v->type = type;
				v->len = 0;
				v->u.str = NULL;
				break;
			}
			struct frame *f = &ps->frames[ps->depth++];
			f->start = ps->n;
			f->slot = slot;
			f->type = type;
			if (type == JOBJECT) {
				if (member_key(ps, &slot))
					return -1;
			} else {
				slot = push_slot(ps);
			}
			continue;
		}
		case '"':
			v->type = JSTRING;
			if (string(ps, &v->u.str, &v->len))
				return -1;
			break;
		case 't':
			if (literal(ps, "true", 4))
				return -1;
			*v = (struct jval){.type = JBOOL, .flags = 1};
			break;
		case 'f':
			if (literal(ps, "false", 5))
				return -1;
			*v = (struct jval){.type = JBOOL, .flags = 0};
			break;
		case 'n':
			if (literal(ps, "null", 4))
				return -1;
			*v = (struct jval){.type = JNULL};
			break;
		default:
			if (*ps->p != '-' && !is_digit(*ps->p))
				return fail(ps, ps->p, "unexpected character");
			if (number(ps, v))
				return -1;
			break;
		}
		/* After a value: the next member, or the end of containers. */
		for (;;) {
			skip_ws(ps);
			if (!ps->depth)
				return 0;
			struct frame *f = &ps->frames[ps->depth - 1];
			if (ps->p >= ps->end)
				return fail(ps, ps->end, "unexpected end of input");
			unsigned char c = *ps->p;
			if (c == ',') {
				ps->p++;
				if (f->type == JOBJECT) {
					skip_ws(ps);
					if (member_key(ps, &slot))
						return -1;
				} else {
					slot = push_slot(ps);
				}
				break;
			}
			if (c == (f->type == JOBJECT ? '}' : ']')) {
				ps->p++;
				close_container(ps, doc);
				continue;
			}
			return fail(ps, ps->p,
			            f->type == JOBJECT ? "object value separator ',' expected"
			                               : "array value separator ',' expected");
		}
	}
}

static void position(const unsigned char *text, const unsigned char *at, int *line, int *col)
{
	int l = 1, c = 1;
	for (const unsigned char *p = text; p < at; p++) {
		if (*p == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

int jdoc_parse(struct jdoc **out, const char *text, size_t len, const char *what, struct error *err)
{
	struct parser ps = {0};
	struct jdoc *doc = NULL;
	int rc = 0, line, col;

	if (len > (size_t)INT32_MAX - 1)
		return error_set(err, ERR_TOO_LARGE, "%s: JSON text too large", what);
	if (len == 0)
		return error_set(err, ERR_PARSE, "%s: empty body where JSON was expected", what);
	doc = xcalloc(1, sizeof(*doc));
	arena_init(&doc->arena);
	ps.text = ps.p = (const unsigned char *)text;
	ps.end = ps.text + len;
	/* Every string or number takes no more room decoded (with its NUL) than in the text. */
	ps.pool = arena_alloc(&doc->arena, len + 1);
	ps.arena = &doc->arena;
	if (parse(&ps, doc)) {
		position(ps.text, ps.at, &line, &col);
		rc = error_set(err, ERR_PARSE, "%s: invalid JSON at line %d, column %d: %s", what,
		               line, col, ps.reason);
		goto done;
	}
	if (ps.p < ps.end) {
		position(ps.text, ps.p, &line, &col);
		rc = error_set(err, ERR_PARSE,
		               "%s: invalid JSON at line %d, column %d: unexpected data after the "
		               "value",
		               what, line, col);
		goto done;
	}
	*out = doc;
	doc = NULL;
done:
	free(ps.scratch);
	jdoc_free(doc);
	return rc;
}

void jdoc_free(struct jdoc *doc)
{
	if (!doc)
		return;
	arena_release(&doc->arena);
	free(doc);
}

const struct jval *jdoc_root(const struct jdoc *doc)
{
	return &doc->root;
}

const struct jval *jval_getn(const struct jval *obj, const char *key, size_t key_len)
{
	if (!obj || obj->type != JOBJECT)
		return NULL;
	/* From the end: with duplicate keys the last wins, as json-c had it. */
	for (size_t i = obj->len; i-- > 0;) {
		const struct jmember *m = &obj->u.members[i];
		if (m->key_len == key_len && (!key_len || m->key[0] == key[0]) &&
		    !memcmp(m->key, key, key_len))
			return &m->val;
	}
	return NULL;
}

const struct jval *jval_get(const struct jval *obj, const char *key)
{
	return jval_getn(obj, key, strlen(key));
}

size_t jval_count(const struct jval *v)
{
	return v && (v->type == JARRAY || v->type == JOBJECT) ? v->len : 0;
}

const struct jval *jval_at(const struct jval *arr, size_t i)
{
	if (!arr || arr->type != JARRAY || i >= arr->len)
		return NULL;
	return &arr->u.items[i];
}

const struct jmember *jval_member(const struct jval *obj, size_t i)
{
	if (!obj || obj->type != JOBJECT || i >= obj->len)
		return NULL;
	return &obj->u.members[i];
}

const char *jval_str(const struct jval *v)
{
	return v && v->type == JSTRING ? v->u.str : NULL;
}

size_t jval_strlen(const struct jval *v)
{
	return v && v->type == JSTRING ? v->len : 0;
}

bool jval_bool(const struct jval *v)
{
	return v && v->type == JBOOL && v->flags;
}

bool jval_is_integer(const struct jval *v)
{
	return v && v->type == JNUMBER && (v->flags & JVAL_INTEGER);
}

const char *jval_number_text(const struct jval *v)
{
	return v && v->type == JNUMBER ? v->u.str : NULL;
}

bool jval_int64(const struct jval *v, int64_t *out)
{
	if (!jval_is_integer(v))
		return false;
	const char *s = v->u.str;
	bool neg = *s == '-';
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, n = 0;
	for (s += neg; *s; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (n > (limit - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*out = neg ? (n == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)n) : (int64_t)n;
	return true;
}

bool jval_double(const struct jval *v, double *out)
{
	if (!v || v->type != JNUMBER)
		return false;
	errno = 0;
	double d = strtod(v->u.str, NULL);
	if (errno == ERANGE && isinf(d))
		return false;
	*out = d;
	return true;
}
