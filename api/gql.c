#include "gql.h"

#include <ctype.h>
#include <math.h>
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

static char *message_of(const struct jval *e)
{
	const struct jval *m = jval_get(e, "message");
	if (jval_is(m, JSTRING))
		return clip(jval_str(m), jval_strlen(m));
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

/*
 * A selection of the errors of a list: all of them (alias NULL), or those
 * whose path starts with alias (own), or those without a path (general).
 */
struct error_sel {
	const struct jval *list;
	const char *alias; /* NULL: every element */
	bool own;
};

static const char *path_head(const struct jval *e);

static bool selected(const struct error_sel *sel, const struct jval *e)
{
	const char *head;
	if (!sel->alias)
		return true;
	head = path_head(e);
	return sel->own ? head && !strcmp(head, sel->alias) : !head;
}

static size_t sel_count(const struct error_sel *sel)
{
	size_t n = 0;
	for (size_t i = 0; i < jval_count(sel->list); i++)
		n += selected(sel, jval_at(sel->list, i));
	return n;
}

static const struct jval *sel_first(const struct error_sel *sel)
{
	for (size_t i = 0; i < jval_count(sel->list); i++)
		if (selected(sel, jval_at(sel->list, i)))
			return jval_at(sel->list, i);
	return NULL;
}

/* Whether any selected error reports a token or credentials refused. */
static bool any_auth_error(const struct error_sel *sel)
{
	for (size_t i = 0; i < jval_count(sel->list); i++) {
		const struct jval *e = jval_at(sel->list, i);
		if (!selected(sel, e))
			continue;
		char *msg = message_of(e);
		bool hit = gql_is_auth_message(msg);
		free(msg);
		if (hit)
			return true;
	}
	return false;
}

/*
 * The first error of a selection, and how many follow, as one message. An
 * error about the token counts as one (ERR_AUTH, which the client answers by
 * refreshing and sending again) only when the response carries no data:
 * beside data, the request ran, and sending a mutation again would repeat it.
 */
static int errors_to_error(const struct error_sel *sel, bool has_data, const char *op,
                           const char *prefix, struct error *err)
{
	size_t n = sel_count(sel);
	char *msg = message_of(sel_first(sel));
	int code = is_not_found(msg) ? ERR_NOTFOUND : ERR_API;
	if (!has_data && any_auth_error(sel)) {
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

int gql_decode_response(struct jdoc **doc_out, const struct jval **data_out, long status,
                        const char *body, size_t len, const char *op, struct error *err)
{
	struct jdoc *doc = NULL;
	const struct jval *root = NULL, *errors = NULL, *data = NULL;
	struct error perr = ERROR_INIT;
	int rc = 0;

	int prc = jdoc_parse(&doc, body, len, op, &perr);
	if (!prc)
		root = jdoc_root(doc);
	if (status != 200) {
		char *msg = NULL;
		errors = jval_get(root, "errors");
		if (!prc && jval_is(errors, JARRAY) && jval_count(errors) > 0)
			msg = message_of(jval_at(errors, 0));
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
	if (!jval_is(root, JOBJECT)) {
		rc = error_set(err, ERR_API, "%s: the response is not a JSON object", op);
		goto done;
	}
	errors = jval_get(root, "errors");
	if (errors && !jval_is(errors, JNULL)) {
		if (!jval_is(errors, JARRAY)) {
			rc = error_set(err, ERR_API, "%s: 'errors' in the response is not a list",
			               op);
			goto done;
		}
		if (jval_count(errors) > 0) {
			const struct error_sel all = {errors, NULL, false};
			data = jval_get(root, "data");
			rc = errors_to_error(&all, data && !jval_is(data, JNULL), op, "", err);
			goto done;
		}
	}
	data = jval_get(root, "data");
	if (!jval_is(data, JOBJECT)) {
		rc = error_set(err, ERR_API, "%s: the response has no data", op);
		goto done;
	}
	*doc_out = doc;
	*data_out = data;
	doc = NULL;
done:
	error_release(&perr);
	jdoc_free(doc);
	return rc;
}

int gql_check_payload(const struct jval **payload, const struct jval *data, const char *op,
                      const char *what, struct error *err)
{
	const struct jval *p = jval_get(data, op), *errors;

	if (!jval_is(p, JOBJECT))
		return error_set(err, ERR_API, "%s %s: the response has no payload", op, what);
	errors = jval_get(p, "errors");
	if (!errors || jval_is(errors, JNULL)) {
		*payload = p;
		return 0;
	}
	if (!jval_is(errors, JARRAY))
		return error_set(err, ERR_API, "%s %s: 'errors' is not a list", op, what);
	size_t n = jval_count(errors);
	if (n == 0) {
		*payload = p;
		return 0;
	}
	struct buf msg = BUF_INIT;
	bool not_found = false;
	for (size_t i = 0; i < n && i < 10; i++) {
		const struct jval *e = jval_at(errors, i), *f = jval_get(e, "field");
		const struct jval *ms = jval_get(e, "messages");
		/* A field name is cut at a NUL, as it was when answers were read with json-c. */
		const char *field = jval_is(f, JSTRING) ? jval_str(f) : "__all__";
		if (i)
			buf_adds(&msg, "; ");
		if (strcmp(field, "__all__")) {
			char *cf = clip(field, strlen(field));
			buf_addf(&msg, "%s: ", cf);
			free(cf);
		}
		size_t nm = jval_is(ms, JARRAY) ? jval_count(ms) : 0;
		for (size_t j = 0; j < nm && j < 5; j++) {
			const struct jval *m = jval_at(ms, j);
			if (!jval_is(m, JSTRING))
				continue;
			char *cm = clip(jval_str(m), jval_strlen(m));
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

static int gql_string_value(const char **out, const struct jval *v, bool nullable, const char *key,
                            const struct gql_ctx *ctx, struct error *err)
{
	/* null reads as absent, as it did with json-c, which kept no null member */
	if (!v || jval_is(v, JNULL)) {
		if (!nullable)
			return bad_field(ctx, key, "is missing", err);
		*out = NULL;
		return 0;
	}
	if (!jval_is(v, JSTRING))
		return bad_field(ctx, key, "must be a string", err);
	const char *s = jval_str(v);
	if (memchr(s, '\0', jval_strlen(v)))
		return bad_field(ctx, key, "contains a NUL character", err);
	*out = s;
	return 0;
}

int gql_get_string(const char **out, const struct jval *obj, const char *key, bool nullable,
                   const struct gql_ctx *ctx, struct error *err)
{
	return gql_string_value(out, jval_get(obj, key), nullable, key, ctx, err);
}

static int gql_int_value(long long *out, bool *present, const struct jval *v, const char *key,
                         long long min, long long max, const struct gql_ctx *ctx, struct error *err)
{
	int64_t n;
	if (!v || jval_is(v, JNULL)) {
		if (!present)
			return bad_field(ctx, key, "is missing", err);
		*present = false;
		return 0;
	}
	if (!jval_is_integer(v))
		return bad_field(ctx, key, "must be an integer", err);
	if (!jval_int64(v, &n) || n < min || n > max) {
		char must[96];
		snprintf(must, sizeof(must), "must be between %lld and %lld", min, max);
		return bad_field(ctx, key, must, err);
	}
	*out = n;
	if (present)
		*present = true;
	return 0;
}

int gql_get_int(long long *out, bool *present, const struct jval *obj, const char *key,
                long long min, long long max, const struct gql_ctx *ctx, struct error *err)
{
	return gql_int_value(out, present, jval_get(obj, key), key, min, max, ctx, err);
}

static int gql_bool_value(bool *out, const struct jval *v, const char *key,
                          const struct gql_ctx *ctx, struct error *err)
{
	if (!v || jval_is(v, JNULL))
		return bad_field(ctx, key, "is missing", err);
	if (!jval_is(v, JBOOL))
		return bad_field(ctx, key, "must be true or false", err);
	*out = jval_bool(v);
	return 0;
}

int gql_get_bool(bool *out, const struct jval *obj, const char *key, const struct gql_ctx *ctx,
                 struct error *err)
{
	return gql_bool_value(out, jval_get(obj, key), key, ctx, err);
}

static int gql_typed_value(const struct jval **out, const struct jval *v, enum jtype type,
                           bool nullable, const char *key, const struct gql_ctx *ctx,
                           struct error *err)
{
	if (!v || jval_is(v, JNULL)) {
		if (!nullable)
			return bad_field(ctx, key, "is missing", err);
		*out = NULL;
		return 0;
	}
	if (!jval_is(v, type))
		return bad_field(ctx, key, type == JOBJECT ? "must be an object" : "must be a list",
		                 err);
	*out = v;
	return 0;
}

int gql_get_object(const struct jval **out, const struct jval *obj, const char *key, bool nullable,
                   const struct gql_ctx *ctx, struct error *err)
{
	return gql_typed_value(out, jval_get(obj, key), JOBJECT, nullable, key, ctx, err);
}

int gql_get_array(const struct jval **out, const struct jval *obj, const char *key, bool nullable,
                  const struct gql_ctx *ctx, struct error *err)
{
	return gql_typed_value(out, jval_get(obj, key), JARRAY, nullable, key, ctx, err);
}

struct json_object *gql_jval_to_json(const struct jval *v)
{
	struct json_object *o = NULL;
	int64_t n;
	double d;
	switch (jval_type(v)) {
	case JNULL:
		return NULL;
	case JBOOL:
		return json_object_new_boolean(jval_bool(v));
	case JNUMBER:
		if (jval_int64(v, &n))
			return json_object_new_int64(n);
		if (jval_is_integer(v)) /* as json-c read it: clamped */
			return json_object_new_int64(jval_number_text(v)[0] == '-' ? INT64_MIN
			                                                           : INT64_MAX);
		if (!jval_double(v, &d))
			d = jval_number_text(v)[0] == '-' ? -HUGE_VAL : HUGE_VAL;
		return json_object_new_double_s(d, jval_number_text(v));
	case JSTRING:
		return json_object_new_string_len(jval_str(v), (int)jval_strlen(v));
	case JARRAY:
		o = json_object_new_array_ext((int)jval_count(v));
		for (size_t i = 0; i < jval_count(v); i++)
			json_object_array_add(o, gql_jval_to_json(jval_at(v, i)));
		return o;
	case JOBJECT:
		o = json_object_new_object();
		for (size_t i = 0; i < jval_count(v); i++) {
			const struct jmember *m = jval_member(v, i);
			json_object_object_add(o, m->key, gql_jval_to_json(&m->val));
		}
		return o;
	}
	return NULL;
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
static const struct jval *errors_list(const struct jval *root)
{
	const struct jval *errors = jval_get(root, "errors");
	return jval_is(errors, JARRAY) && jval_count(errors) ? errors : NULL;
}

static bool has_data(const struct jval *root)
{
	return jval_is(jval_get(root, "data"), JOBJECT);
}

/* The first element of an error's path when it is a string (an alias or root field); else NULL. */
static const char *path_head(const struct jval *e)
{
	return jval_str(jval_at(jval_get(e, "path"), 0));
}

/*
 * A request refused as a whole before anything ran (HTTP 400 or 413 without
 * a GraphQL answer): a response holding only the error err describes, which
 * gql_batch_refused() recognises. err is emptied.
 */
static int refusal(struct jdoc **doc_out, const char *op, struct error *err)
{
	struct json_object *e = json_object_new_object(), *list = json_object_new_array();
	struct json_object *root = json_object_new_object();
	const char *msg = err->message ? err->message : "refused";
	size_t n = strlen(op), len = 0;
	struct error perr = ERROR_INIT;
	if (!strncmp(msg, op, n) && !strncmp(msg + n, ": ", 2))
		msg += n + 2; /* the operation is named again where the message is used */
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_array_add(list, e);
	json_object_object_add(root, "errors", list);
	const char *text = gql_to_json(root, &len);
	int rc = jdoc_parse(doc_out, text, len, op, &perr); /* our own text: always parses */
	json_object_put(root);
	error_release(&perr);
	error_release(err);
	return rc;
}

int gql_decode_batch_response(struct jdoc **doc_out, long status, const char *body, size_t len,
                              const char *op, struct error *err)
{
	struct jdoc *doc = NULL;
	const struct jval *root = NULL, *errors;
	struct error perr = ERROR_INIT;
	int rc;

	if ((status != 200 && status != 400) || jdoc_parse(&doc, body, len, op, &perr) ||
	    !jval_is((root = jdoc_root(doc)), JOBJECT) || (!has_data(root) && !errors_list(root))) {
		const struct jval *data = NULL;
		jdoc_free(doc);
		error_release(&perr);
		rc = gql_decode_response(doc_out, &data, status, body, len, op, err);
		if (status != 400 && status != 413)
			return rc;
		if (!rc) { /* a 400 with data: impossible above, but keep the contract */
			jdoc_free(*doc_out);
			*doc_out = NULL;
		}
		return refusal(doc_out, op, err);
	}
	errors = errors_list(root);
	const struct error_sel all = {errors, NULL, false};
	if (!has_data(root) && errors && any_auth_error(&all)) {
		rc = errors_to_error(&all, false, op, "", err);
		jdoc_free(doc);
		return rc;
	}
	*doc_out = doc;
	return 0;
}

bool gql_batch_refused(const struct jval *root)
{
	const struct jval *errors = errors_list(root);
	if (has_data(root) || !errors)
		return false;
	for (size_t i = 0; i < jval_count(errors); i++)
		if (path_head(jval_at(errors, i)))
			return false;
	return true;
}

int gql_batch_error(const struct jval *root, const char *alias, const char *op, struct error *err)
{
	const struct jval *errors = errors_list(root);
	if (!errors)
		return 0;
	const struct error_sel own = {errors, alias, true}, general = {errors, alias, false};
	if (sel_count(&own))
		return errors_to_error(&own, true, op, "", err);
	if (sel_count(&general))
		return errors_to_error(&general, true, op, "", err);
	return 0;
}

const char *gql_library_version(void)
{
	return json_c_version();
}
