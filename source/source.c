/* realpath(3) is an XSI function. */
#define _XOPEN_SOURCE 700

#include "source.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/file.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

int source_read(struct source *src, const char *path, size_t max, struct buf *out,
                struct error *err)
{
	buf_reset(out);
	return src->ops->read(src, path, max, out, err);
}

int source_check_within(struct source *src, const char *root, const char *path, struct error *err)
{
	return src->ops->check_within ? src->ops->check_within(src, root, path, err) : 0;
}

void source_free(struct source *src)
{
	if (src)
		src->ops->free(src);
}

/* file_read() never blocks on a FIFO and reads only regular files. */
static int dir_read(struct source *src, const char *path, size_t max, struct buf *out,
                    struct error *err)
{
	(void)src;
	return file_read(path, max, 0, out, err);
}

/*
 * A working tree remembers the last root and the last directory it
 * resolved: a manifest's definitions are many files in few directories,
 * and realpath(3) costs one readlink(2) per component of every path.
 */
struct dir_source {
	struct source base;
	char *root, *real_root;     /* the last root asked for, and where it leads */
	char *parent, *real_parent; /* the last directory of a path, and where it leads */
};

/* Where dir leads, remembered in *in and *out; NULL when it does not resolve. */
static const char *cached_realpath(char **in, char **out, const char *dir)
{
	if (*in && !strcmp(*in, dir))
		return *out;
	free(*in);
	free(*out);
	*in = xstrdup(dir);
	*out = realpath(dir, NULL);
	return *out;
}

/*
 * Where path leads: its directory resolved (remembered), then its last
 * component, which only a symbolic link sends elsewhere. NULL when it does
 * not resolve. The caller frees it.
 */
static char *resolve(struct dir_source *d, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	struct stat st;
	if (!slash || !*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return realpath(path, NULL);
	if (lstat(path, &st))
		return NULL;
	if (S_ISLNK(st.st_mode))
		return realpath(path, NULL);
	char *dir = xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	const char *real_dir = cached_realpath(&d->parent, &d->real_parent, dir);
	free(dir);
	if (!real_dir)
		return NULL;
	return xasprintf("%s%s%s", real_dir, strcmp(real_dir, "/") ? "/" : "", base);
}

static int dir_check_within(struct source *src, const char *root, const char *path,
                            struct error *err)
{
	struct dir_source *d = (struct dir_source *)src;
	const char *real_root = cached_realpath(&d->root, &d->real_root, root);
	char *real_path = real_root ? resolve(d, path) : NULL;
	int rc = 0;
	if (!real_root || !real_path)
		goto done; /* a missing file is reported when it is read */
	size_t n = strlen(real_root);
	bool inside = !strncmp(real_root, real_path, n) &&
	              (real_path[n] == '/' || (n == 1 && real_root[0] == '/'));
	if (!inside)
		rc = error_set(err, ERR_INVALID, "a symbolic link leads outside %s (to %s)", root,
		               real_path);
done:
	free(real_path);
	return rc;
}

static void dir_free(struct source *src)
{
	struct dir_source *d = (struct dir_source *)src;
	if (!d)
		return;
	free(d->root);
	free(d->real_root);
	free(d->parent);
	free(d->real_parent);
	free(d);
}

static const struct source_ops dir_ops = {dir_read, dir_check_within, dir_free};

struct source *source_dir_new(void)
{
	struct dir_source *d = xcalloc(1, sizeof(*d));
	d->base.ops = &dir_ops;
	d->base.description = "working tree";
	return &d->base;
}

struct mem_file {
	char *path;
	char *data;
	size_t len;
};

struct mem_source {
	struct source base;
	struct mem_file *files;
	size_t nr, alloc;
};

static int mem_read(struct source *src, const char *path, size_t max, struct buf *out,
                    struct error *err)
{
	struct mem_source *m = (struct mem_source *)src;
	for (size_t i = 0; i < m->nr; i++) {
		if (strcmp(m->files[i].path, path))
			continue;
		if (m->files[i].len > max)
			return error_set(
			    err, ERR_TOO_LARGE,
			    "file is %zu bytes, more than the limit of %zu bytes (%zu MiB)",
			    m->files[i].len, max, max >> 20);
		buf_add(out, m->files[i].data, m->files[i].len);
		return 0;
	}
	return error_set(err, ERR_NOTFOUND, "no such file");
}

static void mem_free(struct source *src)
{
	struct mem_source *m = (struct mem_source *)src;
	for (size_t i = 0; i < m->nr; i++) {
		free(m->files[i].path);
		free(m->files[i].data);
	}
	free(m->files);
	free(m);
}

static const struct source_ops mem_ops = {mem_read, NULL, mem_free};

struct source *source_mem_new(void)
{
	struct mem_source *m = xcalloc(1, sizeof(*m));
	m->base.ops = &mem_ops;
	m->base.description = "memory";
	return &m->base;
}

void source_mem_add(struct source *src, const char *path, const char *data, size_t len)
{
	struct mem_source *m = (struct mem_source *)src;
	for (size_t i = 0; i < m->nr; i++) {
		if (!strcmp(m->files[i].path, path)) {
			free(m->files[i].data);
			m->files[i].data = xstrndup(data, len);
			m->files[i].len = len;
			return;
		}
	}
	ALLOC_GROW(m->files, m->nr + 1, m->alloc);
	m->files[m->nr].path = xstrdup(path);
	m->files[m->nr].data = xstrndup(data, len);
	m->files[m->nr].len = len;
	m->nr++;
}
