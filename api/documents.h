/*
 * documents.h - every GraphQL document prismsync sends, in one table.
 *
 * The files of api/ that issue requests take their documents from here and
 * nowhere else (no GraphQL text lives in any other source file), so that a
 * test can print the whole table and validate each document against
 * Prismatic's schema: what that test passes is what goes on the wire. The
 * only documents not in the table are those a user hands to `prismsync api`.
 *
 * Every document takes its values as variables; nothing is ever formatted
 * into GraphQL text. The one document assembled at run time, the batch of
 * aliased integration(id:) reads (api_doc_definitions_batch()), is built
 * from parts kept here as well.
 *
 * The strings are static and never change: borrow them freely.
 */
#ifndef PRISMSYNC_API_DOCUMENTS_H
#define PRISMSYNC_API_DOCUMENTS_H

#include <stdbool.h>
#include <stddef.h>

enum api_doc {
	API_DOC_WHOAMI,
	/* the live state (fetch.c) */
	API_DOC_CUSTOMERS,
	API_DOC_INTEGRATIONS,
	API_DOC_INSTANCES,
	API_DOC_VERSIONS, /* published versions of one integration, past the first page */
	API_DOC_CONFIG,   /* config variables of one instance, past the first page */
	/* single objects again (lookup.c) */
	API_DOC_CUSTOMER_BY_ID,
	API_DOC_INTEGRATION_BY_ID,
	API_DOC_INSTANCE_BY_ID,
	API_DOC_CUSTOMER_BY_IDENTITY,
	API_DOC_INTEGRATION_BY_IDENTITY,
	API_DOC_INSTANCE_BY_IDENTITY,
	/* changes (mutations_async.c) */
	API_DOC_CREATE_CUSTOMER,
	API_DOC_UPDATE_CUSTOMER,
	API_DOC_IMPORT_INTEGRATION,
	API_DOC_UPDATE_INTEGRATION,
	API_DOC_PUBLISH_INTEGRATION,
	API_DOC_DELETE_INTEGRATION,
	API_DOC_VERSION_AVAILABLE,
	API_DOC_CREATE_INSTANCE,
	API_DOC_UPDATE_INSTANCE,
	API_DOC_SET_CONFIG,
	API_DOC_DEPLOY_INSTANCE,
	API_DOC_DEPLOY_STATE,
	API_DOC_DELETE_INSTANCE,
	/* customer-level config variables (configvars.c) */
	API_DOC_CUSTOMER_CONFIG_VARS,
	/* the server's own check of a definition (validate.c) */
	API_DOC_VALIDATE_DEFINITION,
	/* the apply lock: a customer with a reserved name (lock.c) */
	API_DOC_LOCK_CREATE,
	API_DOC_LOCK_FIND,
	API_DOC_LOCK_READ,
	API_DOC_LOCK_DELETE,
	/* rollouts: Test Flow and Get Execution (flowtest.c) */
	API_DOC_FLOW_CONFIGS,
	API_DOC_TEST_FLOW_CONFIG,
	API_DOC_EXECUTION_RESULT,
	API_DOC_NR
};

struct api_document {
	const char *name; /* a short name for messages and the test: "integrations" */
	const char *text; /* the GraphQL document */
};

/* The text of document id. */
const char *api_doc(enum api_doc id);

/*
 * The batch of definitions read after the integrations list: n aliased
 * fields i0 .. i<n-1>, each `integration(id: $iK) { id versionNumber
 * hasUnpublishedChanges definition latest: versionSequence(first: 1,
 * versionIsAvailable: true, newest first) { nodes { id } } }`, with
 * variables $i0 .. as ID!; where latest[K] is true, the latest version's
 * nodes also select `versionNumber definition`. Returns a new string
 * (free()); n must be at least 1.
 */
char *api_doc_definitions_batch(size_t n, const bool *latest);

/*
 * Several operations of one kind in one request: document id (one of the
 * one-variable documents for which api_doc_batchable() is true) repeated n
 * times as aliased fields m0 .. m<n-1>, its variable $NAME renamed $NAME0
 * .., each with the type it has in the single document; the operation
 * keyword and name, the field and its selection are those of the single
 * document, so a batch asks exactly what n single requests would. Answers
 * are data.m0 .. data.m<n-1>. Returns a new string (free()); n must be at
 * least 1.
 */
char *api_doc_batch(enum api_doc id, size_t n);

/* Whether api_doc_batch() may be given id: the changes and the deploy-state read. */
bool api_doc_batchable(enum api_doc id);

/* Entry i of the table (i < API_DOC_NR), for the test that prints them all. */
const struct api_document *api_document_entry(size_t i);

#endif
