/*
 * apply.c - the apply executor: an event-driven scheduler over the
 * client's parallel requests, no threads.
 *
 * Every change whose dependencies are all done is ready; up to the client's
 * parallelism of them are in flight at once, each a small state machine
 * whose steps (a mutation, a second step, a poll, the re-read that resolves
 * an unknown outcome) chain from one completion callback to the next. A
 * finished change makes its dependents ready, or blocks them when it
 * failed, and frees a slot for the next ready change. Changes are started
 * with the client held (api_mut_hold()), so that those of one kind that
 * start together go out in one request; the slots are the client's
 * parallelism times the batch size.
 */
#include "apply.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../live/live.h"
#include "../api/lookup.h"
#include "../api/mutations.h"
#include "../api/mutations_async.h"
#include "../util/error.h"
#include "../util/strmap.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* A name learned during the run: an address or identity and the id it has. */
struct known {
	char *key;
	char *id;
	int number; /* for published versions */
};

/*
 * The names learned so far, in an open-addressing hash table: an apply of
 * an L-sized organization looks up tens of thousands of them.
 */
struct known_table {
	struct strmap map; /* key -> struct known, both owned */
};

/* apply.h: what runs of one plan share. */
struct apply_memory {
	struct known_table ids, versions;
};

struct task;

struct run {
	const struct plan *p;
	struct api_client *client;
	const struct apply_opts *o;
	struct apply_result *r;
	struct known_table
	    ids; /* "customer.<eid>", "integration.<name>", "instance.<eid>/<name>" */
	struct known_table versions; /* "<integration name>" -> version published in this run */

