#include "mutations.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call.h"
#include "gql.h"
#include "http.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

static const char create_customer_doc[] =
    "mutation createCustomer($input: CreateCustomerInput!) {\n"
    "  createCustomer(input: $input) { customer { id } errors { field messages } }\n"
    "}\n";
static const char update_customer_doc[] =
    "mutation updateCustomer($input: UpdateCustomerInput!) {\n"
    "  updateCustomer(input: $input) { customer { id } errors { field messages } }\n"
    "}\n";
static const char import_integration_doc[] =
    "mutation importIntegration($input: ImportIntegrationInput!) {\n"
    "  importIntegration(input: $input) { integration { id } errors { field messages } }\n"
    "}\n";
static const char update_integration_doc[] =
    "mutation updateIntegration($input: UpdateIntegrationInput!) {\n"
    "  updateIntegration(input: $input) { integration { id } errors { field messages } }\n"
    "}\n";
static const char publish_integration_doc[] =
    "mutation publishIntegration($input: PublishIntegrationInput!) {\n"
    "  publishIntegration(input: $input) {\n"
    "    integration { id versionNumber versionIsAvailable }\n"
    "    errors { field messages }\n"
    "  }\n"
    "}\n";
static const char delete_integration_doc[] =
    "mutation deleteIntegration($input: DeleteIntegrationInput!) {\n"
    "  deleteIntegration(input: $input) { integration { id } errors { field messages } }\n"
    "}\n";
static const char version_available_doc[] =
    "query integration($id: ID!, $number: Int!) {\n"
    "  integration(id: $id) {\n"
    "    versionSequence(first: 1, versionNumber: $number, versionIsAvailable: true) {\n"
    "      nodes { id versionNumber versionIsAvailable }\n"
    "    }\n"
    "  }\n"
    "}\n";
static const char create_instance_doc[] =
    "mutation createInstance($input: CreateInstanceInput!) {\n"
    "  createInstance(input: $input) { instance { id } errors { field messages } }\n"
    "}\n";
static const char update_instance_doc[] =
    "mutation updateInstance($input: UpdateInstanceInput!) {\n"
    "  updateInstance(input: $input) { instance { id } errors { field messages } }\n"
    "}\n";
static const char set_config_doc[] =
    "mutation updateInstanceConfigVariables($input: UpdateInstanceConfigVariablesInput!) {\n"
    "  updateInstanceConfigVariables(input: $input) {\n"
    "    instance { id } errors { field messages }\n"
    "  }\n"
    "}\n";
static const char deploy_instance_doc[] =
    "mutation deployInstance($input: DeployInstanceInput!) {\n"
    "  deployInstance(input: $input) { instance { id } errors { field messages } }\n"
    "}\n";
static const char delete_instance_doc[] =
    "mutation deleteInstance($input: DeleteInstanceInput!) {\n"
    "  deleteInstance(input: $input) { instance { id } errors { field messages } }\n"
    "}\n";

static void add_string(struct json_object *o, const char *key, const char *value)
{
	if (value)
		json_object_object_add(o, key, json_object_new_string(value));
}

static void add_labels(struct json_object *o, const struct api_labels *l)
{
	if (!l->set)
		return;
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < l->nr; i++)
		json_object_array_add(a, json_object_new_string(l->items[i]));
	json_object_object_add(o, "labels", a);
}

static struct json_object *config_list(const struct api_config_value *v, size_t nr)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < nr; i++) {
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "key", json_object_new_string(v[i].key));
		json_object_object_add(e, "value",
		                       v[i].value ? json_object_new_string(v[i].value) : NULL);
		json_object_array_add(a, e);
	}
	return a;
}

/*
 * Sends mutation op with {"input": input} (input is consumed) and checks
 * the payload. *object (borrowed from *data, which the caller puts) is the
 * payload's object_key member when that is wanted.
 */
static int mutate(struct json_object **data, struct json_object **object, struct api_client *c,
                  const char *doc, const char *op, struct json_object *input,
                  const char *object_key, const char *what, struct error *err)
{
	struct json_object *vars = json_object_new_object(), *payload = NULL;
	const struct gql_ctx ctx = {op, what, -1};
	int rc;

	*data = NULL;
	json_object_object_add(vars, "input", input);
	rc = api_request(data, c, doc, vars, err);
	json_object_put(vars);
	if (rc)
		return rc;
	if ((rc = gql_check_payload(&payload, *data, op, what, err)) != 0)
		return rc;
	if (object)
		return gql_get_object(object, payload, object_key, false, &ctx, err);
	return 0;
}

