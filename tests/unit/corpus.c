#include "corpus.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../util/buf.h"
#include "../../util/xalloc.h"

char *read_whole_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, len);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct corpus_file *)a)->name, ((const struct corpus_file *)b)->name);
}

/* Every readable *.yml of dir, sorted by name. Returns the count. */
static size_t load_dir(const char *dir, struct corpus_file **out)
{
	struct corpus_file *files = NULL;
	size_t nr = 0, alloc = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".yml"))
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		size_t len;
		char *text = read_whole_file(path, &len);
		if (!text) {
			free(path);
			continue;
		}
		ALLOC_GROW(files, nr + 1, alloc);
		files[nr++] = (struct corpus_file){xstrdup(e->d_name), path, text, len};
	}
	if (d)
		closedir(d);
	if (nr)
		qsort(files, nr, sizeof(*files), by_name);
	*out = files;
	return nr;
}

size_t corpus_load(enum corpus_set set, struct corpus_file **out)
{
	const char *var = set == CORPUS_PROJECT ? "PRISMSYNC_TESTDATA" : "PRISMSYNC_REALWORLD";
	const char *root = getenv(var);
	*out = NULL;
	if (!root || !*root)
		fail_msg("%s is not set: run this test through ctest", var);
	char *dir = xasprintf("%s/definitions", root);
	size_t n = load_dir(dir, out);
	if (!n)
		fail_msg("no definitions (*.yml) in %s: is %s=%s mistyped?", dir, var, root);
	free(dir);
	return n;
}

void corpus_free(struct corpus_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(files[i].name);
		free(files[i].path);
		free(files[i].text);
	}
	free(files);
}

int corpus_main(int argc, char **argv, const char *name, const struct CMUnitTest *tests,
                size_t tests_nr, const struct CMUnitTest *realworld, size_t realworld_nr)
{
	if (argc < 2)
		return _cmocka_run_group_tests(name, tests, tests_nr, NULL, NULL);
	if (strcmp(argv[1], "realworld")) {
		fprintf(stderr, "usage: %s [realworld]\n", argv[0]);
		return 2;
	}
	const char *root = getenv("PRISMSYNC_REALWORLD");
	if (!root || !*root) {
		fprintf(stderr,
		        "SKIP: no real-world corpus: PRISMSYNC_REALWORLD is %s (ctest sets it when "
		        "../shared/realworld/definitions exists beside the checkout at configure "
		        "time); the checks ran over testdata/definitions instead\n",
		        root ? "empty" : "not set");
		return 77;
	}
	char *full = xasprintf("%s.realworld", name);
	int rc = _cmocka_run_group_tests(full, realworld, realworld_nr, NULL, NULL);
	free(full);
	return rc;
}
