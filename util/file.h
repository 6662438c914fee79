/*
 * file.h - reading the files prismsync is given and writing the files it
 * is asked for, without hanging on a FIFO and without replacing what is
 * not a regular file.
 *
 * Readers open with O_NONBLOCK, so a FIFO with no writer never blocks the
 * open, and look at the file before reading a byte of it: only a regular
 * file is read (a pipe too when the caller allows it), and a file of a
 * pseudo file system such as /proc, whose bytes are made up at read time
 * (/proc/self/environ), is not a regular file.
 */
#ifndef PRISMSYNC_FILE_H
#define PRISMSYNC_FILE_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

enum {
	FILE_READ_PIPES =
	    1 << 0, /* also read a pipe or FIFO (until EOF; EOF at once with no writer) */
};

/*
 * Appends all of path to out. Fails with ERR_NOTFOUND (no such file),
 * ERR_IO (unreadable; a directory, device, socket, pseudo file, or a FIFO
 * without FILE_READ_PIPES), ERR_TOO_LARGE (more than max bytes). The message
 * does not repeat the path. On failure out may hold part of the file.
 */
int file_read(const char *path, size_t max, unsigned flags, struct buf *out, struct error *err);

/*
 * Writes data to path, which the user named as an output (--out, --report):
 *  - absent, or a regular file: atomically (a temporary file in the same
 *    directory, given mode, renamed over it), as editors do;
 *  - a symbolic link to a regular file, a FIFO with a reader, a character
 *    device (/dev/stdout, /dev/null, a terminal): written through, in
 *    place; the link or node stays what it was;
 *  - anything else (a directory, a block device, a socket, a FIFO nobody
 *    reads, a link to nothing): refused, nothing is written.
 * Returns 0, or -1 with errno saying why (EISDIR, ENXIO, ...).
 */
int file_write_out(const char *path, const char *data, size_t len, unsigned mode);

#endif
