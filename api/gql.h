/*
 * gql.h - GraphQL over JSON: request bodies, response decoding, and checked
 * access to the values of a response.
 *
 * Documents are static strings; every value travels in `variables`, never
 * in the document text. A response is trusted for nothing: it is parsed
 * strictly with its error position, both error layers are errors, and
 * every value read through the gql_get_* functions is checked for its type
 * (and numbers for their range) before it is used.
 *
 * Two libraries, one job each. Answers are decoded with jdoc (jdoc.h), the
 * strict one-pass decoder: a struct jdoc returned through **out belongs to
 * the caller (jdoc_free()), and every const struct jval * is borrowed from
 * the jdoc it came from, valid until that is freed. Request bodies and
 * their variables are built with json-c (json_object_new_*,
 * gql_request_body()); gql_parse_json() reads JSON the user gives for a
 * request (api --var-json) into json-c, and gql_jval_to_json() converts a
 * value of an answer explicitly where it goes into a request or is printed.
 * json-c objects returned through **out belong to the caller
 * (json_object_put()).
 */
#ifndef PRISMSYNC_GQL_H
#define PRISMSYNC_GQL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "../util/error.h"
#include "jdoc.h"

/* Deepest nesting accepted in a response or a user's JSON (json-c's default is 32). */
#define GQL_MAX_DEPTH JDOC_MAX_DEPTH

/*
 * For JSON a user gives for a request (api --var-json), not for answers:
 * parses all of text[0..len) as one json-c value, strictly (no comments, no
 * trailing data, valid UTF-8). On failure returns ERR_PARSE with the line
 * and column of the problem in the message, prefixed by what.
 */
int gql_parse_json(struct json_object **out, const char *text, size_t len, const char *what,
                   struct error *err);

/*
 * Decodes the answer to operation op (the root field, for messages): an
 * HTTP status and body. Returns 0, *doc_out (the whole answer, the caller's
 * to free) and *data_out (its `data` object, borrowed from *doc_out) when
 * the status is 200, the body is a JSON object, `data` is an object and
 * `errors` is absent or empty. Otherwise:
 *   ERR_AUTH     401 or 403, or a GraphQL error that says the token or
 *                credentials are expired, invalid or missing (see
 *                gql_is_auth_message());
 *   ERR_NOTFOUND a top-level error "Record not found";
 *   ERR_PARSE    a body that is not JSON (with its position);
 *   ERR_API      any other HTTP status or GraphQL error, message from errors[0].
 * Messages name the operation.
 */
int gql_decode_response(struct jdoc **doc_out, const struct jval **data_out, long status,
                        const char *body, size_t len, const char *op, struct error *err);

/*
 * Checks the payload of mutation op: data[op] must be an object whose
 * `errors` list is empty. what names the object for messages
 * ("customer 'acme'"). Returns 0 and *payload (borrowed from data), or
 * ERR_API listing each `field: message` (ERR_NOTFOUND for "Record not found").
 */
/*
 * Whether a top-level GraphQL error message reports an expired, invalid or
 * missing token (a server may say so with HTTP 200 instead of 401): it
 * matches /(token|credential|authenticat).*(expired|invalid|not provided)/
 * or /unauthori[sz]ed/, ignoring case.
 */
bool gql_is_auth_message(const char *msg);

int gql_check_payload(const struct jval **payload, const struct jval *data, const char *op,
                      const char *what, struct error *err);

/*
 * Where a value came from, for error messages:
 * "customers: node 12: field 'name' must be a string".
 */
struct gql_ctx {
	const char *op;
	const char *kind; /* "node", "customer", ...; NULL: none */
	long index;       /* -1: none */
};

/*
 * Typed members of obj. A member that is null reads as absent. Values are
 * borrowed from obj's jdoc.
 */

/* A string member without NUL. nullable: null (or absent) gives *out = NULL. */
int gql_get_string(const char **out, const struct jval *obj, const char *key, bool nullable,
                   const struct gql_ctx *ctx, struct error *err);

/* An integer member in [min, max]. nullable: null or absent gives *present = false. */
int gql_get_int(long long *out, bool *present, const struct jval *obj, const char *key,
                long long min, long long max, const struct gql_ctx *ctx, struct error *err);

int gql_get_bool(bool *out, const struct jval *obj, const char *key, const struct gql_ctx *ctx,
                 struct error *err);

/* An object member; nullable: null or absent gives *out = NULL. */
int gql_get_object(const struct jval **out, const struct jval *obj, const char *key, bool nullable,
                   const struct gql_ctx *ctx, struct error *err);

/* An array member; nullable: null or absent gives *out = NULL. */
int gql_get_array(const struct jval **out, const struct jval *obj, const char *key, bool nullable,
                  const struct gql_ctx *ctx, struct error *err);

/*
 * A value of an answer as a new json-c object (the caller's), for a request
 * or for printing: numbers keep their text; null gives NULL (json-c's null).
 */
struct json_object *gql_jval_to_json(const struct jval *v);

/*
 * The request body {"query": query, "variables": variables} (variables may
 * be NULL). A new string; *len_out receives its length.
 */
char *gql_request_body(const char *query, struct json_object *variables, size_t *len_out);

/*
 * What a document does, for logging and retry decisions, without parsing it
 * fully: *mutation tells whether its first operation is a mutation, and
 * root (at most n bytes, NUL terminated) receives the first root field
 * ("?" when none is found).
 */
void gql_document_info(const char *doc, bool *mutation, char *root, size_t n);

/*
 * Decodes the answer to a batch, several aliased operations in one request
 * (documents.h, api_doc_batch()). Unlike gql_decode_response(), top-level
 * errors do not fail the whole answer: each may concern one alias only.
 * Returns 0 and *doc_out (the whole response, the caller's to free; the
 * root is jdoc_root(*doc_out)) for HTTP 200 or 400 with a JSON object holding `data` or `errors`;
 * ERR_AUTH as gql_decode_response() when there is no data and an error says the token was refused.
 * Any other HTTP 400, or a 413 (refused before anything ran), gives 0 and a response whose only
 * member is `errors`, with what gql_decode_response() would have said, for gql_batch_refused() to
 * see. Otherwise: what gql_decode_response() returns.
 */
int gql_decode_batch_response(struct jdoc **doc_out, long status, const char *body, size_t len,
                              const char *op, struct error *err);

/*
 * Whether a batch answer refuses the whole document: no data, and errors
 * none of which has a `path`, i.e. raised before anything ran (a validation,
 * complexity or "one mutation per request" limit).
 */
bool gql_batch_refused(const struct jval *root);

/*
 * The top-level errors of a batch answer that concern alias: those whose
 * `path` starts with it, or else those without a path (which concern every
 * alias). Returns 0 when there are none, or ERR_NOTFOUND / ERR_API with a
 * message worded as gql_decode_response() words it for a single request.
 */
int gql_batch_error(const struct jval *root, const char *alias, const char *op, struct error *err);

/* Serialises value compactly (no slash escaping). Borrowed from value, valid until it changes. */
const char *gql_to_json(struct json_object *value, size_t *len_out);

/* The version of json-c in use at run time ("0.16"); a static string. */
const char *gql_library_version(void);

#endif
