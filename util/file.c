#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

/* File systems whose files are generated when read (linux/magic.h). */
#define PROC_SUPER_MAGIC_ 0x9fa0
#define SYSFS_MAGIC_      0x62656572
#define DEBUGFS_MAGIC_    0x64626720
#define TRACEFS_MAGIC_    0x74726163
#define SECURITYFS_MAGIC_ 0x73636673

static bool pseudo_fs(int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return false;
	switch ((unsigned long)sf.f_type) {
	case PROC_SUPER_MAGIC_:
	case SYSFS_MAGIC_:
	case DEBUGFS_MAGIC_:
	case TRACEFS_MAGIC_:
	case SECURITYFS_MAGIC_:
		return true;
	default:
		return false;
	}
}

/* Why a file of this mode is not read; NULL when it is. */
static const char *refusal(const struct stat *st, int fd, unsigned flags)
{
	if (S_ISDIR(st->st_mode))
		return "is a directory, not a file";
	if (S_ISFIFO(st->st_mode))
		return flags & FILE_READ_PIPES ? NULL : "is a FIFO or pipe, not a regular file";
	if (!S_ISREG(st->st_mode))
		return "not a regular file (a device or socket)";
	if (pseudo_fs(fd))
		return "not a regular file (a file of /proc or /sys, made up when read)";
	return NULL;
}

static int read_all(int fd, const struct stat *st, size_t max, struct buf *out, struct error *err)
{
	size_t start = out->len;
	for (;;) {
		char chunk[65536];
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_set(err, ERR_IO, "read failed: %s", strerror(errno));
		if (n == 0)
			break;
		if (buf_add(out, chunk, (size_t)n) || out->len - start > max)
			return error_set(err, ERR_TOO_LARGE,
			                 "file is more than the limit of %zu bytes (%zu MiB)", max,
			                 max >> 20);
	}
	/* A regular file of size 0 with bytes in it is generated, like those of /proc. */
	if (S_ISREG(st->st_mode) && !st->st_size && out->len > start)
		return error_set(err, ERR_IO,
		                 "not a regular file (its bytes are made up when read)");
	return 0;
}

int file_read(const char *path, size_t max, unsigned flags, struct buf *out, struct error *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return error_set(err, ERR_NOTFOUND, "no such file");
		return error_set(err, ERR_IO, "cannot open: %s", strerror(errno));
	}
	int rc = 0;
	struct stat st;
	const char *why;
	if (fstat(fd, &st) < 0) {
		rc = error_set(err, ERR_IO, "cannot stat: %s", strerror(errno));
		goto close_fd;
	}
	if ((why = refusal(&st, fd, flags))) {
		rc = error_set(err, ERR_IO, "%s", why);
		goto close_fd;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
		rc = error_set(err, ERR_TOO_LARGE,
		               "file is %lld bytes, more than the limit of %zu bytes (%zu MiB)",
		               (long long)st.st_size, max, max >> 20);
		goto close_fd;
	}
	/* A pipe is read until its writer closes it. */
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		rc = error_set(err, ERR_IO, "cannot read: %s", strerror(errno));
		goto close_fd;
	}
	rc = read_all(fd, &st, max, out, err);
close_fd:
	close(fd);
	return rc;
}

static int write_fd(int fd, const char *data, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

static int write_atomic(const char *path, const char *data, size_t len, unsigned mode)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
	int saved;
	if (fd < 0) {
		saved = errno;
		free(tmp);
		errno = saved;
		return -1;
	}
	if (write_fd(fd, data, len) < 0)
		goto fail;
	if (fchmod(fd, (mode_t)mode) < 0 || fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) < 0) {
		fd = -1;
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = saved;
	return -1;
}

/* Writes into what path leads to, in place. A FIFO without a reader is ENXIO, not a hang. */
static int write_through(const char *path, const char *data, size_t len, bool regular)
{
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (regular ? O_TRUNC : 0));
	if (fd < 0)
		return -1;
	int fl = fcntl(fd, F_GETFL);
	int rc = fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ? -1 : write_fd(fd, data, len);
	int saved = errno;
	if (close(fd) < 0 && !rc) {
		rc = -1;
		saved = errno;
	}
	errno = saved;
	return rc;
}

int file_write_out(const char *path, const char *data, size_t len, unsigned mode)
{
	struct stat lst, st;
	if (lstat(path, &lst) < 0)
		return errno == ENOENT ? write_atomic(path, data, len, mode) : -1;
	if (S_ISREG(lst.st_mode))
		return write_atomic(path, data, len, mode);
	if (stat(path, &st) < 0)
		return -1; /* a link to nothing: ENOENT */
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	if (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))
		return write_through(path, data, len, S_ISREG(st.st_mode));
	errno = S_ISSOCK(st.st_mode) ? ENXIO : ENOTSUP; /* a block device, a socket */
	return -1;
}
