#include "flowtest.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "documents.h"
#include "gql.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

int api_flow_config_find(char **out, struct api_client *c, const char *instance_id,
                         const char *flow_name, struct error *err)
{
	const struct gql_ctx ctx = {"instance", NULL, -1};
	struct json_object *vars = json_object_new_object();
	struct jdoc *doc = NULL;
	const struct jval *data = NULL, *inst, *configs, *nodes;
	int rc;

	json_object_object_add(vars, "id", json_object_new_string(instance_id));
	if ((rc = api_request(&doc, &data, c, api_doc(API_DOC_FLOW_CONFIGS), vars, err)) ||
	    (rc = gql_get_object(&inst, data, "instance", false, &ctx, err)) ||
	    (rc = gql_get_object(&configs, inst, "flowConfigs", false, &ctx, err)) ||
	    (rc = gql_get_array(&nodes, configs, "nodes", false, &ctx, err)))
		goto done;
	for (size_t i = 0; i < jval_count(nodes); i++) {
		const struct jval *node = jval_at(nodes, i), *flow = NULL;
		const char *id = NULL, *name = NULL;
		if (!jval_is(node, JOBJECT) || gql_get_string(&id, node, "id", false, &ctx, err) ||
		    gql_get_object(&flow, node, "flow", true, &ctx, err) || !flow ||
		    gql_get_string(&name, flow, "name", true, &ctx, err))
			continue;
		if (name && !strcmp(name, flow_name)) {
			*out = xstrdup(id);
			goto done;
		}
	}
	rc = error_set(err, ERR_NOTFOUND, "the instance has no flow '%s' in the version it runs",
	               flow_name);
done:
	jdoc_free(doc);
	json_object_put(vars);
	return rc;
}

int api_flow_test(char **execution_id, struct api_client *c, const char *flow_config_id,
                  const char *payload, const char *content_type, struct error *err)
{
	const struct gql_ctx ctx = {"testInstanceFlowConfig", NULL, -1};
	struct json_object *vars = json_object_new_object(), *input = json_object_new_object();
	struct jdoc *doc = NULL;
	const struct jval *data = NULL, *pl, *result, *exec;
	const char *id;
	int rc;

	json_object_object_add(input, "id", json_object_new_string(flow_config_id));
	json_object_object_add(input, "payload", json_object_new_string(payload ? payload : ""));
	if (content_type)
		json_object_object_add(input, "contentType", json_object_new_string(content_type));
	json_object_object_add(vars, "input", input);
	if ((rc = api_request(&doc, &data, c, api_doc(API_DOC_TEST_FLOW_CONFIG), vars, err)) ||
	    (rc = gql_check_payload(&pl, data, "testInstanceFlowConfig", "flow config", err)) ||
	    (rc = gql_get_object(&result, pl, "testInstanceFlowConfigResult", false, &ctx, err)) ||
	    (rc = gql_get_object(&exec, result, "execution", false, &ctx, err)) ||
	    (rc = gql_get_string(&id, exec, "id", false, &ctx, err)))
		goto done;
	*execution_id = xstrdup(id);
done:
	jdoc_free(doc);
	json_object_put(vars);
	return rc;
}

int api_execution_get(struct api_execution *out, struct api_client *c, const char *id,
                      struct error *err)
{
	const struct gql_ctx ctx = {"executionResult", NULL, -1};
	struct json_object *vars = json_object_new_object();
	struct jdoc *doc = NULL;
	const struct jval *data = NULL, *exec;
	const char *status = NULL, *ended = NULL, *error = NULL;
	int rc;

	json_object_object_add(vars, "id", json_object_new_string(id));
	if ((rc = api_request(&doc, &data, c, api_doc(API_DOC_EXECUTION_RESULT), vars, err)) ||
	    (rc = gql_get_object(&exec, data, "executionResult", true, &ctx, err)))
		goto done;
	if (!exec) {
		rc = error_set(err, ERR_NOTFOUND, "execution %s not found", id);
		goto done;
	}
	if ((rc = gql_get_string(&status, exec, "status", true, &ctx, err)) ||
	    (rc = gql_get_string(&ended, exec, "endedAt", true, &ctx, err)) ||
	    (rc = gql_get_string(&error, exec, "error", true, &ctx, err)))
		goto done;
	memset(out, 0, sizeof(*out));
	/* Ended is what counts: a status may read SUCCESS or ERROR only once it ends. */
	if (!ended || !status || (strcmp(status, "SUCCESS") && strcmp(status, "ERROR")))
		out->status = API_EXEC_RUNNING;
	else if (!strcmp(status, "SUCCESS") && !error)
		out->status = API_EXEC_SUCCESS;
	else
		out->status = API_EXEC_ERROR;
	out->error = error ? xstrdup(error) : NULL;
done:
	jdoc_free(doc);
	json_object_put(vars);
	return rc;
}

void api_execution_release(struct api_execution *e)
{
	if (!e)
		return;
	free(e->error);
	memset(e, 0, sizeof(*e));
}
