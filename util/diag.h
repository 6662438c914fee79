/*
 * diag.h - a list of diagnostics (errors and warnings) about input files,
 * and their rendering in the compiler style users know:
 *
 *     prismsync.yaml:12:5: error: unknown key 'extrnalId' (did you mean 'externalId'?)
 *        12 |   - extrnalId: acme
 *           |     ^
 *
 * A validator adds every problem it finds instead of stopping at the first,
 * then the caller sorts and renders the list once. Files whose text was
 * registered with diag_add_source() get the source line and a caret. The
 * text is borrowed until the first diagnostic about that file is added, when
 * the list takes a copy; so it must stay valid only as long as diagnostics
 * about the file may still be added.
 *
 * Lifecycle: diag_list_init() allocates nothing, diag_list_release() frees
 * everything the list owns (messages and file names, not the sources).
 */
#ifndef PRISMSYNC_DIAG_H
#define PRISMSYNC_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "strmap.h"

enum diag_severity { DIAG_ERROR, DIAG_WARNING };

struct diag {
	enum diag_severity severity;
	char *file; /* as the user named it; may be NULL for whole-run problems */
	int line;   /* 1-based; 0: no position */
	int col;    /* 1-based, counted in characters; 0: no column */
	char *message;
	size_t seq; /* order of insertion, to keep sorting stable */
};

struct diag_source;

struct diag_list {
	struct diag *items;
	size_t nr, alloc;
	size_t errors, warnings;
	struct diag_source *sources;
	size_t sources_nr, sources_alloc;
	struct strmap source_at; /* file -> index in sources, plus one */
};

void diag_list_init(struct diag_list *l);
void diag_list_release(struct diag_list *l);

/*
 * Registers the text of file so that diagnostics about it show the line.
 * Also fixes the file's place in the sort order: files sort in the order
 * they were first registered or named.
 */
void diag_add_source(struct diag_list *l, const char *file, const char *text, size_t len);

void diag_add(struct diag_list *l, enum diag_severity sev, const char *file, int line, int col,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void diag_error(struct diag_list *l, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void diag_warning(struct diag_list *l, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Sorts by file (registration order), then line, then column, then insertion. */
void diag_sort(struct diag_list *l);

/*
 * Appends the rendering of every diagnostic to out, each one ending in a
 * newline. color adds ANSI colours to the severity and the caret.
 */
void diag_render(const struct diag_list *l, struct buf *out, bool color);

/* Renders a single diagnostic, with the source line when its file was registered. */
void diag_render_one(const struct diag_list *l, const struct diag *d, struct buf *out, bool color);

#endif
