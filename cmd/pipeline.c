#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../api/fetch.h"
#include "../reconcile/diff.h"
#include "../source/source.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

int pipeline_run(struct pipeline *pl, const char *verb, const struct common_opts *common,
                 bool prune, int parallelism)
{
	struct error err = ERROR_INIT;
	int rc;

	memset(pl, 0, sizeof(*pl));
	plan_init(&pl->plan);
	diag_list_init(&pl->diags);
	pl->source = source_dir_new();

	rc = manifest_load(&pl->manifest, pl->source, common->file, MANIFEST_ENV_REQUIRED,
	                   &pl->diags);
	if (rc) {
		print_diagnostics(&pl->diags, common);
		fprintf(stderr, "prismsync %s: %s is not valid; nothing was read or changed\n",
		        verb, common->file);
		return EXIT_ERROR;
	}
	if ((rc = cmd_api_client(&pl->client, verb, common, parallelism)) != EXIT_OK)
		return rc;
	if (api_fetch_live(&pl->live, pl->client, &err)) {
		cmd_print_api_error(verb, &err);
		error_release(&err);
		return EXIT_ERROR;
	}
	struct diff_opts o = {prune, NULL, NULL, NULL, NULL, false};
	rc = diff_build(&pl->plan, pl->manifest, pl->live, &o, &pl->diags);
	if (pl->diags.nr)
		print_diagnostics(&pl->diags, common);
	if (rc) {
		fprintf(stderr,
		        "prismsync %s: the manifest cannot be applied to this organization; "
		        "nothing was changed\n",
		        verb);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

void pipeline_release(struct pipeline *pl)
{
	plan_release(&pl->plan);
	live_state_free(pl->live);
	api_client_free(pl->client);
	manifest_free(pl->manifest);
	diag_list_release(&pl->diags);
	source_free(pl->source);
	memset(pl, 0, sizeof(*pl));
}

int write_file_atomic(const char *path, const char *data, size_t len, unsigned mode)
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
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		off += (size_t)n;
	}
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