	size_t *waiting; /* per change: dependencies not yet done */
	size_t
	    *dep_first; /* the dependents of change i: dep_list[dep_first[i] .. dep_first[i+1]) */
	size_t *dep_list;
	size_t *ready; /* changes ready to start, in the order they became ready */
	size_t ready_head, ready_tail;
	struct task **tasks; /* per change: the task while it is in flight */
	int limit;           /* changes in flight at most */
	int in_flight;
	bool pumping;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Records (or replaces) what key stands for. */
static void remember(struct known_table *t, const char *key, const char *id, int number)
{
	struct known *k = strmap_get(&t->map, key);
	if (k) {
		free(k->id);
	} else {
		k = xcalloc(1, sizeof(*k));
		k->key = xstrdup(key);
		strmap_add(&t->map, k->key, k);
	}
	k->id = xstrdup(id);
	k->number = number;
}

static const struct known *recall(const struct known_table *t, const char *key)
{
	return strmap_get(&t->map, key);
}

static void forget_all(struct known_table *t)
{
	size_t pos = 0;
	for (const struct strmap_entry *e; (e = strmap_next(&t->map, &pos));) {
		struct known *k = e->value;
		free(k->key);
		free(k->id);
		free(k);
	}
	strmap_release(&t->map);
}

/* A change's labels as the API takes them (borrowed from the plan). */
static struct api_labels api_labels_of(const struct plan_labels *l)
{
	struct api_labels a = {l->set, (const char *const *)l->items, l->nr};
	return a;
}

/* A config value to send: its text, or a secret read from the environment now. */
static int resolve_value(struct run *run, const struct plan_value *v, const char **out,
                         const char *key, const char *input, struct error *err)
{
	*out = v->text;
	if (!v->env)
		return 0;
	*out = run->o->getenv ? run->o->getenv(v->env) : getenv(v->env);
	error_add_secret(*out); /* no message may carry it, whatever the server echoes */
	if (*out)
		return 0;
	if (input)
		return error_set(err, ERR_INVALID,
		                 "environment variable %s (input '%s' of config variable '%s') is "
		                 "not set",
		                 v->env, input, key);
	return error_set(err, ERR_INVALID,
	                 "environment variable %s (config variable '%s') is not set", v->env, key);
}

/*
 * Config values of every form, with ${env:NAME} references resolved now
 * (secrets live only in memory, for this request). *inputs receives the
 * array every connection's inputs point into; free both.
 */
static int config_values(struct run *run, const struct plan_instance_in *pi,
                         struct api_config_value **out, size_t *nr,
                         struct api_config_input **inputs, struct error *err)
{
	struct api_config_value *v = NULL;
	struct api_config_input *in = NULL;
	size_t total = 0, used = 0, n = pi->config_nr;
	int rc = 0;
	*out = NULL;
	*nr = 0;
	*inputs = NULL;
	for (size_t i = 0; i < n; i++)
		total += pi->config[i].inputs_nr;
	v = xcalloc(n + 1, sizeof(*v));
	in = xcalloc(total + 1, sizeof(*in));
	for (size_t i = 0; i < n; i++) {
		const struct plan_config_var *cv = &pi->config[i];
		v[i].key = cv->key;
		switch (cv->kind) {
		case PLAN_CV_CONNECTION:
			v[i].is_connection = true;
			v[i].inputs = in + used;
			for (size_t k = 0; k < cv->inputs_nr; k++) {
				in[used].name = cv->inputs[k].name;
				if ((rc = resolve_value(run, &cv->inputs[k].value, &in[used].value,
				                        cv->key, in[used].name, err)))
					goto fail;
				if (!in[used].value)
					in[used].value = "";
				used++;
				v[i].inputs_nr++;
			}
			break;
		case PLAN_CV_CUSTOMER_CONNECTION:
			v[i].customer_var_id = cv->customer_var_id;
			break;
		case PLAN_CV_SCHEDULE: /* the expression is its value */
			v[i].schedule_type = "CUSTOM";
			v[i].time_zone = cv->time_zone;
			break;
		case PLAN_CV_VALUE:
			break;
		}
		if ((cv->kind == PLAN_CV_VALUE || cv->kind == PLAN_CV_SCHEDULE) &&
		    (rc = resolve_value(run, &cv->value, &v[i].value, cv->key, NULL, err)))
			goto fail;
	}
	*out = v;
	*nr = n;
	*inputs = in;
	return 0;
fail:
	free(v);
	free(in);
	return rc;
}

/* The part of an address after "<type>.": the externalId, the name, or "<eid>/<name>". */
static const char *address_key(const struct plan_change *c)
{
	const char *dot = strchr(c->address, '.');
	return dot ? dot + 1 : c->address;
}

/* The id of the object change c acts on: from the plan, or created earlier in this run. */
static const char *object_id(struct run *run, const struct plan_change *c)
{
	if (c->live_id)
		return c->live_id;
	const struct known *k = recall(&run->ids, c->address);
	return k ? k->id : NULL;
}

static int need_id(const char *id, const struct plan_change *c, struct error *err)
{
	if (id)
		return 0;
	return error_set(err, ERR_INVALID, "%s: no id known for it (was it created?)", c->address);
}

/* The published version an instance change asks for: named in the plan, or new in this run. */
static int version_for(struct run *run, const struct plan_instance_in *in, const char **version_id,
                       struct error *err)
{
	*version_id = NULL;
	if (!in->has_version)
		return 0; /* the version does not change */
	if (!in->version.is_new) {
		*version_id = in->version.id;
		return 0;
	}
	const struct known *k = recall(&run->versions, in->version.integration);
	if (!k)
		return error_set(err, ERR_INVALID,
		                 "the new version of integration '%s' is not known: it was not "
		                 "published in this run",
		                 in->version.integration);
	*version_id = k->id;
	return 0;
}

/* ---- a change in flight ---- */

typedef void (*task_step_fn)(struct task *t);

/*
 * How many times one step is sent again after answers that were lost (an
 * unknown outcome), each time after deciding from a re-read where one can
 * tell. One resend is not enough: on a flaky link the resend's answer can
 * be lost too, and which change that hits is a matter of timing.
 */
#define MAX_RESENDS 3

/*
 * One change being carried out. Everything its requests need is kept here
 * until it finishes, so a step can be sent once more after an unknown
 * outcome. Strings in the inputs are borrowed from the plan, the
 * environment or the run's lists, all of which outlive the task.
 */
struct task {
	struct run *run;
	size_t i;
	const struct plan_change *c;
	double started;

	const char *id; /* the object acted on; NULL for a create */
	struct api_config_value *cfg;
	size_t ncfg;
	struct api_config_input *cfg_inputs; /* what cfg's connections point into */
	struct api_customer_input customer;
	struct api_integration_input integration;
	struct api_instance_input instance;
	int version_number; /* publish: the version to wait for; deploy: the one expected */
	bool holds_slot;    /* counts against --parallelism */
	double wait_started;
	double next_report_s; /* waited this long: report the wait */
	long poll_delay_ms;
	int rereads; /* deploy: reads of its state so far */

	task_step_fn send; /* sends the current step (again) */
	task_step_fn then; /* the next step after the current one succeeds; NULL: finished */
	int resends;       /* times the current step was sent again after an unknown outcome */
	bool resolving;    /* deploy: reading its state after an unknown outcome */
	bool resend_on_notfound, notfound_ok; /* deletes */

