/*
 * corpus.h - sets of integration definitions for the unit tests that must
 * handle every definition they are given.
 *
 * Two sets: the project's own (testdata/definitions, found through
 * $PRISMSYNC_TESTDATA), which every checkout has, and the larger corpus of
 * real exports ($PRISMSYNC_REALWORLD/definitions), which ctest passes only
 * when it lies beside the checkout. A test runs the same checks over both;
 * its main() hands the real-world tests to corpus_main(), which runs them as
 * a test program of their own (ctest unit.NAME.realworld): exit 77 with the
 * reason on stderr when there is no corpus, a failure when the path given
 * holds no definitions.
 */
#ifndef PRISMSYNC_TEST_CORPUS_H
#define PRISMSYNC_TEST_CORPUS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

struct corpus_file {
	char *name; /* file name, e.g. "github.yml" */
	char *path;
	char *text; /* NUL terminated */
	size_t len;
};

enum corpus_set {
	CORPUS_PROJECT,   /* testdata/definitions: must be there */
	CORPUS_REALWORLD, /* $PRISMSYNC_REALWORLD/definitions: run only when given */
};

/*
 * Loads every *.yml of a set, sorted by name, into *out (the caller frees it
 * with corpus_free()); returns the count. A set that should be there and is
 * missing or empty fails the running cmocka test: a mistyped path never
 * passes.
 */
size_t corpus_load(enum corpus_set set, struct corpus_file **out);
void corpus_free(struct corpus_file *files, size_t n);

/* Reads a whole file; NULL when it cannot be read. free() the result. */
char *read_whole_file(const char *path, size_t *len);

/*
 * main() of a test program with corpus tests: with the argument
 * "realworld", runs only the `realworld` tests (exit 77 and the reason on
 * stderr when $PRISMSYNC_REALWORLD is unset or empty); otherwise only
 * `tests`.
 */
int corpus_main(int argc, char **argv, const char *name, const struct CMUnitTest *tests,
                size_t tests_nr, const struct CMUnitTest *realworld, size_t realworld_nr);

#endif
