#include "lookup.h"

#include <json-c/json.h>
#include <string.h>

#include "call.h"
#include "fetch.h"
#include "gql.h"
#include "../util/banned.h"

/* The selections match the list queries of fetch.c, so the same decoders apply. */
#define CUSTOMER_FIELDS "id externalId name description labels"
#define INTEGRATION_FIELDS                                                                         \
	"id name description category labels versionNumber hasUnpublishedChanges definition "      \
	"versionSequence(first: 100, sortBy: [{field: VERSION_NUMBER, direction: DESC}]) { "       \
	"totalCount pageInfo { hasNextPage endCursor } nodes { id versionNumber "                  \
	"versionIsAvailable } } "                                                                  \
	"latest: versionSequence(first: 1, versionIsAvailable: true, sortBy: [{field: "            \
	"VERSION_NUMBER, direction: DESC}]) { nodes { id versionNumber definition } }"
#define INSTANCE_FIELDS                                                                            \
	"id name description labels enabled deployedVersion needsDeploy configState "              \
	"customer { id externalId name } integration { id name versionNumber } "                   \
	"configVariables(first: 100) { totalCount pageInfo { hasNextPage endCursor } "             \
	"nodes { value requiredConfigVariable { key } } }"
#define CONNECTION(fields) "{ totalCount pageInfo { hasNextPage endCursor } nodes { " fields " } }"

static const char customer_by_id[] =
    "query customer($id: ID!) { customer(id: $id) { " CUSTOMER_FIELDS " } }";
static const char integration_by_id[] =
    "query integration($id: ID!) { integration(id: $id) { " INTEGRATION_FIELDS " } }";
static const char instance_by_id[] =
    "query instance($id: ID!) { instance(id: $id) { " INSTANCE_FIELDS " } }";
static const char customer_by_identity[] =
    "query customers($externalId: String!) { customers(first: 2, externalId: $externalId, "
    "isSystem: false) " CONNECTION(CUSTOMER_FIELDS) " }";
static const char integration_by_identity[] =
    "query integrations($name: String!) { integrations(first: 2, name: $name, customer_Isnull: "
    "true) " CONNECTION(INTEGRATION_FIELDS) " }";
static const char instance_by_identity[] =
    "query instances($customer: ID!, $name: String!) { instances(first: 2, customer: $customer, "
    "name: $name, isSystem: false) " CONNECTION(INSTANCE_FIELDS) " }";

static int read_by_id(struct live_state *s, struct api_client *c, const char *doc, const char *op,
                      enum fetch_kind kind, const char *id, bool *found, struct error *err)
{
	struct json_object *vars = json_object_new_object(), *data = NULL, *node = NULL;
	json_object_object_add(vars, "id", json_object_new_string(id));
	*found = false;
	int rc = api_request(&data, c, doc, vars, err);
	json_object_put(vars);
	if (rc == ERR_NOTFOUND) {
		error_release(err);
		return 0;
	}
	if (rc)
		return rc;
	if (json_object_object_get_ex(data, op, &node) && node &&
	    json_object_is_type(node, json_type_object)) {
		rc = fetch_decode_node(s, kind, node, 0, err);
		*found = rc == 0;
	}
	json_object_put(data);
	return rc;
}

static int find(struct live_state *s, struct api_client *c, const char *doc, enum fetch_kind kind,
                struct json_object *vars, bool *found, struct error *err)
{
	struct json_object *data = NULL;
	long total;
	const char *cursor;
	bool has_next;
	size_t nodes = 0;
	*found = false;
	int rc = api_request(&data, c, doc, vars, err);
	json_object_put(vars);
	if (rc)
		return rc;
	rc = fetch_decode_page(s, kind, data, &total, &cursor, &has_next, &nodes, err);
	*found = rc == 0 && nodes > 0;
	json_object_put(data);
	return rc;
}

int api_read_customer(struct live_state *s, struct api_client *c, const char *id, bool *found,
                      struct error *err)
{
	return read_by_id(s, c, customer_by_id, "customer", FETCH_CUSTOMERS, id, found, err);
}

int api_read_integration(struct live_state *s, struct api_client *c, const char *id, bool *found,
                         struct error *err)
{
	return read_by_id(s, c, integration_by_id, "integration", FETCH_INTEGRATIONS, id, found,
	                  err);
}

int api_read_instance(struct live_state *s, struct api_client *c, const char *id, bool *found,
                      struct error *err)
{
	return read_by_id(s, c, instance_by_id, "instance", FETCH_INSTANCES, id, found, err);
}

int api_find_customer(struct live_state *s, struct api_client *c, const char *external_id,
                      bool *found, struct error *err)
{
	struct json_object *vars = json_object_new_object();
	json_object_object_add(vars, "externalId", json_object_new_string(external_id));
	return find(s, c, customer_by_identity, FETCH_CUSTOMERS, vars, found, err);
}

int api_find_integration(struct live_state *s, struct api_client *c, const char *name, bool *found,
                         struct error *err)
{
	struct json_object *vars = json_object_new_object();
	json_object_object_add(vars, "name", json_object_new_string(name));
	return find(s, c, integration_by_identity, FETCH_INTEGRATIONS, vars, found, err);
}

int api_find_instance(struct live_state *s, struct api_client *c, const char *customer_id,
                      const char *name, bool *found, struct error *err)
{
	struct json_object *vars = json_object_new_object();
	json_object_object_add(vars, "customer", json_object_new_string(customer_id));
	json_object_object_add(vars, "name", json_object_new_string(name));
	return find(s, c, instance_by_identity, FETCH_INSTANCES, vars, found, err);
}
