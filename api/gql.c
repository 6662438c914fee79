#include "gql.h"

#include <ctype.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* Line and column (1-based, in bytes) of offset in text. */
static void position(const char *text, size_t len, size_t offset, int *line, int *col)
{
	int l = 1, c = 1;
	if (offset > len)
		offset = len;
	for (size_t i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

int gql_parse_json(struct json_object **out, const char *text, size_t len, const char *what,
                   struct error *err)
{
	struct json_tokener *tok = NULL;
	struct json_object *obj = NULL;
	int rc = 0, line, col;

	if (len > (size_t)INT32_MAX - 1)
		return error_set(err, ERR_TOO_LARGE, "%s: JSON text too large", what);
	if (len == 0)
		return error_set(err, ERR_PARSE, "%s: empty body where JSON was expected", what);
	tok = json_tokener_new_ex(GQL_MAX_DEPTH);
	if (!tok)
		return error_set(err, ERR_PARSE, "%s: out of memory", what);
	/* json-c checks UTF-8 a byte at a time (5% of a large plan): only where this finds fault.
	 */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	                                (utf8_valid(text, len) ? 0 : JSON_TOKENER_VALIDATE_UTF8));
	obj = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/* Input ended inside a value; numbers need the terminator to end. */
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
	}
	if (jerr != json_tokener_success || !obj) {
		size_t at = jerr == json_tokener_continue ? len : end;
		position(text, len, at, &line, &col);
		rc = error_set(err, ERR_PARSE, "%s: invalid JSON at line %d, column %d: %s", what,
		               line, col,
		               jerr == json_tokener_continue ? "unexpected end of input"
		                                             : json_tokener_error_desc(jerr));
		goto done;
	}
	for (size_t i = end; i < len; i++) {
		if (!isspace((unsigned char)text[i])) {
			position(text, len, i, &line, &col);
			rc = error_set(err, ERR_PARSE,
			               "%s: invalid JSON at line %d, column %d: unexpected data "
			               "after the value",
			               what, line, col);
			goto done;
		}
	}
	*out = obj;
	obj = NULL;
done:
	json_object_put(obj);
	json_tokener_free(tok);
	return rc;
}

/* A printable, bounded copy of a server message, for error text. */
static char *clip(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	size_t n = len > 300 ? 300 : len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		buf_addch(&b, c < 0x20 || c == 0x7f ? ' ' : (char)c);
	}
	if (len > n)
		buf_adds(&b, "...");
	return buf_detach(&b, NULL);
}

static char *message_of(struct json_object *e)
{
	struct json_object *m;
	if (json_object_is_type(e, json_type_object) &&
	    json_object_object_get_ex(e, "message", &m) && json_object_is_type(m, json_type_string))
		return clip(json_object_get_string(m), (size_t)json_object_get_string_len(m));
	return xstrdup("(an error without a message)");
}

static bool is_not_found(const char *msg)
{
	return strstr(msg, "Record not found") != NULL;
}

bool gql_is_auth_message(const char *msg)
{
	/* The subject right before its verdict: "Input 'apiToken' ... is invalid" is no refusal. */
	static const char pattern[] =
	    "(token|credentials)( (is|are|was|were|has|have))?( been)? (expired|invalid|not "
	    "provided)|credentials were not provided|authentication (failed|required)|"
	    "not authenticated|unauthori[sz]ed";
	regex_t re;
	bool hit;
	if (!msg || regcomp(&re, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB))
		return false;
	hit = regexec(&re, msg, 0, NULL, 0) == 0;
	regfree(&re);
	return hit;
}

/* Whether any error of the list reports a token or credentials refused. */
static bool any_auth_error(struct json_object *errors)
{
	size_t n = json_object_array_length(errors);
	for (size_t i = 0; i < n; i++) {
		char *msg = message_of(json_object_array_get_idx(errors, i));
		bool hit = gql_is_auth_message(msg);
		free(msg);
		if (hit)
			return true;
	}
	return false;
}

/*
 * The first error of a list, and how many follow, as one message. An error
 * about the token counts as one (ERR_AUTH, which the client answers by
 * refreshing and sending again) only when the response carries no data:
 * beside data, the request ran, and sending a mutation again would repeat it.
 */
