/*
 * buf.h - a growable byte buffer with an optional size cap.
 *
 * Invariants, after buf_init() and until buf_release():
 *  - b->data is never NULL and is always NUL terminated at b->data[b->len],
 *    so it can be handed to any function that takes a C string (as long as
 *    the content itself has no NUL byte);
 *  - b->len <= b->max when b->max is not 0.
 *
 * An append that would take the buffer past its cap fails with ERR_TOO_LARGE
 * and leaves the buffer as it was; nothing is ever silently truncated. This is
 * what keeps a hostile HTTP response or input file from growing without bound.
 * A cap of 0 means no cap (for buffers the program fills itself).
 */
#ifndef PRISMSYNC_BUF_H
#define PRISMSYNC_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t alloc; /* 0 while data points at the shared empty string */
	size_t max;   /* 0: unbounded */
};

#define BUF_INIT                                                                                   \
	{                                                                                          \
		buf_empty_, 0, 0, 0                                                                \
	}
extern char buf_empty_[1];

/* Initialises an empty buffer that refuses to grow past max bytes (0: no cap). No allocation. */
void buf_init(struct buf *b, size_t max);

/* Frees the contents and leaves the buffer empty and reusable, with the same cap. */
void buf_release(struct buf *b);

/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *b);

/* Shortens the buffer to len bytes (no-op when it is not longer). */
void buf_truncate(struct buf *b, size_t len);

/*
 * Makes room for extra more bytes in one allocation, for a caller that knows
 * how much is coming. Returns 0, or ERR_TOO_LARGE (beyond the buffer's max).
 */
int buf_grow(struct buf *b, size_t extra);

/* Appends len bytes. Returns 0, or ERR_TOO_LARGE (buffer unchanged). */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Appends c n times. */
int buf_addchn(struct buf *b, char c, size_t n);

/*
 * Hands the contents to the caller (free() them) and leaves the buffer
 * empty. The returned string is never NULL. *len_out, when not NULL,
 * receives the length.
 */
char *buf_detach(struct buf *b, size_t *len_out);

#endif
