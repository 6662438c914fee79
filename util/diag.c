#include "diag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "sort.h"
#include "xalloc.h"
#include "banned.h"

/* Longest part of a source line shown; longer lines are cut around the column. */
#define DIAG_MAX_SHOWN 160

struct diag_source {
	char *file;
	const char *text; /* NULL when only the order is known */
	char *owned;      /* text, once copied */
	size_t len;
	size_t *line_starts; /* built on first use */
	size_t lines;
};

void diag_list_init(struct diag_list *l)
{
	memset(l, 0, sizeof(*l));
}

void diag_list_release(struct diag_list *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		free(l->items[i].file);
		free(l->items[i].message);
	}
	free(l->items);
	for (size_t i = 0; i < l->sources_nr; i++) {
		free(l->sources[i].file);
		free(l->sources[i].owned);
		free(l->sources[i].line_starts);
	}
	free(l->sources);
	strmap_release(&l->source_at);
	diag_list_init(l);
}

/* The index of file in l->sources, or l->sources_nr when it is not there. */
static size_t source_find(const struct diag_list *l, const char *file)
{
	uintptr_t at = file ? (uintptr_t)strmap_get(&l->source_at, file) : 0;
	return at ? (size_t)(at - 1) : l->sources_nr;
}

static size_t source_index(struct diag_list *l, const char *file)
{
	size_t i = source_find(l, file);
	if (i < l->sources_nr)
		return i;
	ALLOC_GROW(l->sources, l->sources_nr + 1, l->sources_alloc);
	struct diag_source *s = &l->sources[l->sources_nr];
	memset(s, 0, sizeof(*s));
	s->file = xstrdup(file);
	strmap_add(&l->source_at, s->file, (void *)(uintptr_t)(l->sources_nr + 1));
	return l->sources_nr++;
}

static const struct diag_source *find_source(const struct diag_list *l, const char *file)
{
	size_t i = source_find(l, file);
	return i < l->sources_nr ? &l->sources[i] : NULL;
}

void diag_add_source(struct diag_list *l, const char *file, const char *text, size_t len)
{
	size_t si = source_index(l, file);
	struct diag_source *s = &l->sources[si];
	free(s->line_starts);
	free(s->owned);
	s->line_starts = NULL;
	s->owned = NULL;
	s->lines = 0;
	s->text = text;
	s->len = len;
}

