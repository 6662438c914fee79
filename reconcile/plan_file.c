#include "plan_file.h"

#include <json-c/json.h>
#include <string.h>

#include "../util/xalloc.h"
#include "../util/banned.h"

static const char *member_str(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int parse_enum(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

/* JSON text of v, or NULL for JSON null / absent. A new string. */
static char *json_text(struct json_object *v)
{
	if (!v)
		return NULL;
	return xstrdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
	                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int read_fields(struct plan *p, size_t ci, struct json_object *fields, const char *path,
                       struct error *err)
{
	if (!fields || !json_object_is_type(fields, json_type_object))
		return error_set(err, ERR_INVALID, "%s: change %zu: 'fields' must be an object",
		                 path, ci + 1);
	json_object_object_foreach(fields, name, f)
	{
		struct json_object *before = NULL, *after = NULL, *sens = NULL;
		if (!json_object_is_type(f, json_type_object))
			return error_set(err, ERR_INVALID,
			                 "%s: change %zu: field '%s' is not an object", path,
			                 ci + 1, name);
		json_object_object_get_ex(f, "before", &before);
		json_object_object_get_ex(f, "after", &after);
		json_object_object_get_ex(f, "sensitive", &sens);
		char *b = json_text(before), *a = json_text(after);
		plan_field(p, ci, name, b, a, sens && json_object_get_boolean(sens));
		free(b);
		free(a);
	}
	return 0;
}

static int read_change(struct plan *p, struct json_object *c, size_t ci, const char *path,
                       struct error *err)
{
	static const char *const types[] = {"customer", "integration", "instance"};
	static const char *const actions[] = {"create", "update", "import",  "publish",
	                                      "deploy", "enable", "disable", "delete"};
	const char *address = member_str(c, "address");
	int type = parse_enum(member_str(c, "type"), types, 3);
	int action = parse_enum(member_str(c, "action"), actions, 8);
	struct json_object *fields = NULL, *deps = NULL, *payload = NULL;

	if (!json_object_is_type(c, json_type_object) || !address || type < 0 || action < 0)
		return error_set(err, ERR_INVALID,
		                 "%s: change %zu lacks a valid address, type or action", path,
		                 ci + 1);
	size_t idx = plan_add(p, (enum res_type)type, (enum plan_action)action, address);
	plan_set_live(p, idx, member_str(c, "live_id"), member_str(c, "fingerprint"));
	plan_set_note(p, idx, member_str(c, "note"));
	json_object_object_get_ex(c, "fields", &fields);
	int rc = read_fields(p, idx, fields, path, err);
	if (rc)
		return rc;
	if (json_object_object_get_ex(c, "payload", &payload) && payload) {
		if (!json_object_is_type(payload, json_type_object))
			return error_set(err, ERR_INVALID, "%s: %s: 'payload' must be an object",
			                 path, address);
		char *text = json_text(payload);
		plan_set_payload(p, idx, text);
		free(text);
	} else {
		return error_set(err, ERR_INVALID,
		                 "%s: %s has no payload; save plans with 'prismsync plan --out'",
		                 path, address);
	}
	if (!json_object_object_get_ex(c, "depends_on", &deps) ||
	    !json_object_is_type(deps, json_type_array))
		return error_set(err, ERR_INVALID, "%s: %s: 'depends_on' must be a list", path,
		                 address);
	for (size_t d = 0; d < json_object_array_length(deps); d++) {
		const char *dep = json_object_get_string(json_object_array_get_idx(deps, d));
		size_t j = 0;
		for (; dep && j < idx; j++) {
			char *id = xasprintf("%s#%s", p->changes[j].address,
			                     plan_action_name(p->changes[j].action));
			bool same = !strcmp(id, dep);
			free(id);
			if (same)
				break;
		}
		if (!dep || j == idx)
			return error_set(err, ERR_INVALID,
			                 "%s: %s depends on '%s', which is not an earlier change",
			                 path, address, dep ? dep : "?");
		plan_depend(p, idx, j);
	}
	return 0;
}

int plan_read(struct plan *p, const char *path, const char *text, size_t len, struct error *err)
{
	struct json_tokener *tok = json_tokener_new_ex(64);
	struct json_object *root = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	struct json_object *source = NULL, *changes = NULL, *v = NULL;
	struct plan tmp;
	int rc = 0;

	plan_init(&tmp);
	if (!root || jerr != json_tokener_success) {
		rc = error_set(err, ERR_PARSE, "%s: not a saved plan: %s at byte %zu", path,
		               json_tokener_error_desc(jerr), json_tokener_get_parse_end(tok));
		goto done;
	}
	const char *version = member_str(root, "format_version");
	if (!version || strcmp(version, "1")) {
		rc = error_set(err, ERR_INVALID,
		               "%s: format_version %s is not one this prismsync reads (1)", path,
		               version ? version : "(missing)");
		goto done;
	}
	const char *kind = member_str(root, "kind");
	if (!kind || strcmp(kind, "plan")) {
		rc = error_set(err, ERR_INVALID, "%s: this is a %s report, not a plan", path,
		               kind ? kind : "(unknown)");
		goto done;
	}
	if (json_object_object_get_ex(root, "source", &source) &&
	    json_object_is_type(source, json_type_object)) {
		const char *s;
		if ((s = member_str(source, "manifest")))
			tmp.manifest = xstrdup(s);
		if ((s = member_str(source, "owner")))
			tmp.owner = xstrdup(s);
		if ((s = member_str(source, "commit")))
			tmp.commit = xstrdup(s);
		if ((s = member_str(source, "repository")))
			tmp.repo_url = xstrdup(s);
		if ((s = member_str(source, "environment")))
			tmp.environment = xstrdup(s);
		if ((s = member_str(source, "organization")))
			tmp.organization = xstrdup(s);
		if (json_object_object_get_ex(source, "dirty", &v))
			tmp.dirty = json_object_get_boolean(v);
		if (json_object_object_get_ex(source, "prune", &v))
			tmp.prune = json_object_get_boolean(v);
	}
	if (!json_object_object_get_ex(root, "changes", &changes) ||
	    !json_object_is_type(changes, json_type_array)) {
		rc = error_set(err, ERR_INVALID, "%s: 'changes' must be a list", path);
		goto done;
	}
	for (size_t i = 0; i < json_object_array_length(changes) && !rc; i++)
		rc = read_change(&tmp, json_object_array_get_idx(changes, i), i, path, err);
done:
	if (rc) {
		plan_release(&tmp);
	} else {
		plan_release(p);
		*p = tmp;
	}
	json_object_put(root);
	json_tokener_free(tok);
	return rc;
}
