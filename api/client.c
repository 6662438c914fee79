/*
 * client.c - credentials, requests and their retries over the transport.
 */
#include "client.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "call.h"
#include "documents.h"
#include "gql.h"
#include "http.h"
#include "retry.h"
#include "../util/buf.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* Do not refresh ahead of expiry more often than this. */
#define PROACTIVE_REFRESH_MIN_INTERVAL_MS 10000

struct api_client {
	struct http_engine *engine;
	struct retry_policy policy;
	size_t max_body;
	api_log_fn log;
	void *log_ctx;
	struct api_stats stats;
	uint64_t rng;

	char *access;
	bool have_exp;
	long long exp, iat;
	char *refresh;
	char *tenant;
	unsigned gen;
	long long refreshed_at_ms;

	bool refreshing;
	bool auth_failed;
	struct error auth_err;
	struct http_xfer refresh_xfer;
	char *refresh_body;
	size_t refresh_body_len;
	int refresh_attempt;
	long long refresh_first_ms;
	struct api_call *waiting;
	struct mut_batcher *batcher;
};

static void wipe_free(char *s)
{
	if (!s)
		return;
	volatile char *p = s;
	while (*p)
		*p++ = 0;
	free(s);
}

static double next_random(struct api_client *c)
{
	/* xorshift64*: jitter only, not security. */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return (double)((c->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static int env_long(const char *name, long min, long max, long *out, struct error *err)
{
	const char *v = env(name);
	if (!v)
		return 0;
	if (parse_long(v, min, max, out))
		return error_set(err, ERR_INVALID, "%s must be a number between %ld and %ld", name,
		                 min, max);
	return 0;
}

int api_options_from_env(struct api_options *o, struct error *err)
{
	long timeout = 0, max = 0;
	memset(o, 0, sizeof(*o));
	o->origin = env("PRISMATIC_URL");
	o->access_token = env("PRISM_ACCESS_TOKEN");
	o->refresh_token = env("PRISM_REFRESH_TOKEN");
	if (!o->refresh_token)
		o->refresh_token = env("PRISMATIC_REFRESH_TOKEN");
	o->tenant_id = env("PRISMATIC_TENANT_ID");
	if (env_long("PRISMSYNC_HTTP_TIMEOUT_MS", 100, 3600000, &timeout, err) ||
	    env_long("PRISMSYNC_MAX_RESPONSE_BYTES", 1024, 1L << 30, &max, err))
		return err->code;
	o->timeout_ms = timeout;
	o->max_response_bytes = (size_t)max;
	return 0;
}

/* A token goes into a header: refuse anything that could break out of it. */
static bool token_ok(const char *t)
{
	for (const unsigned char *p = (const unsigned char *)t; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return false;
	return true;
}

static void set_access(struct api_client *c, char *token)
{
	wipe_free(c->access);
	c->access = token;
	error_add_secret(token); /* whatever a server echoes, no output carries it */
	c->have_exp = token && auth_jwt_times(token, &c->exp, &c->iat) == 0;
	c->gen++;
}

int api_client_new(struct api_client **out, const struct api_options *o, struct error *err)
{
	struct http_options ho = {0};
	struct api_client *c = NULL;
	const char *access = o->access_token && *o->access_token ? o->access_token : NULL;
	const char *refresh = o->refresh_token && *o->refresh_token ? o->refresh_token : NULL;
	int rc;

	if (!access && !refresh)
		return error_set(err, ERR_AUTH,
		                 "no credentials: set PRISM_REFRESH_TOKEN (or "
		                 "PRISMATIC_REFRESH_TOKEN) or PRISM_ACCESS_TOKEN");
	if (access && !token_ok(access))
		return error_set(err, ERR_AUTH,
		                 "PRISM_ACCESS_TOKEN holds spaces or control characters; it is not "
		                 "a token");
	if (refresh && !token_ok(refresh))
		return error_set(err, ERR_AUTH,
		                 "the refresh token holds spaces or control characters; it is not "
		                 "a token");
	c = xcalloc(1, sizeof(*c));
	ho.origin = o->origin ? o->origin : API_DEFAULT_ORIGIN;
	ho.connect_timeout_ms = o->connect_timeout_ms;
	ho.timeout_ms = o->timeout_ms;
	ho.max_response_bytes = o->max_response_bytes;
	ho.parallelism = o->read_parallelism > 0 ? o->read_parallelism : API_READ_PARALLELISM;
	ho.write_parallelism = o->parallelism > 0 ? o->parallelism : API_WRITE_PARALLELISM;
	if ((rc = http_engine_new(&c->engine, &ho, err)) != 0) {
		free(c);
		return rc;
	}
	retry_policy_default(&c->policy);
	c->max_body = o->max_response_bytes ? o->max_response_bytes : (size_t)64 * 1024 * 1024;
	c->log = o->log;
	c->log_ctx = o->log_ctx;
	c->rng = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid() ^
	         (uint64_t)(uintptr_t)c;
	if (!c->rng)
		c->rng = 1;
	if (access)
		set_access(c, xstrdup(access));
	c->refresh = refresh ? xstrdup(refresh) : NULL;
	error_add_secret(refresh);
	c->tenant = o->tenant_id && *o->tenant_id ? xstrdup(o->tenant_id) : NULL;
	error_init(&c->auth_err);
	http_xfer_init(&c->refresh_xfer, 1024 * 1024);
	*out = c;
	return 0;
}

void api_client_free(struct api_client *c)
{
	if (!c)
		return;
	http_engine_free(c->engine);
	http_xfer_release(&c->refresh_xfer);
	wipe_free(c->refresh_body);
	wipe_free(c->access);
	wipe_free(c->refresh);
	free(c->tenant);
	error_release(&c->auth_err);
	mut_batcher_free(c->batcher);
	free(c);
}

struct mut_batcher **api_client_batcher(struct api_client *c)
{
	return &c->batcher;
}

void api_client_stats(const struct api_client *c, struct api_stats *out)
{
	*out = c->stats;
}

/* Replaces any token that a server might have echoed back in a message. */
static void scrub(struct api_client *c, struct error *err)
{
	const char *secrets[] = {c->access, c->refresh};
	for (size_t i = 0; i < 2; i++) {
		const char *s = secrets[i];
		if (!err->message || !s || strlen(s) < 8)
			continue;
		char *hit;
		while ((hit = strstr(err->message, s))) {
			char *m = xasprintf("%.*s[redacted]%s", (int)(hit - err->message),
			                    err->message, hit + strlen(s));
			free(err->message);
			err->message = m;
		}
	}
}

/* call: the GraphQL request the attempt was for; NULL for /auth/refresh. */
static void log_attempt(struct api_client *c, const struct api_call *call, const char *op,
                        const struct http_result *r, int attempt, const char *next)
{
	if (!c->log)
		return;
	struct api_log_event ev = {
	    op,
	    r->status,
	    r->failure == HTTP_FAIL_NONE ? NULL : r->message,
	    r->elapsed_s,
	    attempt,
	    next,
	    http_engine_limit(c->engine),
	    call && !call->mutation ? call->body : NULL,
	};
	c->log(c->log_ctx, &ev);
}

static void on_call_done(struct http_engine *engine, struct http_xfer *xfer);
static void start_refresh(struct api_client *c);

static void finish_call(struct api_call *call, int rc, const struct jval *data, struct error *err)
{
	if (rc)
		scrub(call->client, err);
	call->done(call, rc, data, err);
}

struct jdoc *api_call_take_answer(struct api_call *call)
{
	struct jdoc *doc = NULL;
	if (call->answer) {
		doc = *call->answer;
		*call->answer = NULL;
	}
	return doc;
}

static void fail_call(struct api_call *call, int code, const char *msg)
{
	call->answer = NULL;
	struct error err = ERROR_INIT;
	error_set(&err, code, "%s", msg);
	finish_call(call, code, NULL, &err);
	error_release(&err);
}

static bool needs_refresh(struct api_client *c)
{
	if (!c->refresh || c->auth_failed)
		return false;
	if (!c->access)
		return true;
	if (!c->have_exp)
		return false;
	if (c->refreshed_at_ms &&
	    http_now_ms() - c->refreshed_at_ms < PROACTIVE_REFRESH_MIN_INTERVAL_MS)
		return false;
	return auth_should_refresh((long long)time(NULL), c->exp, c->iat);
}

static void park(struct api_call *call)
{
	struct api_client *c = call->client;
	call->next_waiting = c->waiting;
	c->waiting = call;
	start_refresh(c);
}

/* Hands the call to the transport with the current token. */
static void send_call(struct api_call *call, long delay_ms)
{
	struct api_client *c = call->client;
	if (!c->access) {
		fail_call(call, ERR_AUTH,
		          c->auth_failed && c->auth_err.message ? c->auth_err.message
		                                                : "no access token");
		return;
	}
	wipe_free(call->bearer);
	call->bearer = xstrdup(c->access);
	call->gen = c->gen;
	call->xfer.bearer = call->bearer;
	http_engine_add(c->engine, &call->xfer, delay_ms);
}

static void submit(struct api_call *call, long delay_ms)
{
	struct api_client *c = call->client;
	if (c->auth_failed && c->refresh) {
		fail_call(call, c->auth_err.code ? c->auth_err.code : ERR_AUTH,
		          c->auth_err.message ? c->auth_err.message : "authentication failed");
		return;
	}
	if (needs_refresh(c)) {
		park(call);
		return;
	}
	if (!c->access && !c->refresh) {
		fail_call(call, ERR_AUTH, "no access token");
		return;
	}
	if (!c->refresh && c->have_exp && c->exp <= (long long)time(NULL)) {
		fail_call(call, ERR_AUTH,
		          "the access token in PRISM_ACCESS_TOKEN has expired; set "
		          "PRISM_REFRESH_TOKEN or get a new access token");
		return;
	}
	send_call(call, delay_ms);
}

void api_call_init(struct api_call *call, struct api_client *c, const char *document,
                   struct json_object *variables, api_call_done_fn done, void *userdata)
{
	memset(call, 0, sizeof(*call));
	http_xfer_init(&call->xfer, c->max_body);
	call->client = c;
	gql_document_info(document, &call->mutation, call->op, sizeof(call->op));
	call->body = gql_request_body(document, variables, &call->body_len);
	call->done = done;
	call->userdata = userdata;
	call->xfer.path = "/api";
	call->xfer.body = call->body;
	call->xfer.body_len = call->body_len;
	call->xfer.fresh_connection = call->mutation;
	call->xfer.write = call->mutation;
	call->xfer.done = on_call_done;
	call->xfer.userdata = call;
}

void api_call_release(struct api_call *call)
{
	if (!call)
		return;
	http_xfer_release(&call->xfer);
	free(call->body);
	wipe_free(call->bearer);
	call->body = NULL;
	call->bearer = NULL;
}

void api_call_start(struct api_call *call)
{
	api_call_start_delayed(call, 0);
}

void api_call_start_delayed(struct api_call *call, long delay_ms)
{
	if (delay_ms < 0)
		delay_ms = 0;
	call->attempt = 1;
	call->first_ms = http_now_ms() + delay_ms;
	call->auth_retried = false;
	submit(call, delay_ms);
}

int api_client_parallelism(const struct api_client *c)
{
	return http_engine_write_parallelism(c->engine);
}

int api_client_read_parallelism(const struct api_client *c)
{
	return http_engine_read_parallelism(c->engine);
}

int api_client_run(struct api_client *c, struct error *err)
{
	return http_engine_run(c->engine, err);
}

static const char *failure_word(enum http_failure f)
{
	switch (f) {
	case HTTP_FAIL_CONNECT:
		return "connection failed";
	case HTTP_FAIL_TIMEOUT:
		return "timed out";
	case HTTP_FAIL_DROPPED:
		return "connection dropped";
	case HTTP_FAIL_TOO_LARGE:
		return "response too large";
	case HTTP_FAIL_TLS:
		return "TLS failure";
	default:
		return "transfer failed";
	}
}

/* Sends call again once a fresh access token is there (after a 401 or its GraphQL twin). */
static void retry_after_refresh(struct api_call *call, const struct http_result *r)
{
	struct api_client *c = call->client;
	log_attempt(c, call, call->op, r, call->attempt, "refresh the access token and retry");
	call->auth_retried = true;
	call->attempt++;
	if (call->gen == c->gen) {
		c->refreshed_at_ms = 0;
		park(call);
	} else {
		send_call(call, 0);
	}
}

static void count_attempt(struct api_client *c, const struct api_call *call,
                          const struct http_result *r)
{
	c->stats.requests++;
	if (call->attempt > 1)
		c->stats.retries++;
	if (r->failure == HTTP_FAIL_NONE && r->status == 429)
		c->stats.throttled++;
}

/*
 * The error of a final attempt that brought no answer to decode: the
 * transfer failed, or a mutation's outcome is unknown (verdict
 * RETRY_UNKNOWN). attempts is "" or " (after N attempts)".
 */
static int transfer_error(const struct api_call *call, const struct http_result *r,
                          enum retry_verdict verdict, const char *attempts, struct error *err)
{
	if (r->failure == HTTP_FAIL_NONE)
		return error_set(err, ERR_UNKNOWN_OUTCOME,
		                 "%s: HTTP %ld; the change may or may not have been made", call->op,
		                 r->status);
	if (verdict == RETRY_UNKNOWN)
		return error_set(err, ERR_UNKNOWN_OUTCOME,
		                 "%s: %s (%s); the change may or may not have been made", call->op,
		                 failure_word(r->failure), r->message);
	return error_set(err, r->failure == HTTP_FAIL_TOO_LARGE ? ERR_TOO_LARGE : ERR_NETWORK,
	                 "%s: %s: %s%s", call->op, failure_word(r->failure), r->message, attempts);
}

/*
 * Decodes a final answer into *answer and *data (borrowed from it), or an
 * error. A GraphQL error saying
 * the token is expired or invalid is handled as a 401 (refresh, send again)
 * when it can be: then *resent is true and nothing else is done.
 */
static int decode_answer(struct jdoc **answer, const struct jval **data, bool *resent,
                         struct api_call *call, const struct http_result *r, const char *attempts,
                         struct error *err)
{
	struct api_client *c = call->client;
	struct error derr = ERROR_INIT;
	int rc;

	*resent = false;
	if (call->keep_errors) {
		rc = gql_decode_batch_response(answer, r->status, r->body.data, r->body.len,
		                               call->op, &derr);
		if (!rc)
			*data = jdoc_root(*answer);
	} else {
		rc = gql_decode_response(answer, data, r->status, r->body.data, r->body.len,
		                         call->op, &derr);
	}
	if (rc == ERR_AUTH && r->status == 200 && c->refresh && !call->auth_retried) {
		error_release(&derr);
		retry_after_refresh(call, r);
		*resent = true;
		return 0;
	}
	/* A mutation's answer that is not JSON may come from after the change was made. */
	if (rc && call->mutation && rc == ERR_PARSE)
		rc = error_set(err, ERR_UNKNOWN_OUTCOME,
		               "%s; the change may or may not have been made", derr.message);
	else if (rc)
		error_set(err, rc, "%s%s", derr.message, attempts);
	error_release(&derr);
	return rc;
}

/*
 * One attempt of a call ended: retried (after a refresh, or by the retry
 * policy's decision), or finished with its data or error.
 */
static void on_call_done(struct http_engine *engine, struct http_xfer *xfer)
{
	struct api_call *call = xfer->userdata;
	struct api_client *c = call->client;
	const struct http_result *r = &xfer->result;
	struct error err = ERROR_INIT;
	const struct jval *data = NULL;
	struct jdoc *answer = NULL;
	char next[64], attempts[48] = "";
	bool resent = false;
	int rc;

	count_attempt(c, call, r);
	if (r->failure == HTTP_FAIL_NONE && r->status == 401 && c->refresh && !call->auth_retried) {
		retry_after_refresh(call, r);
		return;
	}

	struct retry_attempt a = {
	    call->mutation,   r->failure,    r->status,
	    r->retry_after_s, call->attempt, (long)(http_now_ms() - call->first_ms),
	    next_random(c),
	};
	struct retry_decision d = retry_decide(&c->policy, &a);
	if (d.throttled)
		http_engine_throttled(engine, d.hold_ms);
	if (d.verdict == RETRY_AGAIN) {
		snprintf(next, sizeof(next), "retry in %ld ms", d.delay_ms);
		log_attempt(c, call, call->op, r, call->attempt, next);
		call->attempt++;
		submit(call, d.delay_ms);
		return;
	}
	log_attempt(c, call, call->op, r, call->attempt, NULL);

	if (call->attempt > 1)
		snprintf(attempts, sizeof(attempts), " (after %d attempts)", call->attempt);
	if (r->failure != HTTP_FAIL_NONE || d.verdict == RETRY_UNKNOWN) {
		rc = transfer_error(call, r, d.verdict, attempts, &err);
	} else {
		rc = decode_answer(&answer, &data, &resent, call, r, attempts, &err);
		if (resent)
			return;
		if (r->status == 200)
			http_engine_succeeded(engine);
	}
	call->answer = &answer;
	finish_call(call, rc, data, &err);
	/* done may have taken the answer, and may have released call: call is not read again */
	jdoc_free(answer);
	error_release(&err);
}

/* Sends every parked call again, with the new token or the refresh error. */
static void release_waiting(struct api_client *c)
{
	struct api_call *list = c->waiting;
	c->waiting = NULL;
	while (list) {
		struct api_call *call = list;
		list = call->next_waiting;
		call->next_waiting = NULL;
		if (c->auth_failed)
			fail_call(call, c->auth_err.code, c->auth_err.message);
		else
			send_call(call, 0);
	}
}

static void on_refresh_done(struct http_engine *engine, struct http_xfer *xfer)
{
	struct api_client *c = xfer->userdata;
	const struct http_result *r = &xfer->result;
	char *token = NULL;
	char next[64];

	c->stats.refreshes++;
	struct retry_attempt a = {
	    false,
	    r->failure,
	    r->status,
	    r->retry_after_s,
	    c->refresh_attempt,
	    (long)(http_now_ms() - c->refresh_first_ms),
	    next_random(c),
	};
	struct retry_decision d = retry_decide(&c->policy, &a);
	if (d.throttled)
		http_engine_throttled(engine, d.hold_ms);
	if (d.verdict == RETRY_AGAIN) {
		snprintf(next, sizeof(next), "retry in %ld ms", d.delay_ms);
		log_attempt(c, NULL, "auth/refresh", r, c->refresh_attempt, next);
		c->refresh_attempt++;
		http_engine_add(engine, xfer, d.delay_ms);
		return;
	}
	log_attempt(c, NULL, "auth/refresh", r, c->refresh_attempt, NULL);
	c->refreshing = false;
	error_release(&c->auth_err);
	if (r->failure != HTTP_FAIL_NONE) {
		error_set(&c->auth_err, ERR_NETWORK, "auth/refresh: %s: %s",
		          failure_word(r->failure), r->message);
		c->auth_failed = true;
	} else if (auth_parse_refresh(&token, r->status, r->body.data, r->body.len, &c->auth_err)) {
		c->auth_failed = true;
	} else {
		set_access(c, token);
		c->refreshed_at_ms = http_now_ms();
	}
	scrub(c, &c->auth_err);
	release_waiting(c);
}

static void start_refresh(struct api_client *c)
{
	if (c->refreshing)
		return;
	c->refreshing = true;
	wipe_free(c->refresh_body);
	c->refresh_body = auth_refresh_body(c->refresh, c->tenant, &c->refresh_body_len);
	c->refresh_xfer.path = "/auth/refresh";
	c->refresh_xfer.body = c->refresh_body;
	c->refresh_xfer.body_len = c->refresh_body_len;
	c->refresh_xfer.bearer = NULL;
	c->refresh_xfer.done = on_refresh_done;
	c->refresh_xfer.userdata = c;
	c->refresh_attempt = 1;
	c->refresh_first_ms = http_now_ms();
	http_engine_add(c->engine, &c->refresh_xfer, 0);
}

struct sync_result {
	int rc;
	struct jdoc *doc;
	const struct jval *data;
	struct error *err;
};

static void sync_done(struct api_call *call, int rc, const struct jval *data, struct error *err)
{
	struct sync_result *s = call->userdata;
	s->rc = rc;
	if (rc) {
		error_set(s->err, rc, "%s", err->message);
	} else {
		s->doc = api_call_take_answer(call);
		s->data = data;
	}
}

int api_request(struct jdoc **doc, const struct jval **data, struct api_client *c,
                const char *document, struct json_object *variables, struct error *err)
{
	struct api_call call;
	struct sync_result s = {ERR_GENERIC, NULL, NULL, err};
	int rc;

	api_call_init(&call, c, document, variables, sync_done, &s);
	api_call_start(&call);
	rc = api_client_run(c, err);
	api_call_release(&call);
	if (rc) {
		jdoc_free(s.doc);
		return rc;
	}
	if (s.rc)
		return s.rc;
	*doc = s.doc;
	*data = s.data;
	return 0;
}

int api_raw(char **data_json, struct api_client *c, const char *document,
            const struct api_var *vars, size_t vars_nr, struct error *err)
{
	struct json_object *variables = json_object_new_object(), *out = NULL;
	struct jdoc *doc = NULL;
	const struct jval *data = NULL;
	int rc = 0;

	for (size_t i = 0; i < vars_nr; i++) {
		struct json_object *v = NULL;
		if (vars[i].json) {
			struct error perr = ERROR_INIT;
			char *what = xasprintf("--var-json %s", vars[i].name);
			rc = gql_parse_json(&v, vars[i].value, strlen(vars[i].value), what, &perr);
			free(what);
			if (rc) {
				rc = error_set(err, ERR_INVALID, "%s", perr.message);
				error_release(&perr);
				goto done;
			}
		} else {
			v = json_object_new_string(vars[i].value);
		}
		json_object_object_add(variables, vars[i].name, v);
	}
	if ((rc = api_request(&doc, &data, c, document, variables, err)) != 0)
		goto done;
	bool mutation;
	char root[64];
	gql_document_info(document, &mutation, root, sizeof(root));
	for (size_t i = 0; mutation && i < jval_count(data); i++) {
		const struct jmember *m = jval_member(data, i);
		const struct jval *payload;
		/* a key with NUL names no payload that can be looked up: skipped */
		if (jval_is(&m->val, JOBJECT) && strlen(m->key) == m->key_len &&
		    (rc = gql_check_payload(&payload, data, m->key, "(api)", err)) != 0)
			goto done;
	}
	/* printed as json-c prints it: the answer converted */
	out = gql_jval_to_json(data);
	size_t len = 0;
	const char *s = json_object_to_json_string_length(
	    out, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE,
	    &len);
	*data_json = xasprintf("%.*s\n", (int)len, s);
done:
	json_object_put(out);
	jdoc_free(doc);
	json_object_put(variables);
	return rc;
}

int api_whoami(struct api_user *out, struct api_client *c, struct error *err)
{
	struct jdoc *doc = NULL;
	const struct jval *data = NULL, *user = NULL, *org = NULL;
	const struct gql_ctx ctx = {"authenticatedUser", NULL, -1};
	const char *id, *name, *email, *org_id = NULL, *org_name = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = api_request(&doc, &data, c, api_doc(API_DOC_WHOAMI), NULL, err)) != 0)
		return rc;
	if ((rc = gql_get_object(&user, data, "authenticatedUser", false, &ctx, err)) ||
	    (rc = gql_get_string(&id, user, "id", false, &ctx, err)) ||
	    (rc = gql_get_string(&name, user, "name", false, &ctx, err)) ||
	    (rc = gql_get_string(&email, user, "email", false, &ctx, err)) ||
	    (rc = gql_get_object(&org, user, "org", true, &ctx, err)))
		goto done;
	if (org && ((rc = gql_get_string(&org_id, org, "id", false, &ctx, err)) ||
	            (rc = gql_get_string(&org_name, org, "name", false, &ctx, err))))
		goto done;
	out->id = xstrdup(id);
	out->name = xstrdup(name);
	out->email = xstrdup(email);
	out->org_id = org_id ? xstrdup(org_id) : NULL;
	out->org_name = org_name ? xstrdup(org_name) : NULL;
done:
	jdoc_free(doc);
	return rc;
}

void api_user_release(struct api_user *u)
{
	free(u->id);
	free(u->name);
	free(u->email);
	free(u->org_id);
	free(u->org_name);
	memset(u, 0, sizeof(*u));
}