/* Sends the mutation and hands back the id of the payload's object. */
static int mutate_id(char **id, struct api_client *c, const char *doc, const char *op,
                     struct json_object *input, const char *object_key, const char *what,
                     struct error *err)
{
	struct json_object *data = NULL, *obj = NULL;
	const struct gql_ctx ctx = {op, what, -1};
	const char *s;
	int rc = mutate(&data, &obj, c, doc, op, input, object_key, what, err);
	if (!rc && id) {
		if ((rc = gql_get_string(&s, obj, "id", false, &ctx, err)) == 0)
			*id = xstrdup(s);
	}
	json_object_put(data);
	return rc;
}

static char *describe(const char *kind, const char *name)
{
	return xasprintf("%s '%s'", kind, name ? name : "?");
}

int api_customer_create(char **id, struct api_client *c, const struct api_customer_input *in,
                        struct error *err)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "name", in->name);
	add_string(input, "externalId", in->external_id);
	add_string(input, "description", in->description);
	add_labels(input, &in->labels);
	char *what = describe("customer", in->external_id ? in->external_id : in->name);
	int rc =
	    mutate_id(id, c, create_customer_doc, "createCustomer", input, "customer", what, err);
	free(what);
	return rc;
}

int api_customer_update(struct api_client *c, const char *id, const struct api_customer_input *in,
                        struct error *err)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	add_string(input, "name", in->name);
	add_string(input, "externalId", in->external_id);
	add_string(input, "description", in->description);
	add_labels(input, &in->labels);
	char *what = describe("customer", in->external_id ? in->external_id : id);
	int rc =
	    mutate_id(NULL, c, update_customer_doc, "updateCustomer", input, "customer", what, err);
	free(what);
	return rc;
}

int api_integration_import(char **id, struct api_client *c, const char *integration_id,
                           const char *definition, struct error *err)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "definition", definition);
	add_string(input, "integrationId", integration_id);
	char *what = describe("integration", integration_id ? integration_id : "(new)");
	int rc = mutate_id(id, c, import_integration_doc, "importIntegration", input, "integration",
	                   what, err);
	free(what);
	return rc;
}

int api_integration_update(struct api_client *c, const char *id,
                           const struct api_integration_input *in, struct error *err)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	add_string(input, "name", in->name);
	add_string(input, "description", in->description);
	add_string(input, "category", in->category);
	add_labels(input, &in->labels);
	char *what = describe("integration", in->name ? in->name : id);
	int rc = mutate_id(NULL, c, update_integration_doc, "updateIntegration", input,
	                   "integration", what, err);
	free(what);
	return rc;
}

void api_version_release(struct api_version *v)
{
	free(v->id);
	memset(v, 0, sizeof(*v));
}

static int read_version(struct api_version *out, struct json_object *obj, const struct gql_ctx *ctx,
                        struct error *err)
{
	const char *id;
	long long n;
	bool avail;
	int rc;
	if ((rc = gql_get_string(&id, obj, "id", false, ctx, err)) ||
	    (rc = gql_get_int(&n, NULL, obj, "versionNumber", 1, INT_MAX, ctx, err)) ||
	    (rc = gql_get_bool(&avail, obj, "versionIsAvailable", ctx, err)))
		return rc;
	out->id = xstrdup(id);
	out->number = (int)n;
	out->available = avail;
	return 0;
}

int api_integration_publish(struct api_version *out, struct api_client *c, const char *id,
                            const char *comment, const char *attributes_json, struct error *err)
{
	struct json_object *input = json_object_new_object(), *data = NULL, *obj = NULL;
	char *what = describe("integration", id);
	const struct gql_ctx ctx = {"publishIntegration", what, -1};
	int rc;

	memset(out, 0, sizeof(*out));
	add_string(input, "id", id);
	add_string(input, "comment", comment);
	add_string(input, "attributes", attributes_json);
	rc = mutate(&data, &obj, c, publish_integration_doc, "publishIntegration", input,
	            "integration", what, err);
	if (!rc)
		rc = read_version(out, obj, &ctx, err);
	json_object_put(data);
	free(what);
	return rc;
}

