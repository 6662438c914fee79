/*
 * corpus.h - the real-world definitions kept beside the checkout
 * ($PRISMSYNC_REALWORLD/definitions, every .yml file), for the unit tests that must
 * handle every one of them. A user's clone has no corpus: those tests skip.
 */
#ifndef PRISMSYNC_TEST_CORPUS_H
#define PRISMSYNC_TEST_CORPUS_H

#include <stddef.h>

struct corpus_file {
	char *name; /* file name, e.g. "github.yml" */
	char *path;
	char *text; /* NUL terminated */
	size_t len;
};

/* Loads every *.yml of the corpus, sorted by name. Returns the count; 0 when there is none. */
size_t corpus_load(struct corpus_file **out);
void corpus_free(struct corpus_file *files, size_t n);

/* Reads a whole file; NULL when it cannot be read. free() the result. */
char *read_whole_file(const char *path, size_t *len);

#endif