static int errors_to_error(struct json_object *errors, bool has_data, const char *op,
                           const char *prefix, struct error *err)
{
	size_t n = json_object_array_length(errors);
	char *msg = message_of(json_object_array_get_idx(errors, 0));
	int code = is_not_found(msg) ? ERR_NOTFOUND : ERR_API;
	if (!has_data && any_auth_error(errors)) {
		code = ERR_AUTH;
		prefix = "the access token was rejected: ";
	}
	if (n > 1)
		error_set(err, code, "%s: %s%s (and %zu more error%s)", op, prefix, msg, n - 1,
		          n == 2 ? "" : "s");
	else
		error_set(err, code, "%s: %s%s", op, prefix, msg);
	free(msg);
	return code;
}

int gql_decode_response(struct json_object **data_out, long status, const char *body, size_t len,
                        const char *op, struct error *err)
{
	struct json_object *root = NULL, *errors = NULL, *data = NULL;
	struct error perr = ERROR_INIT;
	int rc = 0;

	int prc = gql_parse_json(&root, body, len, op, &perr);
	if (status != 200) {
		char *msg = NULL;
		if (!prc && json_object_is_type(root, json_type_object) &&
		    json_object_object_get_ex(root, "errors", &errors) &&
		    json_object_is_type(errors, json_type_array) &&
		    json_object_array_length(errors) > 0)
			msg = message_of(json_object_array_get_idx(errors, 0));
		else if (len && prc)
			msg = clip(body, len);
		int code = status == 401 || status == 403 ? ERR_AUTH : ERR_API;
		if (code == ERR_AUTH)
			rc =
			    error_set(err, code, "%s: the access token was rejected (HTTP %ld%s%s)",
			              op, status, msg ? ": " : "", msg ? msg : "");
		else
			rc = error_set(err, code, "%s: HTTP %ld%s%s", op, status, msg ? ": " : "",
			               msg ? msg : "");
		free(msg);
		goto done;
	}
	if (prc) {
		rc = error_set(err, prc, "%s", perr.message);
		goto done;
	}
	if (!json_object_is_type(root, json_type_object)) {
		rc = error_set(err, ERR_API, "%s: the response is not a JSON object", op);
		goto done;
	}
	if (json_object_object_get_ex(root, "errors", &errors) && errors &&
	    !json_object_is_type(errors, json_type_null)) {
		if (!json_object_is_type(errors, json_type_array)) {
			rc = error_set(err, ERR_API, "%s: 'errors' in the response is not a list",
			               op);
			goto done;
		}
		if (json_object_array_length(errors) > 0) {
			bool has_data = json_object_object_get_ex(root, "data", &data) && data &&
			                !json_object_is_type(data, json_type_null);
			rc = errors_to_error(errors, has_data, op, "", err);
			goto done;
		}
	}
	if (!json_object_object_get_ex(root, "data", &data) ||
	    !json_object_is_type(data, json_type_object)) {
		rc = error_set(err, ERR_API, "%s: the response has no data", op);
		goto done;
	}
	*data_out = json_object_get(data);
done:
	error_release(&perr);
	json_object_put(root);
	return rc;
}

