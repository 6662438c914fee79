/*
 * documents.c - the GraphQL documents of documents.h.
 *
 * The selections of one kind of object are shared by the list queries and
 * the reads of single objects, so that one decoder (fetch.c) serves both
 * and a saved plan's fingerprints mean the same thing either way.
 */
#include "documents.h"

#include <string.h>

#include "../util/buf.h"

#include "../util/banned.h"

#define LATEST_VERSION                                                                             \
	"latest: versionSequence(first: 1, versionIsAvailable: true, "                             \
	"sortBy: [{field: VERSION_NUMBER, direction: DESC}])"
#define BY_CREATED_AT   "sortBy: [{field: CREATED_AT, direction: ASC}]"
#define BY_VERSION_DESC "sortBy: [{field: VERSION_NUMBER, direction: DESC}]"

#define CUSTOMER_FIELDS "id externalId name description labels"
#define VERSION_FIELDS  "id versionNumber versionIsAvailable"
/* Metadata only: definitions are read in batches, and only where needed. */
#define INTEGRATION_FIELDS                                                                         \
	"id name description category labels versionNumber hasUnpublishedChanges isCodeNative\n"   \
	"      updatedAt\n"                                                                        \
	"      versionSequence(first: 100, offset: 0, " BY_VERSION_DESC ") {\n"                    \
	"        totalCount\n"                                                                     \
	"        nodes { " VERSION_FIELDS " }\n"                                                   \
	"      }\n"                                                                                \
	"      " LATEST_VERSION " { nodes { id versionNumber versionAttributes } }"
/*
 * What an instance's config variables are read as: every form (plain value,
 * connection inputs, customer-level connection, schedule), decoded by
 * api_decode_config_var() (configvars.h).
 */
#define CONFIG_VARIABLE_FIELDS                                                                     \
	"value status scheduleType timeZone\n"                                                     \
	"          customerConfigVariable { id key }\n"                                            \
	"          inputs { nodes { name type value hasValue } }\n"                                \
	"          requiredConfigVariable { key dataType }"
#define INSTANCE_FIELDS                                                                            \
	"id name description labels enabled deployedVersion needsDeploy configState\n"             \
	"      customer { id externalId name }\n"                                                  \
	"      integration { id name versionNumber }\n"                                            \
	"      configVariables(first: 100, offset: 0) {\n"                                         \
	"        totalCount\n"                                                                     \
	"        nodes { " CONFIG_VARIABLE_FIELDS " }\n"                                           \
	"      }"
#define PAYLOAD_ERRORS "errors { field messages }"
/* The apply lock is a customer: its name, and its description holds who took it when. */
#define LOCK_FIELDS "id name description labels"

