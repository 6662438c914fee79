/*
 * The mutation side of apidriver: each mutation of api/mutations.h, with
 * its arguments as one JSON object, and its result printed as JSON.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../api/mutations.h"
#include "../../api/mutations_async.h"
#include "driver.h"

static const char *arg(struct json_object *a, const char *key)
{
	struct json_object *v;
	if (json_object_object_get_ex(a, key, &v) && json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}

static struct api_labels labels(struct json_object *a, const char **buf, size_t max)
{
	struct api_labels l = {false, buf, 0};
	struct json_object *v;
	if (!json_object_object_get_ex(a, "labels", &v) || !json_object_is_type(v, json_type_array))
		return l;
	l.set = true;
	for (size_t i = 0; i < json_object_array_length(v) && i < max; i++)
		buf[l.nr++] = json_object_get_string(json_object_array_get_idx(v, i));
	return l;
}

static size_t config(struct json_object *a, struct api_config_value *out, size_t max)
{
	struct json_object *v;
	size_t n = 0;
	if (!json_object_object_get_ex(a, "configVariables", &v) ||
	    !json_object_is_type(v, json_type_object))
		return 0;
	json_object_object_foreach(v, key, val)
	{
		if (n == max)
			break;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].key = key;
		out[n].value =
		    json_object_is_type(val, json_type_null) ? NULL : json_object_get_string(val);
		n++;
	}
	return n;
}

static void print_id(const char *id)
{
	printf("{\"id\": \"%s\"}\n", id);
}

static void print_version(const struct api_version *v)
{
	printf("{\"id\": \"%s\", \"versionNumber\": %d, \"available\": %s}\n", v->id, v->number,
	       v->available ? "true" : "false");
}

/* One deploy of a batch answered: {"index": K, "ok": true} or {"index", "code", "error"}. */
static void on_batch_item(void *ctx, int rc, const struct api_mut_result *res, struct error *err)
{
	const size_t *k = ctx;
	struct json_object *o = json_object_new_object();
	(void)res;
	json_object_object_add(o, "index", json_object_new_int64((int64_t)*k));
	if (rc) {
		json_object_object_add(o, "code", json_object_new_string(error_code_name(rc)));
		json_object_object_add(o, "error", json_object_new_string(err->message));
	} else {
		json_object_object_add(o, "ok", json_object_new_boolean(1));
	}
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static void on_batch_notice(void *ctx, const char *message)
{
	(void)ctx;
	fprintf(stderr, "notice: %s\n", message);
}

/* deployBatch {"ids": [...]}: every deploy started at once, batched, one result line each. */
static int deploy_batch(struct api_client *c, struct json_object *a, struct error *err)
{
	struct json_object *ids;
	size_t index[64];
	if (!json_object_object_get_ex(a, "ids", &ids) ||
	    !json_object_is_type(ids, json_type_array))
		return error_set(err, ERR_USAGE, "apidriver deployBatch needs {\"ids\": [...]}");
	size_t n = json_object_array_length(ids);
	if (n > 64)
		n = 64;
	api_mut_batching(c, 64, on_batch_notice, NULL);
	api_mut_hold(c);
	for (size_t k = 0; k < n; k++) {
		index[k] = k;
		api_instance_deploy_start(c,
		                          json_object_get_string(json_object_array_get_idx(ids, k)),
		                          on_batch_item, &index[k]);
	}
	api_mut_release(c);
	return api_client_run(c, err);
}

int driver_mutation(struct api_client *c, int argc, char **argv, struct error *err)
{
	const char *op = argv[0];
	struct json_object *a = NULL;
	const char *label_buf[64];
	struct api_config_value cv[64];
	char *id = NULL;
	int rc;

	if (argc < 2 || !(a = json_tokener_parse(argv[1])) ||
	    !json_object_is_type(a, json_type_object)) {
		json_object_put(a);
		return error_set(err, ERR_USAGE, "apidriver %s needs a JSON object of arguments",
		                 op);
	}
	if (!strcmp(op, "deployBatch")) {
		rc = deploy_batch(c, a, err);
	} else if (!strcmp(op, "createCustomer")) {
		struct api_customer_input in = {arg(a, "name"), arg(a, "externalId"),
		                                arg(a, "description"), labels(a, label_buf, 64)};
		if (!(rc = api_customer_create(&id, c, &in, err)))
			print_id(id);
	} else if (!strcmp(op, "updateCustomer")) {
		struct api_customer_input in = {arg(a, "name"), arg(a, "externalId"),
		                                arg(a, "description"), labels(a, label_buf, 64)};
		if (!(rc = api_customer_update(c, arg(a, "id"), &in, err)))
			print_id(arg(a, "id"));
	} else if (!strcmp(op, "importIntegration")) {
		if (!(rc = api_integration_import(&id, c, arg(a, "integrationId"),
		                                  arg(a, "definition"), err)))
			print_id(id);
	} else if (!strcmp(op, "updateIntegration")) {
		struct api_integration_input in = {arg(a, "name"), arg(a, "description"),
		                                   arg(a, "category"), labels(a, label_buf, 64)};
		if (!(rc = api_integration_update(c, arg(a, "id"), &in, err)))
			print_id(arg(a, "id"));
	} else if (!strcmp(op, "publishIntegration")) {
		struct api_version v, avail;
		if (!(rc = api_integration_publish(&v, c, arg(a, "id"), arg(a, "comment"),
		                                   arg(a, "attributes"), err))) {
			if (!(rc = api_integration_wait_available(&avail, c, arg(a, "id"), v.number,
			                                          30000, err)))
				print_version(&avail);
			api_version_release(&avail);
		}
		api_version_release(&v);
	} else if (!strcmp(op, "deleteIntegration")) {
		if (!(rc = api_integration_delete(c, arg(a, "id"), err)))
			print_id(arg(a, "id"));
	} else if (!strcmp(op, "createInstance")) {
		struct api_instance_input in = {arg(a, "name"),
		                                arg(a, "customer"),
		                                arg(a, "integration"),
		                                arg(a, "description"),
		                                labels(a, label_buf, 64),
		                                cv,
		                                0,
		                                false};
		in.config_nr = config(a, cv, 64);
		if (!(rc = api_instance_create(&id, c, &in, err)))
			print_id(id);
	} else if (!strcmp(op, "updateInstance")) {
		struct api_instance_input in = {arg(a, "name"),
		                                NULL,
		                                arg(a, "integration"),
		                                arg(a, "description"),
		                                labels(a, label_buf, 64),
		                                NULL,
		                                0,
		                                false};
		if (!(rc = api_instance_update(c, arg(a, "id"), &in, err)))
			print_id(arg(a, "id"));
	} else if (!strcmp(op, "updateInstanceConfigVariables")) {
		size_t n = config(a, cv, 64);
		if (!(rc = api_instance_set_config(c, arg(a, "id"), cv, n, err)))
			print_id(arg(a, "id"));
	} else if (!strcmp(op, "deployInstance")) {
		if (!(rc = api_instance_deploy(c, arg(a, "id"), err)))
			print_id(arg(a, "id"));
	} else if (!strcmp(op, "enableInstance") || !strcmp(op, "disableInstance")) {
		if (!(rc = api_instance_set_enabled(c, arg(a, "id"), op[0] == 'e', err)))
			print_id(arg(a, "id"));
	} else if (!strcmp(op, "deleteInstance")) {
		if (!(rc = api_instance_delete(c, arg(a, "id"), err)))
			print_id(arg(a, "id"));
	} else {
		rc = error_set(err, ERR_USAGE, "apidriver: unknown mutation '%s'", op);
	}
	free(id);
	json_object_put(a);
	return rc;
}
