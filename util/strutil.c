#include "strutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "xalloc.h"
#include "banned.h"

int parse_long(const char *s, long min, long max, long *out)
{
	if (!s || !*s || isspace((unsigned char)*s))
		return ERR_INVALID;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*end)
		return ERR_INVALID;
	if (errno == ERANGE || v < min || v > max)
		return ERR_TOO_LARGE;
	*out = v;
	return 0;
}

unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 255;
	unsigned d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
			unsigned v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb] > 255 ? 255 : d[la][lb];
}

static bool equal_ignoring_case(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
	return !*a && !*b;
}

const char *nearest_word(const char *s, const char *const *words, size_t n)
{
	const char *best = NULL;
	unsigned best_d = 255;
	for (size_t i = 0; i < n; i++) {
		if (equal_ignoring_case(s, words[i]))
			return words[i];
		unsigned d = edit_distance(s, words[i]);
		size_t longer = strlen(s) > strlen(words[i]) ? strlen(s) : strlen(words[i]);
		if (d * 3 <= longer && d < best_d) {
			best = words[i];
			best_d = d;
		}
	}
	return best;
}

char *path_normalize_relative(const char *path)
{
	if (!path || !*path || path[0] == '/')
		return NULL;
	struct buf out = BUF_INIT;
	size_t *marks = NULL, nr = 0, alloc = 0;
	const char *p = path;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* skip */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (!nr) {
				buf_release(&out);
				free(marks);
				return NULL;
			}
			out.len = marks[--nr];
			out.data[out.len] = '\0';
		} else {
			ALLOC_GROW(marks, nr + 1, alloc);
			marks[nr++] = out.len;
			if (out.len)
				buf_addch(&out, '/');
			buf_add(&out, p, n);
		}
		p += n;
		if (*p == '/')
			p++;
	}
	free(marks);
	if (!out.len) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}

char *path_join(const char *dir, const char *rel)
{
	if (!*dir || !strcmp(dir, "."))
		return xstrdup(rel);
	size_t n = strlen(dir);
	return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", rel);
}

char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

bool str_starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Length of the sequence that lead byte c starts and the range of its second byte; 0 if none. */
static size_t utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef) {
		if (c == 0xe0)
			*lo = 0xa0; /* overlong below */
		else if (c == 0xed)
			*hi = 0x9f; /* surrogates */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (c == 0xf0)
			*lo = 0x90; /* overlong below */
		else if (c == 0xf4)
			*hi = 0x8f; /* above U+10FFFF */
		return 4;
	}
	return 0;
}

bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		/* ASCII eight bytes at a time: most of any JSON body. */
		while (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		unsigned char lo, hi;
		size_t n = utf8_lead(p[i], &lo, &hi);
		if (!n || len - i < n || p[i + 1] < lo || p[i + 1] > hi)
			return false;
		for (size_t k = 2; k < n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		i += n;
	}
	return true;
}

size_t str_pair_key_size(const char *a, const char *b)
{
	return strlen(a) + strlen(b) + 2;
}

char *str_pair_key_into(char *k, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	memcpy(k, a, la);
	k[la] = '\x1f';
	memcpy(k + la + 1, b, lb + 1);
	return k;
}

char *str_pair_key(const char *a, const char *b)
{
	return str_pair_key_into(xmalloc(str_pair_key_size(a, b)), a, b);
}
