/*
 * source.h - where the manifest and definition files come from.
 *
 * The loader asks a source for the bytes of a path and never opens files
 * itself, so the same loader reads the working tree, an in-memory set of
 * files (tests, the fuzzer) and a git revision (source_git.h).
 *
 * Paths are the names shown to the user: the manifest path as given on the
 * command line, and definition paths joined onto its directory.
 *
 * Lifecycle: source_*_new() returns a heap object owned by the caller;
 * source_free() accepts NULL.
 */
#ifndef PRISMSYNC_SOURCE_H
#define PRISMSYNC_SOURCE_H

#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"

struct source;

struct source_ops {
	int (*read)(struct source *src, const char *path, size_t max, struct buf *out,
	            struct error *err);
	int (*check_within)(struct source *src, const char *root, const char *path,
	                    struct error *err);
	void (*free)(struct source *src);
};

struct source {
	const struct source_ops *ops;
	const char *description; /* "working tree", ...; borrowed from the implementation */
	/* NULL for files on disk; for a git revision, "revision 'REF' (commit 1a2b3c4)". */
	const char *revision;
};

/*
 * Reads all of path into out (which is reset first). Fails with
 * ERR_NOTFOUND (no such file), ERR_IO (unreadable, a directory),
 * ERR_TOO_LARGE (larger than max bytes); err says which. The message does
 * not repeat the path: the caller shows it.
 */
int source_read(struct source *src, const char *path, size_t max, struct buf *out,
                struct error *err);

/*
 * Checks that path, once symbolic links are followed, is still inside the
 * directory root. Returns 0, or ERR_INVALID with err naming where it leads.
 * Sources without links always return 0.
 */
int source_check_within(struct source *src, const char *root, const char *path, struct error *err);

void source_free(struct source *src);

/* Files of the local file system, relative paths taken from the current directory. */
struct source *source_dir_new(void);

/* An in-memory set of files, for tests and fuzzing. */
struct source *source_mem_new(void);

/* Adds (or replaces) a file; the bytes are copied. */
void source_mem_add(struct source *src, const char *path, const char *data, size_t len);

#endif