int api_integration_wait_available(struct api_version *out, struct api_client *c, const char *id,
                                   int number, long timeout_ms, struct error *err)
{
	long long deadline = http_now_ms() + (timeout_ms > 0 ? timeout_ms : 120000);
	long delay = 200;
	const struct gql_ctx ctx = {"integration", "version", number};
	int rc;

	memset(out, 0, sizeof(*out));
	for (;;) {
		struct json_object *vars = json_object_new_object(), *data = NULL, *obj = NULL,
		                   *seq = NULL, *nodes = NULL;
		json_object_object_add(vars, "id", json_object_new_string(id));
		json_object_object_add(vars, "number", json_object_new_int(number));
		rc = api_request(&data, c, version_available_doc, vars, err);
		json_object_put(vars);
		if (!rc && !(rc = gql_get_object(&obj, data, "integration", false, &ctx, err)) &&
		    !(rc = gql_get_object(&seq, obj, "versionSequence", false, &ctx, err)) &&
		    !(rc = gql_get_array(&nodes, seq, "nodes", false, &ctx, err)) &&
		    json_object_array_length(nodes) > 0)
			rc = read_version(out, json_object_array_get_idx(nodes, 0), &ctx, err);
		else if (!rc && http_now_ms() + delay > deadline)
			rc = error_set(
			    err, ERR_API,
			    "integration '%s': version %d did not become available within "
			    "%ld s",
			    id, number, (timeout_ms > 0 ? timeout_ms : 120000) / 1000);
		json_object_put(data);
		if (rc || out->id)
			return rc;
		struct timespec ts = {delay / 1000, (delay % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		if (delay < 2000)
			delay = delay * 3 / 2;
	}
}

int api_integration_delete(struct api_client *c, const char *id, struct error *err)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	char *what = describe("integration", id);
	int rc = mutate_id(NULL, c, delete_integration_doc, "deleteIntegration", input,
	                   "integration", what, err);
	free(what);
	return rc;
}

int api_instance_create(char **id, struct api_client *c, const struct api_instance_input *in,
                        struct error *err)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "name", in->name);
	add_string(input, "customer", in->customer_id);
	add_string(input, "integration", in->version_id);
	add_string(input, "description", in->description);
	add_labels(input, &in->labels);
	if (in->config_nr)
		json_object_object_add(input, "configVariables",
		                       config_list(in->config, in->config_nr));
	char *what = describe("instance", in->name);
	int rc =
	    mutate_id(id, c, create_instance_doc, "createInstance", input, "instance", what, err);
	free(what);
	return rc;
}

int api_instance_update(struct api_client *c, const char *id, const struct api_instance_input *in,
                        struct error *err)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	add_string(input, "name", in->name);
	add_string(input, "integration", in->version_id);
	add_string(input, "description", in->description);
	add_labels(input, &in->labels);
	char *what = describe("instance", in->name ? in->name : id);
	int rc =
	    mutate_id(NULL, c, update_instance_doc, "updateInstance", input, "instance", what, err);
	free(what);
	return rc;
}

int api_instance_set_config(struct api_client *c, const char *id,
                            const struct api_config_value *values, size_t nr, struct error *err)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	json_object_object_add(input, "configVariables", config_list(values, nr));
	char *what = describe("instance", id);
	int rc = mutate_id(NULL, c, set_config_doc, "updateInstanceConfigVariables", input,
	                   "instance", what, err);
	free(what);
	return rc;
}

int api_instance_deploy(struct api_client *c, const char *id, struct error *err)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	char *what = describe("instance", id);
	int rc =
	    mutate_id(NULL, c, deploy_instance_doc, "deployInstance", input, "instance", what, err);
	free(what);
	return rc;
}

int api_instance_set_enabled(struct api_client *c, const char *id, bool enabled, struct error *err)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	json_object_object_add(input, "enabled", json_object_new_boolean(enabled));
	char *what = describe("instance", id);
	int rc =
	    mutate_id(NULL, c, update_instance_doc, "updateInstance", input, "instance", what, err);
	free(what);
	return rc;
}

int api_instance_delete(struct api_client *c, const char *id, struct error *err)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	char *what = describe("instance", id);
	int rc =
	    mutate_id(NULL, c, delete_instance_doc, "deleteInstance", input, "instance", what, err);
	free(what);
	return rc;
}
