/*
 * drift_envs.c - drift --all-envs. Each environment is checked by a child
 * process of its own (its own client, credentials and organization check),
 * so they run at the same time and one environment's failure cannot
 * disturb another's; each child sends its rendered sections back through
 * a pipe, and the parent assembles them in the order of the manifest.
 */
#include "drift_envs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "source_env.h"
#include "../reconcile/diff.h"
#include "../schema/yaml_tree.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* What a child reports about its environment, ahead of its two sections. */
struct env_header {
	int rc;
	size_t changes;
	char fingerprint[65];
	size_t len[2]; /* of the section in format, then in the report format */
};

struct env_result {
	const struct m_environment *env;
	pid_t pid;
	int fd;
	struct env_header h;
	char *section[2];
	bool received;
};

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *data, size_t len)
{
	char *p = data;
	while (len) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The child: drift for one environment, its sections written to fd. Never returns. */
static void run_child(int fd, const char *env, struct common_opts *common,
                      const struct pipeline_opts *po, enum render_format formats[2])
{
	struct env_header h;
	struct buf out[2] = {BUF_INIT, BUF_INIT};
	struct pipeline pl;

	memset(&h, 0, sizeof(h));
	common->env = env;
	h.rc = pipeline_run(&pl, "drift", common, po);
	if (h.rc == EXIT_OK) {
		h.changes = pl.plan.nr;
		if (pl.plan.nr)
			plan_fingerprint(&pl.plan, h.fingerprint);
		for (int i = 0; i < 2; i++) {
			drift_render(&pl, formats[i], false, false, &out[i]);
			h.len[i] = out[i].len;
		}
	}
	int failed = write_all(fd, &h, sizeof(h)) || write_all(fd, out[0].data, out[0].len) ||
	             write_all(fd, out[1].data, out[1].len);
	fflush(stderr);
	_exit(failed ? EXIT_ERROR : 0);
}

static void section_header(struct buf *out, enum render_format format, const struct env_result *r)
{
	const struct m_environment *e = r->env;
	const char *status = r->h.rc != EXIT_OK ? "could not be checked (see the errors above)"
	                     : r->h.changes     ? "drifted"
	                                        : "in sync";
	if (format == FORMAT_MARKDOWN)
		buf_addf(out, "\n## Environment `%s`: organization %s, %s\n\n", e->name,
		         e->organization, status);
	else
		buf_addf(out, "\n=== environment %s: organization '%s' at %s: %s ===\n", e->name,
		         e->organization, e->url, status);
}

static void json_string(struct buf *out, const char *s)
{
	json_quote(out, s, strlen(s));
}

/* Assembles the report of every environment in one format. */
static void assemble(struct buf *out, enum render_format format, int which,
                     const struct env_result *res, size_t n, size_t drifted, size_t failed)
{
	if (format == FORMAT_JSON) {
		buf_adds(out, "{\"format_version\":\"1\",\"kind\":\"drift-environments\","
		              "\"environments\":[");
		for (size_t i = 0; i < n; i++) {
			const struct env_result *r = &res[i];
			buf_adds(out, i ? ",{\"environment\":" : "{\"environment\":");
			json_string(out, r->env->name);
			buf_adds(out, ",\"organization\":");
			json_string(out, r->env->organization);
			buf_adds(out, ",\"url\":");
			json_string(out, r->env->url);
			buf_addf(out, ",\"status\":\"%s\",\"fingerprint\":",
			         r->h.rc != EXIT_OK ? "error"
			         : r->h.changes     ? "drifted"
			                            : "in-sync");
			if (r->h.rc == EXIT_OK && r->h.changes)
				json_string(out, r->h.fingerprint);
			else
				buf_adds(out, "null");
			buf_adds(out, ",\"report\":");
			if (r->h.rc == EXIT_OK && r->section[which]) {
				size_t len = r->h.len[which];
				while (len && r->section[which][len - 1] == '\n')
					len--;
				buf_add(out, r->section[which], len);
			} else {
				buf_adds(out, "null");
			}
			buf_addch(out, '}');
		}
		buf_addf(out,
		         "],\"summary\":{\"environments\":%zu,\"drifted\":%zu,\"errors\":%zu}}\n",
		         n, drifted, failed);
		return;
	}
	if (format == FORMAT_MARKDOWN)
		buf_addf(out, "# prismsync drift: %zu environment%s\n", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		section_header(out, format, &res[i]);
		if (res[i].h.rc == EXIT_OK && res[i].section[which])
			buf_add(out, res[i].section[which], res[i].h.len[which]);
	}
	buf_addf(out, "\n%sEnvironments: %zu checked, %zu drifted, %zu could not be checked.%s\n",
	         format == FORMAT_MARKDOWN ? "**" : "", n, drifted, failed,
	         format == FORMAT_MARKDOWN ? "**" : "");
}

/* Reads the base manifest, only for its list of environments. */
static int load_environments(struct manifest **out, struct common_opts *common)
{
	struct source *src = NULL;
	struct source_provenance prov = {0};
	struct diag_list diags;
	int rc;

	diag_list_init(&diags);
	if ((rc = cmd_open_source(&src, &prov, "drift", common)) != EXIT_OK)
		goto done;
	if (manifest_load(out, src, common->file, MANIFEST_SKIP_DEFINITIONS, &diags)) {
		print_diagnostics(&diags, common);
		fprintf(stderr, "prismsync drift: %s is not valid; nothing was read\n",
		        common->file);
		rc = EXIT_ERROR;
	} else if (!(*out)->environments_nr) {
		fprintf(stderr,
		        "prismsync drift: --all-envs needs a manifest with environments; %s "
		        "declares none\n",
		        common->file);
		rc = EXIT_ERROR;
	}
done:
	cmd_close_source(src);
	source_provenance_release(&prov);
	diag_list_release(&diags);
	return rc;
}

/*
 * Forks one process per environment, each running drift for its
 * environment and writing its result into a pipe (res[i].fd). An
 * environment that gets no process is marked failed.
 */
static void start_children(struct env_result *res, const struct manifest *m,
                           struct common_opts *common, const struct pipeline_opts *po,
                           enum render_format formats[2])
{
	for (size_t i = 0; i < m->environments_nr; i++) {
		int fds[2];
		res[i].env = &m->environments[i];
		res[i].fd = -1;
		if (pipe(fds) < 0 || (res[i].pid = fork()) < 0) {
			fprintf(stderr, "prismsync drift: cannot start a process for '%s': %s\n",
			        res[i].env->name, strerror(errno));
			res[i].h.rc = EXIT_ERROR;
			continue;
		}
		if (res[i].pid == 0) {
			close(fds[0]);
			for (size_t k = 0; k < i; k++)
				if (res[k].fd >= 0)
					close(res[k].fd);
			run_child(fds[1], res[i].env->name, common, po, formats);
		}
		close(fds[1]);
		res[i].fd = fds[0];
	}
}

/* Reads every child's result from its pipe and waits for it; a child that says nothing failed. */
static void collect_results(struct env_result *res, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct env_result *r = &res[i];
		if (r->fd < 0)
			continue;
		if (read_all(r->fd, &r->h, sizeof(r->h)) == 0) {
			r->received = true;
			for (int k = 0; k < 2 && r->h.rc == EXIT_OK; k++) {
				r->section[k] = xmalloc(r->h.len[k] + 1);
				if (read_all(r->fd, r->section[k], r->h.len[k]))
					r->h.rc = EXIT_ERROR;
				r->section[k][r->h.len[k]] = '\0';
			}
		}
		close(r->fd);
		int status = 0;
		while (waitpid(r->pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!r->received || !WIFEXITED(status) || WEXITSTATUS(status))
			r->h.rc = EXIT_ERROR;
	}
}

int drift_all_envs(struct common_opts *common, const struct pipeline_opts *po,
                   enum render_format format, const char *report, enum render_format report_format)
{
	struct manifest *m = NULL;
	struct env_result *res = NULL;
	enum render_format formats[2] = {format, report_format};
	size_t n = 0, drifted = 0, failed = 0;
	struct buf out = BUF_INIT;
	int rc;

	if ((rc = load_environments(&m, common)) != EXIT_OK)
		goto done;
	n = m->environments_nr;
	res = xcalloc(n, sizeof(*res));
	fflush(stdout);
	fflush(stderr);
	start_children(res, m, common, po, formats);
	collect_results(res, n);
	for (size_t i = 0; i < n; i++) {
		if (res[i].h.rc != EXIT_OK)
			failed++;
		else if (res[i].h.changes)
			drifted++;
	}
	assemble(&out, format, 0, res, n, drifted, failed);
	cmd_put_output(out.data, stdout);
	if (report) {
		buf_reset(&out);
		assemble(&out, report_format, 1, res, n, drifted, failed);
		if (write_file_atomic(report, out.data, out.len, 0644)) {
			fprintf(stderr, "prismsync drift: cannot write %s: %s\n", report,
			        strerror(errno));
			failed++;
		}
	}
	rc = failed ? EXIT_ERROR : drifted ? EXIT_CHANGES : EXIT_OK;
done:
	for (size_t i = 0; i < n && res; i++) {
		free(res[i].section[0]);
		free(res[i].section[1]);
	}
	free(res);
	buf_release(&out);
	manifest_free(m);
	return rc;
}
