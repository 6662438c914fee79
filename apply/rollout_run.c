/*
 * rollout_run.c - carrying out a plan wave by wave (rollout.h): the changes
 * of each phase through apply_run(), then the wave's verification.
 */
#include "rollout_run.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply.h"
#include "../api/flowtest.h"
#include "../api/mutations.h"
#include "../util/error.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

#define NOTE_EVERY_S 10.0

struct runner {
	const struct plan *p;
	struct api_client *client;
	const struct apply_opts *o;
	struct apply_result *r;
	struct rollout_report *rep;
	struct apply_memory *mem;
	rollout_note_fn note;
	void *note_ctx;
	int parallelism;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void note(struct runner *rn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct runner *rn, const char *fmt, ...)
{
	if (!rn->note)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *line = xvasprintf(fmt, ap);
	va_end(ap);
	rn->note(rn->note_ctx, line);
	free(line);
}

/* ---- the changes of one phase ---- */

static void set_status(struct runner *rn, size_t i, enum change_status s, const char *message)
{
	struct apply_result *r = rn->r;
	if (r->status[i] == CS_DONE)
		r->done--;
	else if (r->status[i] == CS_FAILED)
		r->failed--;
	else if (r->status[i] == CS_BLOCKED)
		r->blocked--;
	else if (r->status[i] == CS_NOT_STARTED)
		r->not_started--;
	r->status[i] = s;
	free(r->message[i]);
	r->message[i] = message ? xstrdup(message) : NULL;
	if (s == CS_DONE)
		r->done++;
	else if (s == CS_FAILED)
		r->failed++;
	else if (s == CS_BLOCKED)
		r->blocked++;
	else if (s == CS_NOT_STARTED)
		r->not_started++;
}

static void report_blocked(struct runner *rn, size_t i, const char *why)
{
	set_status(rn, i, CS_BLOCKED, why);
	if (rn->o->progress) {
		struct apply_event ev = {&rn->p->changes[i],
		                         CS_BLOCKED,
		                         why,
		                         rn->r->done + rn->r->failed + rn->r->blocked,
		                         rn->p->nr,
		                         0};
		rn->o->progress(rn->o->progress_ctx, &ev);
	}
}

/*
 * Runs the pending changes marked in phase. A change whose dependency in an
 * earlier phase did not succeed is blocked without running.
 */
static void run_phase(struct runner *rn, const bool *phase)
{
	const struct plan *p = rn->p;
	struct plan sub;
	size_t *to_sub = xcalloc(p->nr + 1, sizeof(*to_sub)), *from_sub = NULL;
	plan_init(&sub);
	for (size_t i = 0; i < p->nr; i++) {
		const struct plan_change *c = &p->changes[i];
		to_sub[i] = PLAN_NONE;
		if (!phase[i] || rn->r->status[i] != CS_PENDING)
			continue;
		const char *blocker = NULL;
		for (size_t d = 0; d < c->deps_nr && !blocker; d++)
			if (to_sub[c->deps[d]] == PLAN_NONE && rn->r->status[c->deps[d]] != CS_DONE)
				blocker = p->changes[c->deps[d]].address;
		if (blocker) {
			char *why = xasprintf("blocked: %s did not succeed", blocker);
			report_blocked(rn, i, why);
			free(why);
			continue;
		}
		size_t k = plan_add(&sub, c->type, c->action, c->address);
		for (size_t f = 0; f < c->fields_nr; f++)
			plan_field(&sub, k, c->fields[f].name, c->fields[f].before,
			           c->fields[f].after, c->fields[f].sensitive);
		for (size_t d = 0; d < c->deps_nr; d++)
			if (to_sub[c->deps[d]] != PLAN_NONE)
				plan_depend(&sub, k, to_sub[c->deps[d]]);
		plan_set_live(&sub, k, c->live_id, c->fingerprint);
		if (c->note)
			plan_set_note(&sub, k, c->note);
		/* Borrowed from p for the sub-run; taken back before sub is released. */
		sub.changes[k].in = c->in;
		sub.changes[k].desired = c->desired;
		sub.changes[k].live = c->live;
		sub.changes[k].rollout = c->rollout;
		sub.changes[k].wave = c->wave;
		to_sub[i] = k;
	}
	if (sub.nr) {
		struct apply_opts o = *rn->o;
		struct apply_result sr;
		o.memory = rn->mem;
		from_sub = xcalloc(sub.nr + 1, sizeof(*from_sub));
		for (size_t i = 0; i < p->nr; i++)
			if (to_sub[i] != PLAN_NONE)
				from_sub[to_sub[i]] = i;
		apply_run(&sr, &sub, rn->client, &o);
		for (size_t k = 0; k < sub.nr; k++)
			set_status(rn, from_sub[k], sr.status[k], sr.message[k]);
		apply_result_release(&sr);
	}
	for (size_t k = 0; k < sub.nr; k++)
		memset(&sub.changes[k].in, 0, sizeof(sub.changes[k].in)); /* PI_NONE: p owns them */
	plan_release(&sub);
	free(to_sub);
	free(from_sub);
}

/* ---- verification ---- */

struct check {
	const struct plan_wave_member *member;
	const struct plan_verify *verify;
	const char *instance_id;
	char *execution_id;
	double started;
	long poll_ms;
	double next_poll;
	bool done, ok;
};

static void add_failure(struct runner *rn, const struct plan_rollout *pr,
                        const struct plan_wave *pw, const struct check *ck, const char *error,
                        bool rollback)
{
	struct rollout_report *rep = rn->rep;
	if (rep->failures_nr == rep->failures_alloc) {
		rep->failures_alloc = rep->failures_alloc ? rep->failures_alloc * 2 : 8;
		rep->failures =
		    xrealloc(rep->failures, rep->failures_alloc * sizeof(*rep->failures));
	}
	struct rollout_failure *f = &rep->failures[rep->failures_nr++];
	f->integration = xstrdup(pr->integration);
	f->wave = xstrdup(pw->name);
	f->instance = xstrdup(ck->member->address);
	f->flow = xstrdup(ck->verify->flow);
	f->execution_id = ck->execution_id ? xstrdup(ck->execution_id) : NULL;
	f->error = xstrdup(error);
	f->rollback = rollback;
}

/* The instance's id: from the plan, or created in this run. */
static const char *member_id(const struct runner *rn, const struct plan_wave_member *mb)
{
	return mb->live_id ? mb->live_id : apply_memory_id(rn->mem, mb->address);
}

/* Whether a change of member mb failed or was blocked in this run. */
static bool member_failed(const struct runner *rn, const struct plan_wave_member *mb)
{
	for (size_t i = 0; i < rn->p->nr; i++)
		if (rn->r->status[i] != CS_DONE && rn->r->status[i] != CS_PENDING &&
		    !strcmp(rn->p->changes[i].address, mb->address))
			return true;
	return false;
}

/* Marks the member's last change failed with the verification's error. */
static void fail_member(struct runner *rn, const struct plan_wave_member *mb, const char *msg)
{
	size_t last = PLAN_NONE;
	for (size_t i = 0; i < rn->p->nr; i++)
		if (!strcmp(rn->p->changes[i].address, mb->address))
			last = i;
	if (last != PLAN_NONE && rn->r->status[last] == CS_DONE)
		set_status(rn, last, CS_FAILED, msg);
}

static void check_finish(struct runner *rn, const struct plan_rollout *pr,
                         const struct plan_wave *pw, struct check *ck, bool ok, const char *error,
                         bool rollback)
{
	ck->done = true;
	ck->ok = ok;
	if (ok) {
		rn->rep->verified++;
		note(rn, "verified %s: flow '%s' ended in SUCCESS (%.1f s)", ck->member->address,
		     ck->verify->flow, now_s() - ck->started);
		return;
	}
	note(rn, "verification FAILED: %s, wave '%s', flow '%s': %s", ck->member->address, pw->name,
	     ck->verify->flow, error);
	add_failure(rn, pr, pw, ck, error, rollback);
	char *msg = xasprintf("verification failed in wave '%s', flow '%s'%s: %s", pw->name,
	                      ck->verify->flow, rollback ? " (after rollback)" : "", error);
	fail_member(rn, ck->member, msg);
	free(msg);
}

static void check_start(struct runner *rn, const struct plan_rollout *pr,
                        const struct plan_wave *pw, struct check *ck, bool rollback)
{
	struct error err = ERROR_INIT;
	char *fc = NULL;
	ck->started = now_s();
	ck->poll_ms = 250;
	if (!ck->instance_id) {
		check_finish(rn, pr, pw, ck, false, "no id is known for the instance", rollback);
	} else if (api_flow_config_find(&fc, rn->client, ck->instance_id, ck->verify->flow, &err) ||
	           api_flow_test(&ck->execution_id, rn->client, fc, ck->verify->payload,
	                         ck->verify->content_type, &err)) {
		char *why = xasprintf("the test could not start: %s", err.message);
		check_finish(rn, pr, pw, ck, false, why, rollback);
		free(why);
	} else {
		ck->next_poll = now_s() + ck->poll_ms / 1000.0;
	}
	free(fc);
	error_release(&err);
}

static void check_poll(struct runner *rn, const struct plan_rollout *pr, const struct plan_wave *pw,
                       struct check *ck, bool rollback)
{
	struct api_execution ex = {API_EXEC_RUNNING, NULL};
	struct error err = ERROR_INIT;
	double t = now_s();
	if (t < ck->next_poll)
		return;
	if (api_execution_get(&ex, rn->client, ck->execution_id, &err)) {
		char *why =
		    xasprintf("execution %s could not be read: %s", ck->execution_id, err.message);
		check_finish(rn, pr, pw, ck, false, why, rollback);
		free(why);
	} else if (ex.status == API_EXEC_SUCCESS) {
		check_finish(rn, pr, pw, ck, true, NULL, rollback);
	} else if (ex.status == API_EXEC_ERROR) {
		check_finish(rn, pr, pw, ck, false, ex.error ? ex.error : "the execution failed",
		             rollback);
	} else if ((t - ck->started) * 1000 >= (double)ck->verify->timeout_ms) {
		char *why = xasprintf("execution %s did not end within the timeout of %ld s",
		                      ck->execution_id, ck->verify->timeout_ms / 1000);
		check_finish(rn, pr, pw, ck, false, why, rollback);
		free(why);
	} else {
		ck->poll_ms = ck->poll_ms < 1000 ? ck->poll_ms * 2 : 1000;
		ck->next_poll = now_s() + ck->poll_ms / 1000.0;
	}
	api_execution_release(&ex);
	error_release(&err);
}

/*
 * Runs every verify flow on every member of pw that only[] selects (NULL:
 * every member that runs a version), at most rn->parallelism at a time.
 * Returns true when all ended in SUCCESS.
 */
static bool verify_wave(struct runner *rn, const struct plan_rollout *pr,
                        const struct plan_wave *pw, const bool *only, bool rollback)
{
	size_t n = 0, next = 0, finished = 0;
	struct check *checks = xcalloc(pw->members_nr * pr->verify_nr + 1, sizeof(*checks));
	bool ok = true;

	for (size_t k = 0; k < pw->members_nr; k++) {
		const struct plan_wave_member *mb = &pw->members[k];
		if (only ? !only[k] : (!mb->deploys && !mb->previous))
			continue; /* never deployed: nothing to run */
		if (!only && member_failed(rn, mb))
			continue; /* its change failed already, and says why */
		for (size_t v = 0; v < pr->verify_nr; v++) {
			checks[n].member = mb;
			checks[n].verify = &pr->verify[v];
			checks[n].instance_id = member_id(rn, mb);
			n++;
		}
	}
	if (!n)
		goto done;
	note(rn, "verifying wave '%s' of '%s'%s: %zu flow test%s", pw->name, pr->integration,
	     rollback ? " after rollback" : "", n, n == 1 ? "" : "s");
	double last_note = now_s();
	while (finished < n) {
		size_t running = 0;
		for (size_t i = 0; i < next; i++)
			running += !checks[i].done;
		while (next < n && running < (size_t)rn->parallelism) {
			check_start(rn, pr, pw, &checks[next++], rollback);
			running++;
		}
		for (size_t i = 0; i < next; i++)
			if (!checks[i].done)
				check_poll(rn, pr, pw, &checks[i], rollback);
		finished = 0;
		for (size_t i = 0; i < next; i++)
			finished += checks[i].done;
		if (finished == n)
			break;
		if (now_s() - last_note >= NOTE_EVERY_S) {
			const struct check *oldest = NULL;
			for (size_t i = 0; i < next && !oldest; i++)
				if (!checks[i].done)
					oldest = &checks[i];
			if (oldest)
				note(rn,
				     "still verifying wave '%s' of '%s': %zu of %zu done; waiting "
				     "for %s, "
				     "flow '%s' (%.0f s)",
				     pw->name, pr->integration, finished, n,
				     oldest->member->address, oldest->verify->flow,
				     now_s() - oldest->started);
			last_note = now_s();
		}
		sleep_ms(100);
	}
	for (size_t i = 0; i < n; i++)
		ok = ok && checks[i].ok;
done:
	for (size_t i = 0; i < n; i++)
		free(checks[i].execution_id);
	free(checks);
	return ok;
}

/* Moves the members this run deployed back to the version they ran; true when all moved. */
static bool roll_back(struct runner *rn, const struct plan_rollout *pr, const struct plan_wave *pw,
                      bool *moved)
{
	bool ok = true;
	for (size_t k = 0; k < pw->members_nr; k++) {
		const struct plan_wave_member *mb = &pw->members[k];
		const char *id = member_id(rn, mb);
		struct error err = ERROR_INIT;
		if (!mb->deploys || !id)
			continue;
		if (!mb->previous || !mb->previous_id) {
			note(rn, "cannot roll back %s: it ran no earlier version; left as it is",
			     mb->address);
			ok = false;
			continue;
		}
		struct api_instance_input in = {
		    NULL, NULL, mb->previous_id, NULL, {false, NULL, 0}, NULL, 0, false};
		if (api_instance_update(rn->client, id, &in, &err) ||
		    api_instance_deploy(rn->client, id, &err)) {
			note(rn, "rollback of %s to version %d FAILED: %s", mb->address,
			     mb->previous, err.message);
			ok = false;
		} else {
			note(rn, "rolled back %s to version %d of '%s'", mb->address, mb->previous,
			     pr->integration);
			moved[k] = true;
		}
		error_release(&err);
	}
	return ok;
}

/* ---- the whole plan ---- */

static void block_later_waves(struct runner *rn, size_t ri, size_t wi)
{
	const struct plan_rollout *pr = &rn->p->rollouts->items[ri];
	char *why = xasprintf("not run: wave '%s' of the rollout of '%s' failed",
	                      pr->waves[wi].name, pr->integration);
	for (size_t w = wi + 1; w < pr->waves_nr; w++)
		rn->rep->status[ri][w] = WAVE_NOT_RUN;
	for (size_t i = 0; i < rn->p->nr; i++) {
		const struct plan_change *c = &rn->p->changes[i];
		if (c->rollout == ri + 1 && c->wave > wi + 1 && rn->r->status[i] == CS_PENDING)
			report_blocked(rn, i, why);
	}
	free(why);
}

/* Deploys, verifies and if need be rolls back wave wi of rollout ri; false when it failed. */
static bool run_wave(struct runner *rn, size_t ri, size_t wi, bool *phase)
{
	const struct plan *p = rn->p;
	const struct plan_rollout *pr = &p->rollouts->items[ri];
	const struct plan_wave *pw = &pr->waves[wi];
	enum wave_status *st = &rn->rep->status[ri][wi];

	if (pw->reverify) {
		note(rn, "wave '%s' of '%s' runs the new version already: verifying it again first",
		     pw->name, pr->integration);
		*st = verify_wave(rn, pr, pw, NULL, false) ? WAVE_PASSED : WAVE_FAILED;
		return *st == WAVE_PASSED;
	}
	if (!pw->acts)
		return true;
	note(rn, "wave '%s' of '%s': %zu instance%s", pw->name, pr->integration, pw->members_nr,
	     pw->members_nr == 1 ? "" : "s");
	for (size_t i = 0; i < p->nr; i++)
		phase[i] = p->changes[i].rollout == ri + 1 && p->changes[i].wave == wi + 1;
	run_phase(rn, phase);
	bool deployed = true;
	for (size_t k = 0; k < pw->members_nr; k++)
		deployed = deployed && !member_failed(rn, &pw->members[k]);
	bool ok = verify_wave(rn, pr, pw, NULL, false) && deployed;
	if (ok) {
		*st = WAVE_PASSED;
		return true;
	}
	*st = WAVE_FAILED;
	if (!pr->rollback)
		return false;
	bool *moved = xcalloc(pw->members_nr + 1, sizeof(*moved));
	bool back = roll_back(rn, pr, pw, moved);
	bool any = false;
	for (size_t k = 0; k < pw->members_nr; k++)
		any = any || moved[k];
	if (any)
		back = verify_wave(rn, pr, pw, moved, true) && back;
	*st = back && any ? WAVE_ROLLED_BACK : WAVE_ROLLBACK_FAILED;
	free(moved);
	return false;
}

int rollout_apply(struct apply_result *r, struct rollout_report *rep, const struct plan *p,
                  struct api_client *client, const struct apply_opts *o, rollout_note_fn note_fn,
                  void *note_ctx)
{
	if (!p->rollouts || !p->rollouts->nr) {
		/* No waves: the plan runs as one, exactly as apply_run() runs it. */
		memset(rep, 0, sizeof(*rep));
		return apply_run(r, p, client, o);
	}
	struct runner rn = {p,       client,   o,
	                    r,       rep,      apply_memory_new(),
	                    note_fn, note_ctx, api_client_parallelism(client)};
	bool *phase = xcalloc(p->nr + 1, sizeof(*phase));
	size_t nr = p->rollouts ? p->rollouts->nr : 0;

	memset(r, 0, sizeof(*r));
	memset(rep, 0, sizeof(*rep));
	r->nr = p->nr;
	r->status = xcalloc(p->nr + 1, sizeof(*r->status));
	r->message = xcalloc(p->nr + 1, sizeof(*r->message));
	if (rn.parallelism < 1)
		rn.parallelism = 1;
	rep->rollouts_nr = nr;
	rep->status = xcalloc(nr + 1, sizeof(*rep->status));
	for (size_t ri = 0; ri < nr; ri++)
		rep->status[ri] =
		    xcalloc(p->rollouts->items[ri].waves_nr + 1, sizeof(*rep->status[ri]));

	/* Changes in no wave first; one that depends on a wave change waits for the end. */
	bool *late = xcalloc(p->nr + 1, sizeof(*late));
	for (size_t i = 0; i < p->nr; i++) {
		const struct plan_change *c = &p->changes[i];
		for (size_t d = 0; d < c->deps_nr && !c->wave; d++)
			late[i] = late[i] || late[c->deps[d]] || p->changes[c->deps[d]].wave;
		phase[i] = !c->wave && !late[i];
	}
	run_phase(&rn, phase);
	for (size_t ri = 0; ri < nr; ri++) {
		const struct plan_rollout *pr = &p->rollouts->items[ri];
		for (size_t wi = 0; wi < pr->waves_nr; wi++) {
			if (o->stop && *o->stop)
				break; /* interrupted: the wave's changes end not started */
			if (!run_wave(&rn, ri, wi, phase)) {
				block_later_waves(&rn, ri, wi);
				break;
			}
		}
	}
	if (o->stop && *o->stop)
		for (size_t i = 0; i < p->nr; i++)
			if (!late[i] && r->status[i] == CS_PENDING)
				set_status(&rn, i, CS_NOT_STARTED,
				           "not started: apply was interrupted");
	for (size_t i = 0; i < p->nr; i++)
		phase[i] = late[i];
	run_phase(&rn, phase);
	free(late);
	free(phase);
	apply_memory_free(rn.mem);
	return r->failed || r->blocked || rep->failures_nr ? ERR_API : 0;
}

void rollout_report_release(struct rollout_report *rep)
{
	for (size_t i = 0; rep->status && i < rep->rollouts_nr; i++)
		free(rep->status[i]);
	free(rep->status);
	for (size_t i = 0; i < rep->failures_nr; i++) {
		struct rollout_failure *f = &rep->failures[i];
		free(f->integration);
		free(f->wave);
		free(f->instance);
		free(f->flow);
		free(f->execution_id);
		free(f->error);
	}
	free(rep->failures);
	memset(rep, 0, sizeof(*rep));
}
