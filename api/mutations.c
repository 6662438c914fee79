/*
 * mutations.c - the synchronous mutations: each starts its operation
 * (mutations_async.c) and runs the client until it is done.
 */
#include "mutations.h"

#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "http.h"
#include "mutations_async.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

#define WAIT_DEFAULT_TIMEOUT_MS 300000L

/* Where a finished operation leaves its outcome. */
struct waiter {
	bool finished;
	int rc;
	char **id;                   /* may be NULL */
	struct api_version *version; /* may be NULL */
	struct error *err;
};

static void waiter_done(void *ctx, int rc, const struct api_mut_result *res, struct error *err)
{
	struct waiter *w = ctx;
	w->finished = true;
	w->rc = rc;
	if (rc) {
		error_set(w->err, rc, "%s", err->message ? err->message : "failed");
		return;
	}
	if (w->id && res->id)
		*w->id = xstrdup(res->id);
	if (w->version && res->version) {
		*w->version = *res->version;
		w->version->id = xstrdup(res->version->id);
	}
}

/* Runs the client until the operation started with w is done; its outcome. */
static int wait_for(struct api_client *c, struct waiter *w)
{
	int rc = api_client_run(c, w->err);
	if (rc)
		return rc;
	if (!w->finished)
		return error_set(w->err, ERR_GENERIC, "a request did not finish");
	return w->rc;
}

int api_customer_create(char **id, struct api_client *c, const struct api_customer_input *in,
                        struct error *err)
{
	struct waiter w = {false, 0, id, NULL, err};
	api_customer_create_start(c, in, waiter_done, &w);
	return wait_for(c, &w);
}

int api_customer_update(struct api_client *c, const char *id, const struct api_customer_input *in,
                        struct error *err)
{
	struct waiter w = {false, 0, NULL, NULL, err};
	api_customer_update_start(c, id, in, waiter_done, &w);
	return wait_for(c, &w);
}

int api_integration_import(char **id, struct api_client *c, const char *integration_id,
                           const char *definition, struct error *err)
{
	struct waiter w = {false, 0, id, NULL, err};
	api_integration_import_start(c, integration_id, definition, waiter_done, &w);
	return wait_for(c, &w);
}

int api_integration_update(struct api_client *c, const char *id,
                           const struct api_integration_input *in, struct error *err)
{
	struct waiter w = {false, 0, NULL, NULL, err};
	api_integration_update_start(c, id, in, waiter_done, &w);
	return wait_for(c, &w);
}

void api_version_release(struct api_version *v)
{
	free(v->id);
	memset(v, 0, sizeof(*v));
}

int api_integration_publish(struct api_version *out, struct api_client *c, const char *id,
                            const char *comment, const char *attributes_json, struct error *err)
{
	struct waiter w = {false, 0, NULL, out, err};
	memset(out, 0, sizeof(*out));
	api_integration_publish_start(c, id, comment, attributes_json, waiter_done, &w);
	return wait_for(c, &w);
}

int api_integration_wait_available(struct api_version *out, struct api_client *c, const char *id,
                                   int number, long timeout_ms, struct error *err)
{
	long long deadline =
	    http_now_ms() + (timeout_ms > 0 ? timeout_ms : WAIT_DEFAULT_TIMEOUT_MS);
	long delay = 0;
	int rc;
	memset(out, 0, sizeof(*out));
	for (;;) {
		struct waiter w = {false, 0, NULL, out, err};
		api_version_poll_start(c, id, number, delay, waiter_done, &w);
		if ((rc = wait_for(c, &w)) || out->id)
			return rc;
		if (http_now_ms() >= deadline)
			return error_set(err, ERR_API,
			                 "integration '%s': version %d did not become available "
			                 "within %ld s",
			                 id, number,
			                 (timeout_ms > 0 ? timeout_ms : WAIT_DEFAULT_TIMEOUT_MS) /
			                     1000);
		delay = delay ? (delay * 3 / 2 < 2000 ? delay * 3 / 2 : 2000) : 200;
	}
}

int api_integration_delete(struct api_client *c, const char *id, struct error *err)
{
	struct waiter w = {false, 0, NULL, NULL, err};
	api_integration_delete_start(c, id, waiter_done, &w);
	return wait_for(c, &w);
}

int api_instance_create(char **id, struct api_client *c, const struct api_instance_input *in,
                        struct error *err)
{
	struct waiter w = {false, 0, id, NULL, err};
	api_instance_create_start(c, in, waiter_done, &w);
	return wait_for(c, &w);
}

int api_instance_update(struct api_client *c, const char *id, const struct api_instance_input *in,
                        struct error *err)
{
	struct waiter w = {false, 0, NULL, NULL, err};
	api_instance_update_start(c, id, in, waiter_done, &w);
	return wait_for(c, &w);
}

int api_instance_set_config(struct api_client *c, const char *id,
                            const struct api_config_value *values, size_t nr, struct error *err)
{
	struct waiter w = {false, 0, NULL, NULL, err};
	api_instance_set_config_start(c, id, values, nr, waiter_done, &w);
	return wait_for(c, &w);
}

int api_instance_deploy(struct api_client *c, const char *id, struct error *err)
{
	struct waiter w = {false, 0, NULL, NULL, err};
	api_instance_deploy_start(c, id, waiter_done, &w);
	return wait_for(c, &w);
}

int api_instance_set_enabled(struct api_client *c, const char *id, bool enabled, struct error *err)
{
	struct waiter w = {false, 0, NULL, NULL, err};
	api_instance_set_enabled_start(c, id, enabled, waiter_done, &w);
	return wait_for(c, &w);
}

int api_instance_delete(struct api_client *c, const char *id, struct error *err)
{
	struct waiter w = {false, 0, NULL, NULL, err};
	api_instance_delete_start(c, id, waiter_done, &w);
	return wait_for(c, &w);
}
