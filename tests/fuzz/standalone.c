/*
 * Runs a libFuzzer target without libFuzzer: each argument is a file or a
 * directory of files, and every file is fed to LLVMFuzzerTestOneInput once.
 * This is how gcc and sanitizer builds replay the corpus under ctest, so
 * every input that ever crashed stays a regression test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../util/buf.h"
#include "../../util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	/* Give the target a copy of exactly the right size, so ASan sees overreads. */
	uint8_t *copy = xmalloc(b.len ? b.len : 1);
	memcpy(copy, b.data, b.len);
	LLVMFuzzerTestOneInput(copy, b.len);
	free(copy);
	buf_release(&b);
	return 0;
}

static int run_path(const char *path, size_t *count)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		perror(path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	DIR *d = opendir(path);
	if (!d) {
		perror(path);
		return 1;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *child = xasprintf("%s/%s", path, e->d_name);
		rc |= run_path(child, count);
		free(child);
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int rc = 0;
	for (int i = 1; i < argc; i++)
		rc |= run_path(argv[i], &count);
	if (!rc && count == 0) {
		fprintf(stderr, "no inputs found\n");
		return 1;
	}
	printf("replayed %zu inputs\n", count);
	return rc;
}
