/*
 * lock.c - the apply lock, a customer with a reserved name: see lock.h.
 */
#include "lock.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "call.h"
#include "documents.h"
#include "gql.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

void api_lock_info_release(struct api_lock_info *info)
{
	if (!info)
		return;
	free(info->id);
	free(info->holder);
	free(info->since_text);
	free(info->run);
	memset(info, 0, sizeof(*info));
}

/* A random token naming this run's lock: 16 hex digits. */
static void run_token(char out[17])
{
	unsigned char bytes[8];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, bytes, sizeof(bytes)) : -1;
	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof(bytes)) {
		/* No urandom: the time and pid still tell two runs apart. */
		unsigned long long v =
		    ((unsigned long long)time(NULL) << 20) ^ (unsigned long long)getpid();
		for (size_t i = 0; i < sizeof(bytes); i++)
			bytes[i] = (unsigned char)(v >> (8 * i));
	}
	for (size_t i = 0; i < sizeof(bytes); i++)
		snprintf(out + 2 * i, 3, "%02x", bytes[i]);
}

static char *string_member(const struct jval *obj, const char *key)
{
	const char *v = jval_str(jval_get(obj, key));
	return v ? xstrdup(v) : NULL;
}

/* Fills info from a customer node (id name description labels). */
static void decode_lock(struct api_lock_info *info, const struct jval *node)
{
	const struct jval *labels = jval_get(node, "labels"), *desc = NULL;
	struct jdoc *doc = NULL;
	struct error perr = ERROR_INIT;
	int64_t since;
	memset(info, 0, sizeof(*info));
	info->id = string_member(node, "id");
	char *name = string_member(node, "name");
	bool labelled = false;
	for (size_t i = 0; i < jval_count(labels); i++) {
		const char *l = jval_str(jval_at(labels, i));
		labelled |= l && !strcmp(l, API_LOCK_LABEL);
	}
	info->is_lock = labelled && name && !strcmp(name, API_LOCK_NAME);
	free(name);
	char *text = string_member(node, "description");
	/* a description that is not JSON names no holder */
	if (text && !jdoc_parse(&doc, text, strlen(text), "lock", &perr))
		desc = jdoc_root(doc);
	error_release(&perr);
	free(text);
	if (jval_is(desc, JOBJECT)) {
		info->holder = string_member(desc, "holder");
		info->since_text = string_member(desc, "since");
		info->run = string_member(desc, "run");
		if (jval_int64(jval_get(desc, "sinceEpoch"), &since))
			info->since = since;
	}
	jdoc_free(doc);
}

/* The lock as it is now: *found false when there is none. */
static int find_lock(struct api_lock_info *info, bool *found, struct api_client *c,
                     struct error *err)
{
	struct json_object *vars = json_object_new_object();
	struct jdoc *doc = NULL;
	const struct jval *data = NULL, *nodes = NULL;
	int rc;
	*found = false;
	json_object_object_add(vars, "name", json_object_new_string(API_LOCK_NAME));
	rc = api_request(&doc, &data, c, api_doc(API_DOC_LOCK_FIND), vars, err);
	json_object_put(vars);
	if (rc)
		return rc;
	nodes = jval_get(jval_get(data, "customers"), "nodes");
	if (!jval_is(nodes, JARRAY)) {
		jdoc_free(doc);
		return error_set(err, ERR_API, "customers (lock): the response has no nodes");
	}
	for (size_t i = 0; i < jval_count(nodes) && !*found; i++) {
		const struct jval *n = jval_at(nodes, i);
		if (!jval_is(n, JOBJECT))
			continue;
		decode_lock(info, n);
		*found = info->id != NULL;
		if (!*found)
			api_lock_info_release(info);
	}
	jdoc_free(doc);
	return 0;
}