int gql_check_payload(struct json_object **payload, struct json_object *data, const char *op,
                      const char *what, struct error *err)
{
	struct json_object *p = NULL, *errors = NULL;

	if (!json_object_object_get_ex(data, op, &p) || !json_object_is_type(p, json_type_object))
		return error_set(err, ERR_API, "%s %s: the response has no payload", op, what);
	if (!json_object_object_get_ex(p, "errors", &errors) ||
	    json_object_is_type(errors, json_type_null)) {
		*payload = p;
		return 0;
	}
	if (!json_object_is_type(errors, json_type_array))
		return error_set(err, ERR_API, "%s %s: 'errors' is not a list", op, what);
	size_t n = json_object_array_length(errors);
	if (n == 0) {
		*payload = p;
		return 0;
	}
	struct buf msg = BUF_INIT;
	bool not_found = false;
	for (size_t i = 0; i < n && i < 10; i++) {
		struct json_object *e = json_object_array_get_idx(errors, i), *f = NULL, *ms = NULL;
		const char *field = "__all__";
		if (json_object_is_type(e, json_type_object) &&
		    json_object_object_get_ex(e, "field", &f) &&
		    json_object_is_type(f, json_type_string))
			field = json_object_get_string(f);
		if (i)
			buf_adds(&msg, "; ");
		if (strcmp(field, "__all__")) {
			char *cf = clip(field, strlen(field));
			buf_addf(&msg, "%s: ", cf);
			free(cf);
		}
		size_t nm = 0;
		if (json_object_is_type(e, json_type_object) &&
		    json_object_object_get_ex(e, "messages", &ms) &&
		    json_object_is_type(ms, json_type_array))
			nm = json_object_array_length(ms);
		for (size_t j = 0; j < nm && j < 5; j++) {
			struct json_object *m = json_object_array_get_idx(ms, j);
			if (!json_object_is_type(m, json_type_string))
				continue;
			char *cm =
			    clip(json_object_get_string(m), (size_t)json_object_get_string_len(m));
			if (is_not_found(cm))
				not_found = true;
			buf_addf(&msg, "%s%s", j ? " " : "", cm);
			free(cm);
		}
		if (!nm)
			buf_adds(&msg, "(no message)");
	}
	if (n > 10)
		buf_addf(&msg, "; and %zu more", n - 10);
	int rc =
	    error_set(err, not_found ? ERR_NOTFOUND : ERR_API, "%s %s: %s", op, what, msg.data);
	buf_release(&msg);
	return rc;
}

static int bad_field(const struct gql_ctx *ctx, const char *key, const char *must,
                     struct error *err)
{
	if (ctx->kind && ctx->index >= 0)
		return error_set(err, ERR_API, "%s: %s %ld: field '%s' %s", ctx->op, ctx->kind,
		                 ctx->index, key, must);
	if (ctx->kind)
		return error_set(err, ERR_API, "%s: %s: field '%s' %s", ctx->op, ctx->kind, key,
		                 must);
	return error_set(err, ERR_API, "%s: field '%s' %s", ctx->op, key, must);
}

static struct json_object *member(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;
	if (!obj || !json_object_is_type(obj, json_type_object))
		return NULL;
	json_object_object_get_ex(obj, key, &v);
	return v;
}