	struct error err;     /* an unknown outcome's error, kept while it is resolved */
	struct live_state *s; /* what the re-read found */
};

static void pump(struct run *run);

static void task_free(struct task *t)
{
	free(t->cfg);
	free(t->cfg_inputs);
	error_release(&t->err);
	live_state_free(t->s);
	free(t);
}

static void report(struct run *run, size_t i, double started)
{
	const struct apply_opts *o = run->o;
	struct apply_result *r = run->r;
	if (!o->progress)
		return;
	struct apply_event ev = {
	    &run->p->changes[i], r->status[i],
	    r->message[i],       r->done + r->failed + r->blocked + r->not_started,
	    run->p->nr,          now_s() - started};
	o->progress(o->progress_ctx, &ev);
}

/* The first dependency of change j that failed or was blocked. */
static size_t blocker_of(const struct run *run, size_t j)
{
	const struct plan_change *c = &run->p->changes[j];
	for (size_t d = 0; d < c->deps_nr; d++) {
		enum change_status st = run->r->status[c->deps[d]];
		if (st == CS_FAILED || st == CS_BLOCKED)
			return c->deps[d];
	}
	return PLAN_NONE;
}

/* Blocks every change that depends on change i, directly or not. */
static void block_dependents(struct run *run, size_t i)
{
	struct apply_result *r = run->r;
	size_t *stack = xcalloc(run->p->nr + 1, sizeof(*stack));
	size_t top = 0;
	stack[top++] = i;
	while (top) {
		size_t k = stack[--top];
		for (size_t e = run->dep_first[k]; e < run->dep_first[k + 1]; e++) {
			size_t j = run->dep_list[e];
			if (r->status[j] != CS_PENDING || run->tasks[j])
				continue;
			const struct plan_change *b = &run->p->changes[blocker_of(run, j)];
			r->status[j] = CS_BLOCKED;
			r->message[j] = xasprintf("%s %s did not succeed", b->address,
			                          plan_action_name(b->action));
			r->blocked++;
			report(run, j, now_s());
			stack[top++] = j;
		}
	}
	free(stack);
}

/* Makes the dependents of change i that wait for nothing else ready. */
static void release_dependents(struct run *run, size_t i)
{
	for (size_t e = run->dep_first[i]; e < run->dep_first[i + 1]; e++) {
		size_t j = run->dep_list[e];
		if (--run->waiting[j] == 0 && run->r->status[j] == CS_PENDING)
			run->ready[run->ready_tail++] = j;
	}
}

/* Ends the task with rc (err says why when it is not 0) and starts what can start now. */
static void task_finish(struct task *t, int rc, const struct error *err)
{
	struct run *run = t->run;
	struct apply_result *r = run->r;
	size_t i = t->i;
	double started = t->started;

	if (rc) {
		r->status[i] = CS_FAILED;
		r->message[i] = xstrdup(err && err->message ? err->message : "failed");
		r->failed++;
	} else {
		r->status[i] = CS_DONE;
		r->done++;
	}
	run->tasks[i] = NULL;
	if (t->holds_slot)
		run->in_flight--;
	task_free(t);
	report(run, i, started);
	if (rc)
		block_dependents(run, i);
	else
		release_dependents(run, i);
	pump(run);
}

/* The current step succeeded: on to the next, or done. */
static void task_next(struct task *t)
{
	task_step_fn then = t->then;
	if (!then) {
		task_finish(t, 0, NULL);
		return;
	}
	t->then = NULL;
	t->resends = 0;
	then(t);
}

/*
 * The answer to an idempotent step: sent again when its outcome is unknown,
 * up to MAX_RESENDS times (and once, for an integration delete, when it was
 * not found: as before); a delete of something already gone succeeded.
 */
static void on_idempotent(void *ctx, int rc, const struct api_mut_result *res, struct error *err)
{
	struct task *t = ctx;
	(void)res;
	if ((rc == ERR_UNKNOWN_OUTCOME && t->resends < MAX_RESENDS) ||
	    (rc == ERR_NOTFOUND && t->resend_on_notfound && !t->resends)) {
		t->resends++;
		t->send(t);
		return;
	}
	if (rc == ERR_NOTFOUND && t->notfound_ok)
		rc = 0;
	if (rc)
		task_finish(t, rc, err);
	else
		task_next(t);
}

/* ---- creates: resolved by identity when the outcome is unknown ---- */

static void on_created(void *ctx, int rc, const struct api_mut_result *res, struct error *err);

static const char *found_id(const struct task *t)
{
	switch (t->c->type) {
	case RES_CUSTOMER:
		return t->s->customers_nr ? t->s->customers[0].id : NULL;
	case RES_INTEGRATION:
		return t->s->integrations_nr ? t->s->integrations[0].id : NULL;
	default:
		return t->s->instances_nr ? t->s->instances[0].id : NULL;
	}
}

static void created(struct task *t, const char *id)
{
	remember(&t->run->ids, t->c->address, id, 0);
	task_finish(t, 0, NULL);
}

/* Did the create happen after all? Found: done; certainly absent: create once more. */
static void on_create_resolved(void *ctx, int rc, bool found, struct error *err)
{
	struct task *t = ctx;
	const char *id = !rc && found ? found_id(t) : NULL;
	(void)err;
	if (id) {
		created(t, id);
	} else if (!rc && !found) {
		error_release(&t->err);
		t->resends++;
		t->send(t);
	} else {
		task_finish(t, ERR_UNKNOWN_OUTCOME, &t->err); /* still unknown: say so */
	}
}

static void find_created(struct task *t)
{
	struct run *run = t->run;
	live_state_free(t->s);
	t->s = live_state_new();
	switch (t->c->type) {
	case RES_CUSTOMER:
		api_find_customer_start(t->s, run->client, address_key(t->c), on_create_resolved,
		                        t);
		break;
	case RES_INTEGRATION:
		api_find_integration_start(t->s, run->client, address_key(t->c), on_create_resolved,
		                           t);
		break;
	default:
		api_find_instance_start(t->s, run->client, t->instance.customer_id,
		                        t->instance.name, on_create_resolved, t);
		break;
	}
}

static void on_created(void *ctx, int rc, const struct api_mut_result *res, struct error *err)
{
	struct task *t = ctx;
	if (!rc) {
		created(t, res->id);
	} else if (rc == ERR_UNKNOWN_OUTCOME && t->resends < MAX_RESENDS) {
		error_set(&t->err, rc, "%s", err->message ? err->message : "unknown outcome");
		find_created(t);
	} else {
		task_finish(t, rc, err);
	}
}

static void send_customer_create(struct task *t)
{
	api_customer_create_start(t->run->client, &t->customer, on_created, t);
}

static void send_customer_update(struct task *t)
{
	api_customer_update_start(t->run->client, t->id, &t->customer, on_idempotent, t);
}

static void send_integration_create(struct task *t)
{
	api_integration_import_start(t->run->client, NULL, t->c->in.definition, on_created, t);
}

static void send_integration_import(struct task *t)
{
	api_integration_import_start(t->run->client, t->id, t->c->in.definition, on_idempotent, t);
}

static void send_integration_update(struct task *t)
{
	api_integration_update_start(t->run->client, t->id, &t->integration, on_idempotent, t);
}

static void send_integration_delete(struct task *t)
{
	api_integration_delete_start(t->run->client, t->id, on_idempotent, t);
}

static void send_instance_create(struct task *t)
{
	api_instance_create_start(t->run->client, &t->instance, on_created, t);
}

static void send_instance_update(struct task *t)
{
	api_instance_update_start(t->run->client, t->id, &t->instance, on_idempotent, t);
}

static void send_instance_config(struct task *t)
{
	api_instance_set_config_start(t->run->client, t->id, t->cfg, t->ncfg, on_idempotent, t);
}

/*
 * ---- deploy: done when a re-read shows it ----
 *
 * deployInstance answering without an error is not enough: the instance is
 * read again and the deploy counts only when it no longer needs one and
 * runs the version expected. A deploy that may still be settling (the
 * instance still needs one) is read again for about 85 s, less and less
 * often.
 */

#define DEPLOY_REREADS 20 /* about 85 s in all: 0.5, 1, 2, 4 s, then every 5 s */

static void on_deployed(void *ctx, int rc, const struct api_mut_result *res, struct error *err);

static void send_instance_deploy(struct task *t)
{
	api_instance_deploy_start(t->run->client, t->id, on_deployed, t);
}

/* The version a deploy must leave running: the plan's, or the one published in this run. */
static int deploy_expected(struct run *run, const struct plan_version *v)
{
	if (!v->is_new)
		return v->number;
	const struct known *k = recall(&run->versions, v->integration);
	return k ? k->number : 0;
}

static void deploy_not_taken(struct task *t, const struct api_deploy_state *st);

static void on_deploy_state(void *ctx, int rc, const struct api_mut_result *res, struct error *err)
{
	struct task *t = ctx;
	const struct api_deploy_state *st = res->deploy;
	bool deployed;
	if (rc && t->resolving) {
		task_finish(t, ERR_UNKNOWN_OUTCOME, &t->err); /* still unknown: say so */
		return;
	}
	if (rc) {
		task_finish(t, rc, err);
		return;
	}
	deployed = !st->needs_deploy && st->deployed_version == t->version_number;
	if (deployed) {
		task_finish(t, 0, NULL);
		return;
	}
	if (t->resolving) {
		t->resolving = false;
		error_release(&t->err);
		t->resends++;
		send_instance_deploy(t);
		return;
	}
	/* Still settling only while it needs a deploy; another version running is an answer. */
	if (st->needs_deploy && ++t->rereads < DEPLOY_REREADS) {
		long delay = t->rereads < 5 ? 250L << t->rereads : 5000L;
		api_instance_deploy_state_start(t->run->client, t->id, delay, on_deploy_state, t);
		return;
	}
	deploy_not_taken(t, st);
}

/* deployInstance answered, but the instance does not run what was deployed: the change fails. */
static void deploy_not_taken(struct task *t, const struct api_deploy_state *st)
{
	struct error e = ERROR_INIT;
	char running[48];
	if (st->deployed_version)
		snprintf(running, sizeof(running), "runs version %d", st->deployed_version);
	else
		snprintf(running, sizeof(running), "was never deployed");
	if (st->needs_deploy)
		error_set(&e, ERR_API,
		          "deployInstance answered, but a re-read shows the instance still needs "
		          "a deploy (it %s; expected version %d)",
		          running, t->version_number);
	else
		error_set(&e, ERR_API,
		          "deployInstance answered, but a re-read shows the instance %s, not "
		          "version %d",
		          running, t->version_number);
	task_finish(t, e.code, &e);
	error_release(&e);
}

static void check_deployed(struct task *t)
{
	t->rereads = 0;
	api_instance_deploy_state_start(t->run->client, t->id, 0, on_deploy_state, t);
}

static void on_deployed(void *ctx, int rc, const struct api_mut_result *res, struct error *err)
{
	struct task *t = ctx;
	(void)res;
	if (rc == ERR_UNKNOWN_OUTCOME && t->resends < MAX_RESENDS) {
		/* Deployed after all? The state says; otherwise it is sent again. */
		error_set(&t->err, rc, "%s", err->message ? err->message : "unknown outcome");
		t->resolving = true;
		api_instance_deploy_state_start(t->run->client, t->id, 0, on_deploy_state, t);
	} else if (rc) {
		task_finish(t, rc, err);
	} else {
		check_deployed(t);
	}
}

static void send_instance_enabled(struct task *t)
{
	api_instance_set_enabled_start(t->run->client, t->id, t->c->action == PA_ENABLE,
	                               on_idempotent, t);
}

static void send_instance_delete(struct task *t)
{
	api_instance_delete_start(t->run->client, t->id, on_idempotent, t);
}

/* The second step of an instance update: the config variables. */
static void start_instance_config(struct task *t)
{
	t->send = send_instance_config;
	t->send(t);
}

/*
 * ---- publish: never twice; then wait until the version is available ----
 *
 * The plan says which number the publish makes: the draft's versionNumber
 * when the plan was made. The publish's answer must agree (otherwise someone else
 * published in between, and the version made is not the one planned), and
 * then exactly that number is waited for. A waiting publish gives its slot
 * back: it is only a poll on a timer, sent by the executor every so often,
 * and other changes run meanwhile.
 */

#define POLL_FIRST_DELAY_MS 200L
#define POLL_MAX_DELAY_MS   2000L
#define WAIT_REPORT_EVERY_S 10.0

static void on_published(void *ctx, int rc, const struct api_mut_result *res, struct error *err);
static void on_poll(void *ctx, int rc, const struct api_mut_result *res, struct error *err);

static void send_publish(struct task *t)
{
	const struct plan_publish_in *in = &t->c->in.publish;
	api_integration_publish_start(t->run->client, t->id, in->comment, in->attributes,
	                              on_published, t);
}

/* The task no longer counts against --parallelism; what is ready may start. */
static void release_slot(struct task *t)
{
	if (!t->holds_slot)
		return;
	t->holds_slot = false;
	t->run->in_flight--;
	pump(t->run);
}

static long publish_timeout_ms(const struct run *run)
{
	return run->o->publish_timeout_ms > 0 ? run->o->publish_timeout_ms
	                                      : APPLY_DEFAULT_PUBLISH_TIMEOUT_MS;
}

/* The next poll, no later than the next progress line or the deadline. */
static void poll_later(struct task *t)
{
	double waited = now_s() - t->wait_started;
	long delay = t->poll_delay_ms;
	long to_report = (long)((t->next_report_s - waited) * 1000.0);
	long to_deadline = (long)((double)publish_timeout_ms(t->run) - waited * 1000.0);
	if (to_report < delay)
		delay = to_report;
	if (to_deadline < delay)
		delay = to_deadline;
	if (delay < 0)
		delay = 0;
	t->poll_delay_ms = t->poll_delay_ms * 3 / 2;
	if (t->poll_delay_ms > POLL_MAX_DELAY_MS)
		t->poll_delay_ms = POLL_MAX_DELAY_MS;
	api_version_poll_start(t->run->client, t->id, t->version_number, delay, on_poll, t);
}

static void wait_available(struct task *t)
{
	t->wait_started = now_s();
	t->next_report_s = WAIT_REPORT_EVERY_S;
	t->poll_delay_ms = POLL_FIRST_DELAY_MS;
	/* First: a poll that cannot be sent finishes (and frees) the task at once. */
	release_slot(t);
	api_version_poll_start(t->run->client, t->id, t->version_number, 0, on_poll, t);
}

static void on_poll(void *ctx, int rc, const struct api_mut_result *res, struct error *err)
{
	struct task *t = ctx;
	struct run *run = t->run;
	struct error e = ERROR_INIT;
	if (rc) {
		task_finish(t, rc, err);
		return;
	}
	if (res->version) {
		remember(&run->versions, address_key(t->c), res->version->id, res->version->number);
		task_finish(t, 0, NULL);
		return;
	}
	double waited = now_s() - t->wait_started;
	if (waited * 1000.0 >= (double)publish_timeout_ms(run)) {
		error_set(&e, ERR_API,
		          "version %d did not become available within %ld s (--publish-timeout); "
		          "it was published and may still become available",
		          t->version_number, publish_timeout_ms(run) / 1000);
		task_finish(t, e.code, &e);
		error_release(&e);
		return;
	}
	if (waited >= t->next_report_s) {
		if (run->o->waiting) {
			struct apply_wait_event ev = {t->c, t->version_number, waited};
			run->o->waiting(run->o->progress_ctx, &ev);
		}
		while (t->next_report_s <= waited)
			t->next_report_s += WAIT_REPORT_EVERY_S;
	}
	poll_later(t);
}

static void send_await(struct task *t)
{
	t->version_number = t->c->in.publish.expected_version;
	wait_available(t);
}

/* Is the version there? A draft past the expected version means the publish happened. */
static void on_publish_resolved(void *ctx, int rc, bool found, struct error *err)
{
	struct task *t = ctx;
	int expected = t->c->in.publish.expected_version;
	(void)err;
	if (rc || !found || !t->s->integrations_nr) {
		task_finish(t, ERR_UNKNOWN_OUTCOME, &t->err); /* still unknown: say so */
		return;
	}
	error_release(&t->err);
	if (t->s->integrations[0].draft_version_number > expected) {
		t->version_number = expected;
		wait_available(t);
		return;
	}
	live_state_free(t->s);
	t->s = NULL;
	t->resends++;
	send_publish(t);
}

static void on_published(void *ctx, int rc, const struct api_mut_result *res, struct error *err)
{
	struct task *t = ctx;
	int expected = t->c->in.publish.expected_version;
	if (!rc) {
		if (res->version->number != expected) {
			struct error e = ERROR_INIT;
			error_set(&e, ERR_API,
			          "the publish made version %d, not version %d as planned: the "
			          "integration was published by someone else since the plan was "
			          "made; make a new plan",
			          res->version->number, expected);
			task_finish(t, e.code, &e);
			error_release(&e);
			return;
		}
		t->version_number = res->version->number;
		wait_available(t);
	} else if (rc == ERR_UNKNOWN_OUTCOME && t->resends < MAX_RESENDS) {
		error_set(&t->err, rc, "%s", err->message ? err->message : "unknown outcome");
		live_state_free(t->s);
		t->s = live_state_new();
		api_read_integration_start(t->s, t->run->client, t->id, on_publish_resolved, t);
	} else {
		task_finish(t, rc, err);
	}
}

/* ---- setting a task up: its inputs and its first step ---- */

static int customer_setup(struct task *t, struct error *err)
{
	const struct plan_customer_in *pc = &t->c->in.customer;
	struct api_customer_input in = {pc->name, pc->external_id, pc->description,
	                                api_labels_of(&pc->labels)};
	t->customer = in;
	if (t->c->action == PA_CREATE) {
		t->send = send_customer_create;
		return 0;
	}
	t->send = send_customer_update;
	return need_id(t->id, t->c, err);
}

static int integration_setup(struct task *t, struct error *err)
{
	const struct plan_change *c = t->c;
	if (c->action == PA_CREATE) {
		t->send = send_integration_create;
		return 0;
	}
	int rc = need_id(t->id, c, err);
	if (rc)
		return rc;
	switch (c->action) {
	case PA_IMPORT:
		t->send = send_integration_import;
		return 0;
	case PA_UPDATE: {
		const struct plan_integration_in *pi = &c->in.integration;
		struct api_integration_input in = {NULL, pi->description, NULL,
		                                   api_labels_of(&pi->labels)};
		t->integration = in;
		t->send = send_integration_update;
		return 0;
	}
	case PA_PUBLISH:
		/* Published by an earlier run that did not see it become available: only wait. */
		t->send = c->in.publish.published ? send_await : send_publish;
		/* The number the draft had when planned: what the publish must make and be waited
		 * for. */
		if (c->in.publish.expected_version < 1)
			return error_set(
			    err, ERR_INVALID,
			    "the plan does not say which version this publish makes; make a "
			    "new plan");
		return 0;
	case PA_DELETE:
		t->send = send_integration_delete;
		t->resend_on_notfound = true;
		t->notfound_ok = true;
		return 0;
	default:
		return error_set(err, ERR_INVALID, "%s: cannot %s an integration", c->address,
		                 plan_action_name(c->action));
	}
}

static int instance_create_setup(struct task *t, struct error *err)
{
	struct run *run = t->run;
	const struct plan_instance_in *pi = &t->c->in.instance;
	const char *customer_id = pi->customer_id;
	const char *version_id = NULL;
	int rc;

	if (!customer_id) {
		char *key = xasprintf("customer.%s", pi->customer);
		const struct known *k = recall(&run->ids, key);
		free(key);
		if (!k)
			return error_set(err, ERR_INVALID, "%s: its customer was not created",
			                 t->c->address);
		customer_id = k->id;
	}
	if ((rc = version_for(run, pi, &version_id, err)) ||
	    (rc = config_values(run, pi, &t->cfg, &t->ncfg, &t->cfg_inputs, err)))
		return rc;
	struct api_instance_input in = {
	    pi->name, customer_id, version_id, pi->description, api_labels_of(&pi->labels),
	    t->cfg,   t->ncfg,     false};
	t->instance = in;
	t->send = send_instance_create;
	return 0;
}

static int instance_update_setup(struct task *t, struct error *err)
{
	const struct plan_instance_in *pi = &t->c->in.instance;
	const char *version_id = NULL;
	int rc;
	if ((rc = version_for(t->run, pi, &version_id, err)) ||
	    (rc = config_values(t->run, pi, &t->cfg, &t->ncfg, &t->cfg_inputs, err)))
		return rc;
	struct api_instance_input in = {NULL,
	                                NULL,
	                                version_id,
	                                pi->description,
	                                api_labels_of(&pi->labels),
	                                NULL,
	                                0,
	                                pi->preserve_deploy_state && !version_id && !t->ncfg};
	t->instance = in;
	bool meta = version_id || in.description || in.labels.set;
	if (meta) {
		t->send = send_instance_update;
		t->then = t->ncfg ? start_instance_config : NULL;
	} else if (t->ncfg) {
		t->send = send_instance_config;
	}
	return 0;
}

static int instance_setup(struct task *t, struct error *err)
{
	const struct plan_change *c = t->c;
	if (c->action == PA_CREATE)
		return instance_create_setup(t, err);
	int rc = need_id(t->id, c, err);
	if (rc)
		return rc;
	switch (c->action) {
	case PA_UPDATE:
		return instance_update_setup(t, err);
	case PA_DEPLOY:
		t->send = send_instance_deploy;
		t->version_number = deploy_expected(t->run, &c->in.deploy);
		if (!t->version_number) /* without it no re-read can tell the deploy is done */
			return error_set(
			    err, ERR_INVALID,
			    "the plan does not say which version to deploy; make a new "
			    "plan");
		return 0;
	case PA_ENABLE:
	case PA_DISABLE:
		t->send = send_instance_enabled;
		return 0;
	case PA_DELETE:
		t->send = send_instance_delete;
		t->notfound_ok = true;
		return 0;
	default:
		return error_set(err, ERR_INVALID, "%s: cannot %s an instance", c->address,
		                 plan_action_name(c->action));
	}
}

/* Starts change i: its first request goes out, or it fails at once. */
static void task_start(struct run *run, size_t i)
{
	const struct plan_change *c = &run->p->changes[i];
	struct error err = ERROR_INIT;
	struct task *t = xcalloc(1, sizeof(*t));
	int rc;

	t->run = run;
	t->i = i;
	t->c = c;
	t->started = now_s();
	t->holds_slot = true;
	error_init(&t->err);
	run->tasks[i] = t;
	t->id = object_id(run, c);
	switch (c->type) {
	case RES_CUSTOMER:
		rc = customer_setup(t, &err);
		break;
	case RES_INTEGRATION:
		rc = integration_setup(t, &err);
		break;
	default:
		rc = instance_setup(t, &err);
		break;
	}
	if (rc)
		goto fail;
	if (!t->send) {
		task_finish(t, 0, NULL); /* nothing to send */
		return;
	}
	t->send(t);
	return;
fail:
	task_finish(t, rc, &err);
	error_release(&err);
}

static bool stopped(const struct run *run)
{
	return run->o->stop && *run->o->stop;
}

/* Starts ready changes while there is room; re-entered from completions, it runs once. */
static void pump(struct run *run)
{
	if (run->pumping)
		return;
	run->pumping = true;
	api_mut_hold(run->client); /* what starts together goes out together */
	while (run->ready_head < run->ready_tail && run->in_flight < run->limit && !stopped(run)) {
		size_t i = run->ready[run->ready_head++];
		run->in_flight++;
		task_start(run, i);
	}
	run->pumping = false;
	api_mut_release(run->client);
}

static int batch_size(const struct apply_opts *o)
{
	if (o->batch_size < 1)
		return APPLY_DEFAULT_BATCH_SIZE;
	return o->batch_size < APPLY_MAX_BATCH_SIZE ? o->batch_size : APPLY_MAX_BATCH_SIZE;
}

/* The dependents of every change, and the changes ready at the start. */
static void schedule_init(struct run *run)
{
	const struct plan *p = run->p;
	size_t edges = 0;
	run->waiting = xcalloc(p->nr + 1, sizeof(*run->waiting));
	run->dep_first = xcalloc(p->nr + 2, sizeof(*run->dep_first));
	run->ready = xcalloc(p->nr + 1, sizeof(*run->ready));
	run->tasks = xcalloc(p->nr + 1, sizeof(*run->tasks));
	for (size_t i = 0; i < p->nr; i++) {
		const struct plan_change *c = &p->changes[i];
		run->waiting[i] = c->deps_nr;
		for (size_t d = 0; d < c->deps_nr; d++)
			run->dep_first[c->deps[d] + 1]++;
		edges += c->deps_nr;
	}
	for (size_t i = 0; i < p->nr; i++)
		run->dep_first[i + 1] += run->dep_first[i];
	run->dep_list = xcalloc(edges + 1, sizeof(*run->dep_list));
	size_t *fill = xcalloc(p->nr + 1, sizeof(*fill));
	for (size_t i = 0; i < p->nr; i++) {
		const struct plan_change *c = &p->changes[i];
		for (size_t d = 0; d < c->deps_nr; d++) {
			size_t on = c->deps[d];
			run->dep_list[run->dep_first[on] + fill[on]++] = i;
		}
		if (!c->deps_nr)
			run->ready[run->ready_tail++] = i;
	}
	free(fill);
	run->limit = api_client_parallelism(run->client) * batch_size(run->o);
	if (run->limit < 1)
		run->limit = 1;
}

static void schedule_release(struct run *run)
{
	free(run->waiting);
	free(run->dep_first);
	free(run->dep_list);
	free(run->ready);
	free(run->tasks);
}

/*
 * After the transport itself failed: whatever did not finish failed with
 * it. After a stop, with the transport fine: whatever did not start was
 * not started.
 */
static void fail_unfinished(struct run *run, const struct error *err)
{
	struct apply_result *r = run->r;
	bool not_started = stopped(run) && err->code == ERR_GENERIC;
	for (size_t i = 0; i < run->p->nr; i++) {
		if (r->status[i] != CS_PENDING)
			continue;
		if (not_started && !run->tasks[i]) {
			r->status[i] = CS_NOT_STARTED;
			r->message[i] = xstrdup("not started: the apply was interrupted");
			r->not_started++;
			report(run, i, now_s());
			continue;
		}
		r->status[i] = CS_FAILED;
		r->message[i] = xstrdup(err->message ? err->message : "the change was not run");
		r->failed++;
		/* A task still in the transport's hands is left to it, not freed under it. */
		run->tasks[i] = NULL;
		report(run, i, now_s());
	}
}

int apply_run(struct apply_result *r, const struct plan *p, struct api_client *client,
              const struct apply_opts *o)
{
	struct run run;
	struct error err = ERROR_INIT;

	memset(&run, 0, sizeof(run));
	run.p = p;
	run.client = client;
	run.o = o;
	run.r = r;
	memset(r, 0, sizeof(*r));
	r->status = xcalloc(p->nr + 1, sizeof(*r->status));
	r->message = xcalloc(p->nr + 1, sizeof(*r->message));
	r->nr = p->nr;

	if (o->memory) {
		run.ids = o->memory->ids;
		run.versions = o->memory->versions;
	}
	schedule_init(&run);
	api_mut_batching(client, (size_t)batch_size(o), o->notice, o->progress_ctx);
	pump(&run);
	if (api_client_run(client, &err) ||
	    r->done + r->failed + r->blocked + r->not_started < p->nr) {
		if (!err.code)
			error_set(&err, ERR_GENERIC, "the change was not run");
		fail_unfinished(&run, &err);
	}
	error_release(&err);
	schedule_release(&run);
	if (o->memory) {
		o->memory->ids = run.ids;
		o->memory->versions = run.versions;
	} else {
		forget_all(&run.ids);
		forget_all(&run.versions);
	}
	return r->failed || r->blocked || r->not_started ? ERR_API : 0;
}

struct apply_memory *apply_memory_new(void)
{
	return xcalloc(1, sizeof(struct apply_memory));
}

void apply_memory_free(struct apply_memory *m)
{
	if (!m)
		return;
	forget_all(&m->ids);
	forget_all(&m->versions);
	free(m);
}

const char *apply_memory_id(const struct apply_memory *m, const char *address)
{
	const struct known *k = m ? recall(&m->ids, address) : NULL;
	return k ? k->id : NULL;
}

void apply_result_release(struct apply_result *r)
{
	for (size_t i = 0; r->message && i < r->nr; i++)
		free(r->message[i]);
	free(r->message);
	free(r->status);
	memset(r, 0, sizeof(*r));
}