static char *iso_now(time_t now)
{
	struct tm tm;
	char buf[32];
	gmtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

/* One createCustomer of the lock: 0 with *mine filled, or the error. */
static int create_lock(struct api_lock_info *mine, struct api_client *c, const char *holder,
                       const char *run, struct error *err)
{
	time_t now = time(NULL);
	char *since = iso_now(now);
	struct json_object *desc = json_object_new_object();
	json_object_object_add(desc, "holder", json_object_new_string(holder));
	json_object_object_add(desc, "since", json_object_new_string(since));
	json_object_object_add(desc, "sinceEpoch", json_object_new_int64((int64_t)now));
	json_object_object_add(desc, "run", json_object_new_string(run));
	json_object_object_add(
	    desc, "note",
	    json_object_new_string("held by a running prismsync apply; remove it only when no "
	                           "apply runs: prismsync apply --force-unlock <this id>"));

	struct json_object *input = json_object_new_object(), *labels = json_object_new_array();
	json_object_array_add(labels, json_object_new_string(API_LOCK_LABEL));
	json_object_object_add(input, "name", json_object_new_string(API_LOCK_NAME));
	json_object_object_add(input, "description",
	                       json_object_new_string(json_object_to_json_string_ext(
	                           desc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)));
	json_object_object_add(input, "labels", labels);
	struct json_object *vars = json_object_new_object();
	struct jdoc *doc = NULL;
	const struct jval *data = NULL, *payload = NULL, *cust = NULL;
	json_object_object_add(vars, "input", input);
	int rc = api_request(&doc, &data, c, api_doc(API_DOC_LOCK_CREATE), vars, err);
	if (!rc && !(rc = gql_check_payload(&payload, data, "createCustomer", "(lock)", err))) {
		if (jval_is((cust = jval_get(payload, "customer")), JOBJECT))
			decode_lock(mine, cust);
		if (!mine->id)
			rc = error_set(err, ERR_API,
			               "createCustomer (lock): no customer in the answer");
	}
	jdoc_free(doc);
	json_object_put(vars);
	json_object_put(desc);
	free(since);
	return rc;
}

/*
 * One attempt: 0 with *acquired, or with *held filled; a refusal with no
 * lock there (released in between, or refused for another reason) is
 * *held->id NULL with the refusal kept in cerr.
 */
static int try_once(bool *acquired, struct api_lock_info *mine, struct api_lock_info *held,
                    struct api_client *c, const char *holder, struct error *cerr, struct error *err)
{
	char run[17];
	bool found = false;
	int rc;

	run_token(run);
	rc = create_lock(mine, c, holder, run, cerr);
	if (!rc) {
		*acquired = true;
		return 0;
	}
	api_lock_info_release(mine);
	if (rc != ERR_API && rc != ERR_UNKNOWN_OUTCOME)
		return error_set(err, rc, "%s", cerr->message);
	/* Refused (the name is taken), or unknown: whose lock is there now? */
	if ((rc = find_lock(held, &found, c, err)))
		return rc;
	if (found && held->run && !strcmp(held->run, run)) {
		*mine = *held; /* our create happened after all */
		memset(held, 0, sizeof(*held));
		*acquired = true;
	}
	return 0;
}

int api_lock_try(bool *acquired, struct api_lock_info *mine, struct api_lock_info *held,
                 struct api_client *c, const char *holder, struct error *err)
{
	struct error cerr = ERROR_INIT;
	int rc = 0;

	*acquired = false;
	memset(mine, 0, sizeof(*mine));
	memset(held, 0, sizeof(*held));
	/* A lock released between a refusal and the read: try again, a few times. */
	for (int attempt = 0; attempt < 3; attempt++) {
		error_release(&cerr);
		api_lock_info_release(held);
		rc = try_once(acquired, mine, held, c, holder, &cerr, err);
		if (rc || *acquired || held->id)
			goto done;
	}
	/* Refused every time, and never because of a lock: say why. */
	rc = error_set(err, cerr.code ? cerr.code : ERR_API, "%s",
	               cerr.message ? cerr.message : "createCustomer (lock) was refused");
done:
	error_release(&cerr);
	return rc;
}

static int delete_lock(struct api_client *c, const char *id, struct error *err)
{
	struct json_object *vars = json_object_new_object(), *input = json_object_new_object();
	struct jdoc *doc = NULL;
	const struct jval *data = NULL, *payload = NULL;
	json_object_object_add(input, "id", json_object_new_string(id));
	json_object_object_add(vars, "input", input);
	int rc = api_request(&doc, &data, c, api_doc(API_DOC_LOCK_DELETE), vars, err);
	if (!rc)
		rc = gql_check_payload(&payload, data, "deleteCustomer", "(lock)", err);
	jdoc_free(doc);
	json_object_put(vars);
	return rc;
}

static int read_lock(struct api_lock_info *info, struct api_client *c, const char *id,
                     struct error *err)
{
	struct json_object *vars = json_object_new_object();
	struct jdoc *doc = NULL;
	const struct jval *data = NULL, *node = NULL;
	json_object_object_add(vars, "id", json_object_new_string(id));
	int rc = api_request(&doc, &data, c, api_doc(API_DOC_LOCK_READ), vars, err);
	json_object_put(vars);
	if (rc)
		return rc;
	if (!jval_is((node = jval_get(data, "customer")), JOBJECT))
		rc = error_set(err, ERR_NOTFOUND, "no object has the id %s", id);
	else
		decode_lock(info, node);
	jdoc_free(doc);
	return rc;
}

int api_lock_release(struct api_client *c, const char *id, struct error *err)
{
	struct api_lock_info info = {NULL, NULL, NULL, 0, NULL, false};
	int rc = delete_lock(c, id, err);
	if (rc == ERR_UNKNOWN_OUTCOME || rc == ERR_NOTFOUND) {
		/* Gone is released; there still, try once more. */
		error_release(err);
		rc = read_lock(&info, c, id, err);
		if (rc == ERR_NOTFOUND) {
			error_release(err);
			rc = 0;
		} else if (!rc) {
			rc = delete_lock(c, id, err);
		}
	}
	api_lock_info_release(&info);
	return rc;
}

int api_lock_force_unlock(struct api_lock_info *removed, struct api_client *c, const char *id,
                          struct error *err)
{
	int rc = read_lock(removed, c, id, err);
	if (rc)
		return rc;
	if (!removed->is_lock)
		return error_set(err, ERR_INVALID,
		                 "%s is not a prismsync apply lock (a customer named '%s' "
		                 "labelled '%s'); refusing to delete it",
		                 id, API_LOCK_NAME, API_LOCK_LABEL);
	return api_lock_release(c, id, err);
}