static const struct api_document table[API_DOC_NR] = {
    [API_DOC_WHOAMI] = {"whoami", "query whoami {\n"
                                  "  authenticatedUser { id name email org { id name } }\n"
                                  "}\n"},

    [API_DOC_CUSTOMERS] = {"customers",
                           "query customers($first: Int!, $offset: Int!) {\n"
                           "  customers(first: $first, offset: $offset, isSystem: false,\n"
                           "            " BY_CREATED_AT ") {\n"
                           "    totalCount\n"
                           "    nodes { " CUSTOMER_FIELDS " }\n"
                           "  }\n"
                           "}\n"},
    [API_DOC_INTEGRATIONS] = {"integrations",
                              "query integrations($first: Int!, $offset: Int!) {\n"
                              "  integrations(first: $first, offset: $offset, customer_Isnull: "
                              "true,\n"
                              "               " BY_CREATED_AT ") {\n"
                              "    totalCount\n"
                              "    nodes {\n"
                              "      " INTEGRATION_FIELDS "\n"
                              "    }\n"
                              "  }\n"
                              "}\n"},
    [API_DOC_INSTANCES] = {"instances",
                           "query instances($first: Int!, $offset: Int!) {\n"
                           "  instances(first: $first, offset: $offset, isSystem: false,\n"
                           "            " BY_CREATED_AT ") {\n"
                           "    totalCount\n"
                           "    nodes {\n"
                           "      " INSTANCE_FIELDS "\n"
                           "    }\n"
                           "  }\n"
                           "}\n"},
    [API_DOC_VERSIONS] = {"versions", "query integration($id: ID!, $first: Int!, $offset: Int!) {\n"
                                      "  integration(id: $id) {\n"
                                      "    versionSequence(first: $first, offset: $offset,\n"
                                      "                    " BY_VERSION_DESC ") {\n"
                                      "      totalCount\n"
                                      "      nodes { " VERSION_FIELDS " }\n"
                                      "    }\n"
                                      "  }\n"
                                      "}\n"},
    [API_DOC_CONFIG] = {"config", "query instance($id: ID!, $first: Int!, $offset: Int!) {\n"
                                  "  instance(id: $id) {\n"
                                  "    configVariables(first: $first, offset: $offset) {\n"
                                  "      totalCount\n"
                                  "      nodes { " CONFIG_VARIABLE_FIELDS " }\n"
                                  "    }\n"
                                  "  }\n"
                                  "}\n"},

    [API_DOC_CUSTOMER_BY_ID] = {"customer by id", "query customer($id: ID!) {\n"
                                                  "  customer(id: $id) { " CUSTOMER_FIELDS " }\n"
                                                  "}\n"},
    [API_DOC_INTEGRATION_BY_ID] = {"integration by id", "query integration($id: ID!) {\n"
                                                        "  integration(id: $id) {\n"
                                                        "      " INTEGRATION_FIELDS "\n"
                                                        "  }\n"
                                                        "}\n"},
    [API_DOC_INSTANCE_BY_ID] = {"instance by id", "query instance($id: ID!) {\n"
                                                  "  instance(id: $id) {\n"
                                                  "      " INSTANCE_FIELDS "\n"
                                                  "  }\n"
                                                  "}\n"},
    [API_DOC_CUSTOMER_BY_IDENTITY] = {"customer by externalId",
                                      "query customers($externalId: String!) {\n"
                                      "  customers(first: 2, externalId: $externalId, isSystem: "
                                      "false) {\n"
                                      "    totalCount\n"
                                      "    nodes { " CUSTOMER_FIELDS " }\n"
                                      "  }\n"
                                      "}\n"},
    [API_DOC_INTEGRATION_BY_IDENTITY] = {"integration by name",
                                         "query integrations($name: String!) {\n"
                                         "  integrations(first: 2, name: $name, customer_Isnull: "
                                         "true) {\n"
                                         "    totalCount\n"
                                         "    nodes {\n"
                                         "      " INTEGRATION_FIELDS "\n"
                                         "    }\n"
                                         "  }\n"
                                         "}\n"},
    [API_DOC_INSTANCE_BY_IDENTITY] = {"instance by customer and name",
                                      "query instances($customer: ID!, $name: String!) {\n"
                                      "  instances(first: 2, customer: $customer, name: $name, "
                                      "isSystem: false) {\n"
                                      "    totalCount\n"
                                      "    nodes {\n"
                                      "      " INSTANCE_FIELDS "\n"
                                      "    }\n"
                                      "  }\n"
                                      "}\n"},

    [API_DOC_CREATE_CUSTOMER] = {"createCustomer",
                                 "mutation createCustomer($input: CreateCustomerInput!) {\n"
                                 "  createCustomer(input: $input) { customer { id } " PAYLOAD_ERRORS
                                 " }\n"
                                 "}\n"},
    [API_DOC_UPDATE_CUSTOMER] = {"updateCustomer",
                                 "mutation updateCustomer($input: UpdateCustomerInput!) {\n"
                                 "  updateCustomer(input: $input) { customer { id } " PAYLOAD_ERRORS
                                 " }\n"
                                 "}\n"},
    [API_DOC_IMPORT_INTEGRATION] = {"importIntegration",
                                    "mutation importIntegration($input: ImportIntegrationInput!) "
                                    "{\n"
                                    "  importIntegration(input: $input) {\n"
                                    "    integration { id } " PAYLOAD_ERRORS "\n"
                                    "  }\n"
                                    "}\n"},
    [API_DOC_UPDATE_INTEGRATION] = {"updateIntegration",
                                    "mutation updateIntegration($input: UpdateIntegrationInput!) "
                                    "{\n"
                                    "  updateIntegration(input: $input) {\n"
                                    "    integration { id } " PAYLOAD_ERRORS "\n"
                                    "  }\n"
                                    "}\n"},
    [API_DOC_PUBLISH_INTEGRATION] = {"publishIntegration",
                                     "mutation publishIntegration($input: "
                                     "PublishIntegrationInput!) {\n"
                                     "  publishIntegration(input: $input) {\n"
                                     "    integration { " VERSION_FIELDS " }\n"
                                     "    " PAYLOAD_ERRORS "\n"
                                     "  }\n"
                                     "}\n"},
    [API_DOC_DELETE_INTEGRATION] = {"deleteIntegration",
                                    "mutation deleteIntegration($input: DeleteIntegrationInput!) "
                                    "{\n"
                                    "  deleteIntegration(input: $input) {\n"
                                    "    integration { id } " PAYLOAD_ERRORS "\n"
                                    "  }\n"
                                    "}\n"},
    [API_DOC_VERSION_AVAILABLE] = {"version available",
                                   "query integration($id: ID!, $number: Int!) {\n"
                                   "  integration(id: $id) {\n"
                                   "    versionSequence(first: 1, versionNumber: $number, "
                                   "versionIsAvailable: true) {\n"
                                   "      nodes { " VERSION_FIELDS " }\n"
                                   "    }\n"
                                   "  }\n"
                                   "}\n"},
    [API_DOC_CREATE_INSTANCE] = {"createInstance",
                                 "mutation createInstance($input: CreateInstanceInput!) {\n"
                                 "  createInstance(input: $input) { instance { id } " PAYLOAD_ERRORS
                                 " }\n"
                                 "}\n"},
    [API_DOC_UPDATE_INSTANCE] = {"updateInstance",
                                 "mutation updateInstance($input: UpdateInstanceInput!) {\n"
                                 "  updateInstance(input: $input) { instance { id } " PAYLOAD_ERRORS
                                 " }\n"
                                 "}\n"},
    [API_DOC_SET_CONFIG] = {"updateInstanceConfigVariables",
                            "mutation updateInstanceConfigVariables($input: "
                            "UpdateInstanceConfigVariablesInput!) {\n"
                            "  updateInstanceConfigVariables(input: $input) {\n"
                            "    instance { id } " PAYLOAD_ERRORS "\n"
                            "  }\n"
                            "}\n"},
    [API_DOC_DEPLOY_INSTANCE] = {"deployInstance",
                                 "mutation deployInstance($input: DeployInstanceInput!) {\n"
                                 "  deployInstance(input: $input) { instance { id } " PAYLOAD_ERRORS
                                 " }\n"
                                 "}\n"},
    [API_DOC_DEPLOY_STATE] = {"deploy state",
                              "query instance($id: ID!) {\n"
                              "  instance(id: $id) { id needsDeploy deployedVersion }\n"
                              "}\n"},
    [API_DOC_DELETE_INSTANCE] = {"deleteInstance",
                                 "mutation deleteInstance($input: DeleteInstanceInput!) {\n"
                                 "  deleteInstance(input: $input) { instance { id } " PAYLOAD_ERRORS
                                 " }\n"
                                 "}\n"},
    [API_DOC_CUSTOMER_CONFIG_VARS] =
        {"customer config variables",
         "query customerConfigVariables($first: Int!, $offset: "
         "Int!) {\n"
         "  customerConfigVariables(first: $first, offset: $offset, isTest: false) "
         "{\n"
         "    totalCount\n"
         "    nodes { id key status customer { id } }\n"
         "  }\n"
         "}\n"},
    [API_DOC_VALIDATE_DEFINITION] = {"validateIntegrationSchema",
                                     "mutation validateIntegrationSchema($input: "
                                     "ValidateIntegrationSchemaInput!) {\n"
                                     "  validateIntegrationSchema(input: $input) { result { "
                                     "isValid } " PAYLOAD_ERRORS " }\n"
                                     "}\n"},

    [API_DOC_LOCK_CREATE] = {"createCustomer (lock)",
                             "mutation createCustomer($input: CreateCustomerInput!) {\n"
                             "  createCustomer(input: $input) {\n"
                             "    customer { " LOCK_FIELDS " } " PAYLOAD_ERRORS "\n"
                             "  }\n"
                             "}\n"},
    [API_DOC_LOCK_FIND] = {"customer by name (lock)", "query customers($name: String!) {\n"
                                                      "  customers(first: 2, name: $name) {\n"
                                                      "    nodes { " LOCK_FIELDS " }\n"
                                                      "  }\n"
                                                      "}\n"},
    [API_DOC_LOCK_READ] = {"customer by id (lock)", "query customer($id: ID!) {\n"
                                                    "  customer(id: $id) { " LOCK_FIELDS " }\n"
                                                    "}\n"},
    [API_DOC_LOCK_DELETE] = {"deleteCustomer (lock)",
                             "mutation deleteCustomer($input: DeleteCustomerInput!) {\n"
                             "  deleteCustomer(input: $input) { customer { id } " PAYLOAD_ERRORS
                             " }\n"
                             "}\n"},
    [API_DOC_FLOW_CONFIGS] = {"flow configs",
                              "query instance($id: ID!) {\n"
                              "  instance(id: $id) {\n"
                              "    id deployedVersion enabled\n"
                              "    flowConfigs(first: 100) { nodes { id flow { name } } }\n"
                              "  }\n"
                              "}\n"},
    [API_DOC_TEST_FLOW_CONFIG] = {"testInstanceFlowConfig",
                                  "mutation testInstanceFlowConfig($input: "
                                  "TestInstanceFlowConfigInput!) {\n"
                                  "  testInstanceFlowConfig(input: $input) {\n"
                                  "    testInstanceFlowConfigResult { execution { id } }\n"
                                  "    " PAYLOAD_ERRORS "\n"
                                  "  }\n"
                                  "}\n"},
    [API_DOC_EXECUTION_RESULT] = {"executionResult",
                                  "query executionResult($id: ID!) {\n"
                                  "  executionResult(id: $id) { id status startedAt endedAt "
                                  "error }\n"
                                  "}\n"},
};