int gql_get_string(const char **out, struct json_object *obj, const char *key, bool nullable,
                   const struct gql_ctx *ctx, struct error *err)
{
	struct json_object *v = member(obj, key);
	if (!v) {
		if (!nullable)
			return bad_field(ctx, key, "is missing", err);
		*out = NULL;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return bad_field(ctx, key, "must be a string", err);
	const char *s = json_object_get_string(v);
	if (strlen(s) != (size_t)json_object_get_string_len(v))
		return bad_field(ctx, key, "contains a NUL character", err);
	*out = s;
	return 0;
}

int gql_get_int(long long *out, bool *present, struct json_object *obj, const char *key,
                long long min, long long max, const struct gql_ctx *ctx, struct error *err)
{
	struct json_object *v = member(obj, key);
	if (!v) {
		if (!present)
			return bad_field(ctx, key, "is missing", err);
		*present = false;
		return 0;
	}
	if (!json_object_is_type(v, json_type_int))
		return bad_field(ctx, key, "must be an integer", err);
	int64_t n = json_object_get_int64(v);
	/* json-c clamps values beyond int64 to its limits; those are out of any range we use. */
	if (n < min || n > max || n == INT64_MAX || n == INT64_MIN) {
		char must[96];
		snprintf(must, sizeof(must), "must be between %lld and %lld", min, max);
		return bad_field(ctx, key, must, err);
	}
	*out = n;
	if (present)
		*present = true;
	return 0;
}

int gql_get_bool(bool *out, struct json_object *obj, const char *key, const struct gql_ctx *ctx,
                 struct error *err)
{
	struct json_object *v = member(obj, key);
	if (!v)
		return bad_field(ctx, key, "is missing", err);
	if (!json_object_is_type(v, json_type_boolean))
		return bad_field(ctx, key, "must be true or false", err);
	*out = json_object_get_boolean(v);
	return 0;
}

static int get_typed(struct json_object **out, struct json_object *obj, const char *key,
                     bool nullable, enum json_type type, const char *must,
                     const struct gql_ctx *ctx, struct error *err)
{
	struct json_object *v = member(obj, key);
	if (!v) {
		if (!nullable)
			return bad_field(ctx, key, "is missing", err);
		*out = NULL;
		return 0;
	}
	if (!json_object_is_type(v, type))
		return bad_field(ctx, key, must, err);
	*out = v;
	return 0;
}

int gql_get_object(struct json_object **out, struct json_object *obj, const char *key,
                   bool nullable, const struct gql_ctx *ctx, struct error *err)
{
	return get_typed(out, obj, key, nullable, json_type_object, "must be an object", ctx, err);
}

int gql_get_array(struct json_object **out, struct json_object *obj, const char *key, bool nullable,
                  const struct gql_ctx *ctx, struct error *err)
{
	return get_typed(out, obj, key, nullable, json_type_array, "must be a list", ctx, err);
}

const char *gql_to_json(struct json_object *value, size_t *len_out)
{
	size_t len = 0;
	const char *s = json_object_to_json_string_length(
	    value, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (len_out)
		*len_out = len;
	return s;
}

char *gql_request_body(const char *query, struct json_object *variables, size_t *len_out)
{
	struct json_object *req = json_object_new_object();
	json_object_object_add(req, "query", json_object_new_string(query));
	if (variables)
		json_object_object_add(req, "variables", json_object_get(variables));
	size_t len = 0;
	const char *s = gql_to_json(req, &len);
	char *out = xstrndup(s, len);
	json_object_put(req);
	if (len_out)
		*len_out = len;
	return out;
}

/* Skips white space, commas and # comments. */
static const char *skip_ignored(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ',' ||
		       (unsigned char)*p == 0xef || (unsigned char)*p == 0xbb ||
		       (unsigned char)*p == 0xbf)
			p++;
		if (*p != '#')
			return p;
		while (*p && *p != '\n')
			p++;
	}
}

static bool name_char(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9');
}

static const char *read_name(const char *p, const char **start, size_t *len)
{
	*start = p;
	if (!name_char(*p, true)) {
		*len = 0;
		return p;
	}
	while (name_char(*p, false))
		p++;
	*len = (size_t)(p - *start);
	return p;
}

/* Skips a balanced (...) group, strings included. */
static const char *skip_parens(const char *p)
{
	int depth = 0;
	while (*p) {
		if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (*p)
				p++;
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
		p++;
	}
	return p;
}

void gql_document_info(const char *doc, bool *mutation, char *root, size_t n)
{
	const char *p = skip_ignored(doc), *s;
	size_t len;

	*mutation = false;
	if (n)
		snprintf(root, n, "?");
	/* Skip fragment definitions that come first. */
	for (;;) {
		const char *q = read_name(p, &s, &len);
		if (len == 8 && !memcmp(s, "fragment", 8)) {
			while (*q && *q != '{')
				q++;
			int depth = 0;
			while (*q) {
				if (*q == '{')
					depth++;
				else if (*q == '}' && --depth == 0) {
					q++;
					break;
				}
				q++;
			}
			p = skip_ignored(q);
			continue;
		}
		break;
	}
	const char *q = read_name(p, &s, &len);
	if (len) {
		if (len == 8 && !memcmp(s, "mutation", 8))
			*mutation = true;
		p = skip_ignored(q);
		q = read_name(p, &s, &len); /* operation name */
		p = skip_ignored(q);
		if (*p == '(')
			p = skip_ignored(skip_parens(p));
		while (*p == '@') { /* directives */
			q = read_name(p + 1, &s, &len);
			p = skip_ignored(q);
			if (*p == '(')
				p = skip_ignored(skip_parens(p));
		}
	}
	if (*p != '{')
		return;
	p = skip_ignored(p + 1);
	q = read_name(p, &s, &len);
	if (!len)
		return;
	const char *r = skip_ignored(q);
	if (*r == ':') { /* alias: the field name follows */
		const char *s2;
		size_t len2;
		read_name(skip_ignored(r + 1), &s2, &len2);
		if (len2) {
			s = s2;
			len = len2;
		}
	}
	if (n)
		snprintf(root, n, "%.*s", (int)(len < n ? len : n - 1), s);
}