static void diag_vadd(struct diag_list *l, enum diag_severity sev, const char *file, int line,
                      int col, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

static void diag_vadd(struct diag_list *l, enum diag_severity sev, const char *file, int line,
                      int col, const char *fmt, va_list ap)
{
	ALLOC_GROW(l->items, l->nr + 1, l->alloc);
	struct diag *d = &l->items[l->nr];
	d->severity = sev;
	d->file = file ? xstrdup(file) : NULL;
	d->line = line;
	d->col = col;
	char *msg = xvasprintf(fmt, ap);
	d->message = error_redact(msg); /* a server may echo a secret back */
	free(msg);
	d->seq = l->nr++;
	if (file) {
		/* Keep our own copy of a file's text once something is said about it. */
		size_t si = source_index(l, file);
		struct diag_source *s = &l->sources[si];
		if (s->text && !s->owned) {
			s->owned = xstrndup(s->text, s->len);
			s->text = s->owned;
		}
	}
	if (sev == DIAG_ERROR)
		l->errors++;
	else
		l->warnings++;
}

void diag_add(struct diag_list *l, enum diag_severity sev, const char *file, int line, int col,
              const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(l, sev, file, line, col, fmt, ap);
	va_end(ap);
}

void diag_error(struct diag_list *l, const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(l, DIAG_ERROR, file, line, col, fmt, ap);
	va_end(ap);
}

void diag_warning(struct diag_list *l, const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(l, DIAG_WARNING, file, line, col, fmt, ap);
	va_end(ap);
}

static size_t file_rank(const struct diag_list *l, const struct diag *d)
{
	if (!d->file)
		return 0;
	return source_find(l, d->file) + 1;
}

static int diag_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct diag *a = pa, *b = pb;
	size_t ra = file_rank(ctx, a), rb = file_rank(ctx, b);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void diag_sort(struct diag_list *l)
{
	if (l->nr < 2)
		return;
	sort_ctx(l->items, l->nr, sizeof(*l->items), diag_cmp, l);
}

static void build_lines(struct diag_source *s)
{
	size_t alloc = 0;
	ALLOC_GROW(s->line_starts, 1, alloc);
	s->line_starts[0] = 0;
	s->lines = 1;
	for (size_t i = 0; i < s->len; i++) {
		if (s->text[i] == '\n' ||
		    (s->text[i] == '\r' && (i + 1 >= s->len || s->text[i + 1] != '\n'))) {
			ALLOC_GROW(s->line_starts, s->lines + 1, alloc);
			s->line_starts[s->lines++] = i + 1;
		}
	}
}

/* Byte length of the UTF-8 sequence starting with c (1 for invalid bytes). */
static size_t utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* Length in bytes of the character at q, and whether it can be shown as is. */
static size_t char_at(const char *q, const char *end, bool *printable)
{
	unsigned char c = (unsigned char)*q;
	size_t n = utf8_len(c);
	bool ok = n > 1 || (c >= 0x20 && c < 0x7f) || c == '\t';
	if ((size_t)(end - q) < n) {
		n = 1;
		ok = false;
	}
	for (size_t k = 1; k < n && ok; k++)
		if (((unsigned char)q[k] & 0xc0) != 0x80)
			ok = false;
	*printable = ok;
	return ok ? n : 1;
}

/*
 * Appends the line [p, end) with a line-number gutter, then a caret under
 * character col. Unprintable bytes are shown as '?'. Tabs are kept in both
 * lines so the caret lines up whatever the terminal's tab width. A long line
 * is cut to DIAG_MAX_SHOWN characters around the column.
 */
static void render_source_line(struct buf *out, int lineno, const char *p, const char *end, int col,
                               bool color)
{
	size_t caret = col > 0 ? (size_t)col - 1 : 0;
	size_t first = caret > DIAG_MAX_SHOWN / 2 ? caret - DIAG_MAX_SHOWN / 2 : 0;
	const char *q = p;
	size_t ci = 0;
	bool printable;

	while (q < end && ci < first) {
		q += char_at(q, end, &printable);
		ci++;
	}
	if (q >= end) {
		q = p;
		ci = first = 0;
	}

	char gutter[32];
	int gw = snprintf(gutter, sizeof(gutter), "%5d", lineno);
	struct buf mark = BUF_INIT;
	buf_addf(out, "%s | %s", gutter, first ? "..." : "");
	buf_addchn(&mark, ' ', (size_t)gw);
	buf_adds(&mark, first ? " |    " : " | ");
	for (size_t shown = 0; q < end && shown < DIAG_MAX_SHOWN; shown++, ci++) {
		size_t n = char_at(q, end, &printable);
		if (printable)
			buf_add(out, q, n);
		else
			buf_addch(out, '?');
		if (ci < caret)
			buf_addch(&mark, *q == '\t' ? '\t' : ' ');
		q += n;
	}
	buf_adds(out, q < end ? "...\n" : "\n");
	if (col > 0) {
		if (ci < caret)
			buf_addchn(&mark, ' ', caret - ci);
		buf_adds(out, mark.data);
		buf_adds(out, color ? "\033[1;32m^\033[0m\n" : "^\n");
	}
	buf_release(&mark);
}

void diag_render_one(const struct diag_list *l, const struct diag *d, struct buf *out, bool color)
{
	const char *sev = d->severity == DIAG_ERROR ? "error" : "warning";
	const char *on = "", *off = "";
	if (color) {
		on = d->severity == DIAG_ERROR ? "\033[1;31m" : "\033[1;35m";
		off = "\033[0m";
	}
	if (d->file && d->line > 0 && d->col > 0)
		buf_addf(out, "%s:%d:%d: ", d->file, d->line, d->col);
	else if (d->file && d->line > 0)
		buf_addf(out, "%s:%d: ", d->file, d->line);
	else if (d->file)
		buf_addf(out, "%s: ", d->file);
	buf_addf(out, "%s%s:%s %s\n", on, sev, off, d->message);

	struct diag_source *s = (struct diag_source *)find_source(l, d->file);
	if (!s || !s->text || d->line <= 0)
		return;
	if (!s->line_starts)
		build_lines(s);
	if ((size_t)d->line > s->lines)
		return;
	const char *p = s->text + s->line_starts[d->line - 1];
	const char *end =
	    (size_t)d->line < s->lines ? s->text + s->line_starts[d->line] : s->text + s->len;
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	render_source_line(out, d->line, p, end, d->col, color);
}

void diag_render(const struct diag_list *l, struct buf *out, bool color)
{
	for (size_t i = 0; i < l->nr; i++)
		diag_render_one(l, &l->items[i], out, color);
}
