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

size_t corpus_load(struct corpus_file **out)
{
	const char *root = getenv("PRISMSYNC_REALWORLD");
	struct corpus_file *files = NULL;
	size_t nr = 0, alloc = 0;
	*out = NULL;
	if (!root)
		return 0;
	char *dir = xasprintf("%s/definitions", root);
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
	free(dir);
	if (nr)
		qsort(files, nr, sizeof(*files), by_name);
	*out = files;
	return nr;
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