/* The member `errors` of a response when it is a non-empty list; else NULL. Borrowed. */
static struct json_object *errors_list(struct json_object *root)
{
	struct json_object *errors = NULL;
	if (!json_object_object_get_ex(root, "errors", &errors) ||
	    !json_object_is_type(errors, json_type_array) || !json_object_array_length(errors))
		return NULL;
	return errors;
}

static bool has_data(struct json_object *root)
{
	struct json_object *data = NULL;
	return json_object_object_get_ex(root, "data", &data) &&
	       json_object_is_type(data, json_type_object);
}

/* The first element of an error's path when it is a string (an alias or root field); else NULL. */
static const char *path_head(struct json_object *e)
{
	struct json_object *path = NULL, *head;
	if (!json_object_is_type(e, json_type_object) ||
	    !json_object_object_get_ex(e, "path", &path) ||
	    !json_object_is_type(path, json_type_array) || !json_object_array_length(path))
		return NULL;
	head = json_object_array_get_idx(path, 0);
	return json_object_is_type(head, json_type_string) ? json_object_get_string(head) : NULL;
}

/*
 * A request refused as a whole before anything ran (HTTP 400 or 413 without
 * a GraphQL answer): a response holding only the error err describes, which
 * gql_batch_refused() recognises. err is emptied.
 */
static int refusal(struct json_object **root_out, const char *op, struct error *err)
{
	struct json_object *e = json_object_new_object(), *list = json_object_new_array();
	struct json_object *root = json_object_new_object();
	const char *msg = err->message ? err->message : "refused";
	size_t n = strlen(op);
	if (!strncmp(msg, op, n) && !strncmp(msg + n, ": ", 2))
		msg += n + 2; /* the operation is named again where the message is used */
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_array_add(list, e);
	json_object_object_add(root, "errors", list);
	error_release(err);
	*root_out = root;
	return 0;
}

int gql_decode_batch_response(struct json_object **root_out, long status, const char *body,
                              size_t len, const char *op, struct error *err)
{
	struct json_object *root = NULL, *errors;
	struct error perr = ERROR_INIT;
	int rc;

	if ((status != 200 && status != 400) || gql_parse_json(&root, body, len, op, &perr) ||
	    !json_object_is_type(root, json_type_object) ||
	    (!has_data(root) && !errors_list(root))) {
		json_object_put(root);
		error_release(&perr);
		rc = gql_decode_response(root_out, status, body, len, op, err);
		if (status != 400 && status != 413)
			return rc;
		return refusal(root_out, op, err);
	}
	errors = errors_list(root);
	if (!has_data(root) && any_auth_error(errors)) {
		rc = errors_to_error(errors, false, op, "", err);
		json_object_put(root);
		return rc;
	}
	*root_out = root;
	return 0;
}

bool gql_batch_refused(struct json_object *root)
{
	struct json_object *errors = errors_list(root);
	if (has_data(root) || !errors)
		return false;
	for (size_t i = 0; i < json_object_array_length(errors); i++)
		if (path_head(json_object_array_get_idx(errors, i)))
			return false;
	return true;
}

int gql_batch_error(struct json_object *root, const char *alias, const char *op, struct error *err)
{
	struct json_object *errors = errors_list(root), *own = NULL, *general = NULL;
	int rc = 0;
	if (!errors)
		return 0;
	own = json_object_new_array();
	general = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(errors); i++) {
		struct json_object *e = json_object_array_get_idx(errors, i);
		const char *head = path_head(e);
		if (!head)
			json_object_array_add(general, json_object_get(e));
		else if (!strcmp(head, alias))
			json_object_array_add(own, json_object_get(e));
	}
	if (json_object_array_length(own))
		rc = errors_to_error(own, true, op, "", err);
	else if (json_object_array_length(general))
		rc = errors_to_error(general, true, op, "", err);
	json_object_put(own);
	json_object_put(general);
	return rc;
}

const char *gql_library_version(void)
{
	return json_c_version();
}
