#include "apply_rollout.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "pipeline.h"
#include "render_rollout.h"
#include "../apply/rollout_run.h"
#include "../util/buf.h"
#include "../util/banned.h"

static void on_note(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

static void print_summary(const struct plan *p, const struct apply_result *r,
                          const struct rollout_report *rep, int interrupted)
{
	for (size_t ri = 0; p->rollouts && ri < rep->rollouts_nr; ri++) {
		const struct plan_rollout *pr = &p->rollouts->items[ri];
		fprintf(stderr, "Rollout of '%s':", pr->integration);
		for (size_t w = 0; w < pr->waves_nr; w++)
			fprintf(stderr, "%s wave '%s' %s", w ? "," : "", pr->waves[w].name,
			        wave_status_name(rep->status[ri][w]));
		fputs(".\n", stderr);
	}
	for (size_t i = 0; i < rep->failures_nr; i++) {
		const struct rollout_failure *f = &rep->failures[i];
		fprintf(
		    stderr,
		    "Verification failed%s: rollout of '%s', wave '%s', %s, flow '%s'%s%s: %s\n",
		    f->rollback ? " after rollback" : "", f->integration, f->wave, f->instance,
		    f->flow, f->execution_id ? ", execution " : "",
		    f->execution_id ? f->execution_id : "", f->error);
	}
	for (size_t ri = 0; p->rollouts && ri < rep->rollouts_nr; ri++)
		for (size_t w = 0; w < p->rollouts->items[ri].waves_nr; w++)
			if (rep->status[ri][w] == WAVE_ROLLED_BACK)
				fprintf(stderr,
				        "Wave '%s' of '%s' runs the version it ran before again. "
				        "The next "
				        "apply tries the new version again; to stay on the old "
				        "one, pin "
				        "'version: N' on its instances in the manifest.\n",
				        p->rollouts->items[ri].waves[w].name,
				        p->rollouts->items[ri].integration);
	if (interrupted) {
		fprintf(stderr,
		        "Apply interrupted: %zu done, %zu failed, %zu blocked, %zu not started. "
		        "Run apply again to finish.\n",
		        r->done, r->failed, r->blocked, r->not_started);
		return;
	}
	bool bad = r->failed || r->blocked || rep->failures_nr;
	fprintf(stderr, "Apply %s: %zu done, %zu failed, %zu blocked",
	        bad ? "finished with failures" : "complete", r->done, r->failed, r->blocked);
	if (rep->verified || rep->failures_nr)
		fprintf(stderr, "; %zu flow test%s passed, %zu failed", rep->verified,
		        rep->verified == 1 ? "" : "s", rep->failures_nr);
	fputs(".\n", stderr);
}

int cmd_apply_execute(const struct plan *p, struct api_client *client, const struct apply_opts *o,
                      const char *report_path)
{
	struct apply_result r;
	struct rollout_report rep;
	int rc;

	rollout_apply(&r, &rep, p, client, o, on_note, NULL);
	int interrupted = o->stop ? *o->stop : 0;
	print_summary(p, &r, &rep, interrupted);
	/* Stopped by a signal: 128 + its number, as the shell reports a kill. */
	rc = interrupted                                ? 128 + interrupted
	     : r.failed || r.blocked || rep.failures_nr ? EXIT_PARTIAL
	                                                : EXIT_OK;
	if (report_path) {
		struct buf out = BUF_INIT;
		render_apply_report(p, &r, &rep, &out);
		if (write_file_atomic(report_path, out.data, out.len, 0644)) {
			fprintf(stderr, "prismsync apply: cannot write the report %s: %s\n",
			        report_path, strerror(errno));
			rc = EXIT_ERROR;
		}
		buf_release(&out);
	}
	apply_result_release(&r);
	rollout_report_release(&rep);
	return rc;
}
