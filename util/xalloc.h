/*
 * xalloc.h - allocation that never returns NULL.
 *
 * prismsync is an application, not a library: when memory runs out there is
 * nothing sensible left to do, so every wrapper here prints one line to
 * stderr and aborts instead of returning NULL. Callers therefore never check
 * the result. Everything returned belongs to the caller and is released with
 * free().
 */
#ifndef PRISMSYNC_XALLOC_H
#define PRISMSYNC_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);

/* Grows an array of count elements of size bytes each, checking for overflow. */
void *xreallocarray(void *ptr, size_t count, size_t size);

char *xstrdup(const char *s);

/* Copies the first len bytes of s (which need not be NUL terminated) and terminates the copy. */
char *xstrndup(const char *s, size_t len);

/* Formats into a new string, like asprintf(3). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/*
 * Grows *array (holding *alloc elements) so that it can hold at least
 * want elements; capacity doubles so appends are amortised O(1).
 */
#define ALLOC_GROW(array, want, alloc)                                                             \
	do {                                                                                       \
		if ((want) > (alloc)) {                                                            \
			size_t alloc_grow_n_ = (alloc) ? (alloc)*2 : 8;                            \
			while (alloc_grow_n_ < (want))                                             \
				alloc_grow_n_ *= 2;                                                \
			(array) = xreallocarray((array), alloc_grow_n_, sizeof(*(array)));         \
			(alloc) = alloc_grow_n_;                                                   \
		}                                                                                  \
	} while (0)

#endif
