#include "buf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "xalloc.h"
#include "banned.h"

char buf_empty_[1];

void buf_init(struct buf *b, size_t max)
{
	b->data = buf_empty_;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

void buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->data);
	buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->data[0] = '\0';
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->data[len] = '\0';
}

/*
 * Room for extra more bytes and the NUL: exactly that much when exact (the
 * caller knows the size), else the next power of two (appends amortized).
 */
static int reserve(struct buf *b, size_t extra, bool exact)
{
	if (extra > SIZE_MAX - b->len - 1)
		return ERR_TOO_LARGE;
	size_t want = b->len + extra;
	if (b->max && want > b->max)
		return ERR_TOO_LARGE;
	if (want + 1 <= b->alloc)
		return 0;
	size_t n = exact ? want + 1 : b->alloc ? b->alloc : 64;
	while (n < want + 1)
		n = n > SIZE_MAX / 2 ? want + 1 : n * 2;
	if (b->alloc) {
		b->data = xrealloc(b->data, n);
	} else {
		b->data = xmalloc(n);
		b->data[0] = '\0';
	}
	b->alloc = n;
	return 0;
}

static int buf_reserve(struct buf *b, size_t extra)
{
	return reserve(b, extra, false);
}

int buf_grow(struct buf *b, size_t extra)
{
	return reserve(b, extra, true);
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	if (!len)
		return 0;
	int rc = buf_reserve(b, len);
	if (rc)
		return rc;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_addchn(struct buf *b, char c, size_t n)
{
	if (!n)
		return 0;
	int rc = buf_reserve(b, n);
	if (rc)
		return rc;
	memset(b->data + b->len, c, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return ERR_INVALID;
	int rc = buf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *buf_detach(struct buf *b, size_t *len_out)
{
	char *p = b->alloc ? b->data : xstrdup("");
	if (len_out)
		*len_out = b->len;
	buf_init(b, b->max);
	return p;
}