/*
 * The definitions batch: one aliased integration(id:) field per integration,
 * with the draft's definition, what tells whether the draft or its latest
 * available version changed since the list was read, and where asked for,
 * that version's definition.
 */
#define BATCH_HEAD     "query definitions("
#define BATCH_VARIABLE "$i%zu: ID!"
#define BATCH_OPEN     ") {\n"
#define BATCH_DRAFT                                                                                \
	"  i%zu: integration(id: $i%zu) {\n"                                                       \
	"    id versionNumber hasUnpublishedChanges definition\n"
#define BATCH_LATEST    "    " LATEST_VERSION " { nodes { id versionNumber definition } }\n"
#define BATCH_LATEST_ID "    " LATEST_VERSION " { nodes { id } }\n"
#define BATCH_END       "  }\n"
#define BATCH_CLOSE     "}\n"

char *api_doc_definitions_batch(size_t n, const bool *latest)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, BATCH_HEAD);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_adds(&b, ", ");
		buf_addf(&b, BATCH_VARIABLE, i);
	}
	buf_adds(&b, BATCH_OPEN);
	for (size_t i = 0; i < n; i++) {
		buf_addf(&b, BATCH_DRAFT, i, i);
		buf_adds(&b, latest[i] ? BATCH_LATEST : BATCH_LATEST_ID);
		buf_adds(&b, BATCH_END);
	}
	buf_adds(&b, BATCH_CLOSE);
	return buf_detach(&b, NULL);
}

bool api_doc_batchable(enum api_doc id)
{
	switch (id) {
	case API_DOC_CREATE_CUSTOMER:
	case API_DOC_UPDATE_CUSTOMER:
	case API_DOC_IMPORT_INTEGRATION:
	case API_DOC_UPDATE_INTEGRATION:
	case API_DOC_PUBLISH_INTEGRATION:
	case API_DOC_DELETE_INTEGRATION:
	case API_DOC_CREATE_INSTANCE:
	case API_DOC_UPDATE_INSTANCE:
	case API_DOC_SET_CONFIG:
	case API_DOC_DEPLOY_INSTANCE:
	case API_DOC_DEPLOY_STATE:
	case API_DOC_DELETE_INSTANCE:
		return true;
	default:
		return false;
	}
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Appends field text f[0..len) with every $var (a whole name) renamed $var<k>. */
static void add_renamed(struct buf *b, const char *f, size_t len, const char *var, size_t var_len,
                        size_t k)
{
	for (size_t i = 0; i < len; i++) {
		buf_addch(b, f[i]);
		if (f[i] == '$' && i + var_len < len && !memcmp(f + i + 1, var, var_len) &&
		    !is_name_char(f[i + 1 + var_len])) {
			buf_add(b, var, var_len);
			buf_addf(b, "%zu", k);
			i += var_len;
		}
	}
}

/*
 * The single document is "KEYWORD NAME($var: TYPE) {\n  FIELD ...\n}\n" (all
 * of the batchable ones are, which the documents test checks through the
 * batches it validates): its parts are reused as they are.
 */
char *api_doc_batch(enum api_doc id, size_t n)
{
	const char *doc = table[id].text;
	const char *open = strchr(doc, '('), *colon = strchr(doc, ':'), *close = strchr(doc, ')');
	const char *body = strchr(close, '{') + 1, *end = strrchr(doc, '}');
	struct buf b = BUF_INIT;

	while (*body == '\n' || *body == ' ')
		body++;
	buf_add(&b, doc, (size_t)(open - doc) + 1);
	for (size_t k = 0; k < n; k++) {
		buf_adds(&b, k ? ", " : "");
		buf_add(&b, open + 1, (size_t)(colon - open - 1));
		buf_addf(&b, "%zu", k);
		buf_add(&b, colon, (size_t)(close - colon));
	}
	buf_adds(&b, ") {\n");
	for (size_t k = 0; k < n; k++) {
		buf_addf(&b, "  m%zu: ", k);
		add_renamed(&b, body, (size_t)(end - body), open + 2, (size_t)(colon - open - 2),
		            k);
		if (b.len && b.data[b.len - 1] != '\n')
			buf_addch(&b, '\n');
	}
	buf_adds(&b, "}\n");
	return buf_detach(&b, NULL);
}

const char *api_doc(enum api_doc id)
{
	return table[id].text;
}

const struct api_document *api_document_entry(size_t i)
{
	return i < API_DOC_NR ? &table[i] : NULL;
}
