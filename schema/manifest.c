#include "manifest.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "../util/error.h"
#include "../util/strmap.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

#define NO_OFF                ((size_t)-1)
#define RESERVED_LABEL_PREFIX "prismsync:"
#define PROTECTED_LABEL       "prismsync:protected"
#define ENV_PREFIX            "${env:"
/* The newest definitionVersion Prismatic's export writes, as this prismsync knows it. */
#define DEFINITION_VERSION_NEWEST 7

enum field_kind {
	F_STRING,       /* a string scalar -> const char * */
	F_BOOL,         /* true/false -> bool */
	F_INT,          /* an integer -> long */
	F_LABELS,       /* a list of strings -> struct mstrlist, aux: bool has_ */
	F_VERSION,      /* latest or a number -> m_instance version fields */
	F_CONFIG,       /* mapping of config variables -> m_instance config fields */
	F_LIST,         /* list of objects -> array pointer, aux: size_t count */
	F_REQUIRES,     /* a version constraint ">= X.Y" -> const char * */
	F_ENVVAR,       /* the name of an environment variable -> const char * */
	F_ENVIRONMENTS, /* mapping of environment names to environments -> manifest fields */
	F_OVERRIDES,    /* per-environment overrides -> struct m_overrides * */
	F_IGNORE,       /* fields left unmanaged -> struct mstrlist, aux: 1 on instances */
	F_ROLLOUTS,     /* rollouts: parsed by rollout.c once the rest is loaded */
};

enum field_flags {
	FIELD_REQUIRED = 1 << 0,
	FIELD_NONEMPTY = 1 << 1,
};

struct object_schema;

/*
 * One key of a mapping: what it is called, what it holds, and where in the
 * target struct its value goes. aux is the count of a list or the has_ flag
 * of labels; pos receives the position of the value node.
 */
struct field {
	const char *key;
	enum field_kind kind;
	unsigned flags;
	size_t off;
	size_t aux;
	size_t pos;
	const struct object_schema *elem;
};

struct object_schema {
	const char *what; /* "customer", "instance", ... for messages */
	const struct field *fields;
	size_t nr;
	size_t size; /* of one element, for lists */
};

#define C(f) offsetof(struct m_customer, f)
static const struct field customer_fields[] = {
    {"externalId", F_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, C(external_id), NO_OFF,
     C(external_id_pos), NULL},
    {"name", F_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, C(name), NO_OFF, NO_OFF, NULL},
    {"description", F_STRING, 0, C(description), NO_OFF, NO_OFF, NULL},
    {"labels", F_LABELS, 0, C(labels), C(has_labels), NO_OFF, NULL},
    {"ignore", F_IGNORE, 0, C(ignore), 0, NO_OFF, NULL},
};
#undef C

#define I(f) offsetof(struct m_integration, f)
static const struct field integration_fields[] = {
    {"definition", F_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, I(definition), NO_OFF,
     I(definition_pos), NULL},
    {"name", F_STRING, FIELD_NONEMPTY, I(name), NO_OFF, I(name_pos), NULL},
    {"description", F_STRING, 0, I(description), NO_OFF, NO_OFF, NULL},
    {"labels", F_LABELS, 0, I(labels), I(has_labels), NO_OFF, NULL},
    {"publish", F_BOOL, 0, I(publish), NO_OFF, NO_OFF, NULL},
    {"comment", F_STRING, 0, I(comment), NO_OFF, NO_OFF, NULL},
    {"ignore", F_IGNORE, 0, I(ignore), 0, NO_OFF, NULL},
};
#undef I

#define N(f) offsetof(struct m_instance, f)
static const struct field instance_fields[] = {
    {"name", F_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, N(name), NO_OFF, NO_OFF, NULL},
    {"customer", F_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, N(customer), NO_OFF, N(customer_pos),
     NULL},
    {"integration", F_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, N(integration), NO_OFF,
     N(integration_pos), NULL},
    {"version", F_VERSION, 0, 0, NO_OFF, N(version_pos), NULL},
    {"description", F_STRING, 0, N(description), NO_OFF, NO_OFF, NULL},
    {"enabled", F_BOOL, 0, N(enabled), NO_OFF, NO_OFF, NULL},
    {"deploy", F_BOOL, 0, N(deploy), NO_OFF, NO_OFF, NULL},
    {"labels", F_LABELS, 0, N(labels), N(has_labels), NO_OFF, NULL},
    {"configVariables", F_CONFIG, 0, 0, NO_OFF, NO_OFF, NULL},
    {"ignore", F_IGNORE, 0, N(ignore), 1, NO_OFF, NULL},
};
#undef N

/* What an environment may change of a customer, an integration, an instance. */
#define C(f) offsetof(struct m_customer, f)
static const struct field customer_override_fields[] = {
    {"externalId", F_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, C(external_id), NO_OFF,
     C(external_id_pos), NULL},
    {"name", F_STRING, FIELD_NONEMPTY, C(name), NO_OFF, NO_OFF, NULL},
    {"description", F_STRING, 0, C(description), NO_OFF, NO_OFF, NULL},
    {"labels", F_LABELS, 0, C(labels), C(has_labels), NO_OFF, NULL},
};
#undef C

#define I(f) offsetof(struct m_integration, f)
static const struct field integration_override_fields[] = {
    {"name", F_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, I(name), NO_OFF, I(name_pos), NULL},
    {"publish", F_BOOL, 0, I(publish), NO_OFF, NO_OFF, NULL},
    {"comment", F_STRING, 0, I(comment), NO_OFF, NO_OFF, NULL},
};
#undef I

#define N(f) offsetof(struct m_instance, f)
static const struct field instance_override_fields[] = {
    {"name", F_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, N(name), NO_OFF, NO_OFF, NULL},
    {"customer", F_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, N(customer), NO_OFF, N(customer_pos),
     NULL},
    {"version", F_VERSION, 0, 0, NO_OFF, N(version_pos), NULL},
    {"description", F_STRING, 0, N(description), NO_OFF, NO_OFF, NULL},
    {"enabled", F_BOOL, 0, N(enabled), NO_OFF, NO_OFF, NULL},
    {"deploy", F_BOOL, 0, N(deploy), NO_OFF, NO_OFF, NULL},
    {"labels", F_LABELS, 0, N(labels), N(has_labels), NO_OFF, NULL},
    {"configVariables", F_CONFIG, 0, 0, NO_OFF, NO_OFF, NULL},
};
#undef N

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct object_schema customer_override_schema = {
    "customer override", customer_override_fields, ARRAY_SIZE(customer_override_fields),
    sizeof(struct m_customer)};
static const struct object_schema integration_override_schema = {
    "integration override", integration_override_fields, ARRAY_SIZE(integration_override_fields),
    sizeof(struct m_integration)};
static const struct object_schema instance_override_schema = {
    "instance override", instance_override_fields, ARRAY_SIZE(instance_override_fields),
    sizeof(struct m_instance)};

#define O(f) offsetof(struct m_overrides, f)
static const struct field overrides_fields[] = {
    {"customers", F_LIST, 0, O(customers), O(customers_nr), NO_OFF, &customer_override_schema},
    {"integrations", F_LIST, 0, O(integrations), O(integrations_nr), NO_OFF,
     &integration_override_schema},
    {"instances", F_LIST, 0, O(instances), O(instances_nr), NO_OFF, &instance_override_schema},
};
#undef O

static const struct object_schema overrides_schema = {"overrides", overrides_fields,
                                                      ARRAY_SIZE(overrides_fields), 0};

#define E(f) offsetof(struct m_environment, f)
static const struct field environment_fields[] = {
    {"url", F_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, E(url), NO_OFF, E(url_pos), NULL},
    {"organization", F_STRING, FIELD_REQUIRED | FIELD_NONEMPTY, E(organization), NO_OFF,
     E(organization_pos), NULL},
    {"credentials", F_ENVVAR, FIELD_REQUIRED, E(credentials), NO_OFF, E(credentials_pos), NULL},
    {"tenant", F_ENVVAR, 0, E(tenant), NO_OFF, NO_OFF, NULL},
    {"overrides", F_OVERRIDES, 0, E(overrides), NO_OFF, NO_OFF, NULL},
};
#undef E

static const struct object_schema environment_schema = {"environment", environment_fields,
                                                        ARRAY_SIZE(environment_fields),
                                                        sizeof(struct m_environment)};

static const struct object_schema customer_schema = {
    "customer", customer_fields, ARRAY_SIZE(customer_fields), sizeof(struct m_customer)};
static const struct object_schema integration_schema = {"integration", integration_fields,
                                                        ARRAY_SIZE(integration_fields),
                                                        sizeof(struct m_integration)};
static const struct object_schema instance_schema = {
    "instance", instance_fields, ARRAY_SIZE(instance_fields), sizeof(struct m_instance)};

#define M(f) offsetof(struct manifest, f)
static const struct field manifest_fields[] = {
    {"version", F_INT, FIELD_REQUIRED, M(version), NO_OFF, NO_OFF, NULL},
    {"owner", F_STRING, FIELD_NONEMPTY, M(owner), NO_OFF, NO_OFF, NULL},
    {"requires", F_REQUIRES, 0, M(requires), NO_OFF, NO_OFF, NULL},
    {"organization", F_STRING, FIELD_NONEMPTY, M(organization), NO_OFF, NO_OFF, NULL},
    {"environments", F_ENVIRONMENTS, 0, 0, NO_OFF, NO_OFF, NULL},
    {"customers", F_LIST, 0, M(customers), M(customers_nr), NO_OFF, &customer_schema},
    {"integrations", F_LIST, 0, M(integrations), M(integrations_nr), NO_OFF, &integration_schema},
    {"instances", F_LIST, 0, M(instances), M(instances_nr), NO_OFF, &instance_schema},
    {"rollouts", F_ROLLOUTS, 0, 0, NO_OFF, NO_OFF, NULL},
};
#undef M

static const struct object_schema manifest_schema = {"manifest", manifest_fields,
                                                     ARRAY_SIZE(manifest_fields), 0};

/* parse_object() and unknown_key() keep per-field state in arrays of this size. */
#define MAX_SCHEMA_FIELDS 16
#define ASSERT_FITS(fields)                                                                        \
	_Static_assert(ARRAY_SIZE(fields) <= MAX_SCHEMA_FIELDS, #fields " has too many keys")
ASSERT_FITS(customer_fields);
ASSERT_FITS(integration_fields);
ASSERT_FITS(instance_fields);
ASSERT_FITS(customer_override_fields);
ASSERT_FITS(integration_override_fields);
ASSERT_FITS(instance_override_fields);
ASSERT_FITS(overrides_fields);
ASSERT_FITS(environment_fields);
ASSERT_FITS(manifest_fields);
#undef ASSERT_FITS

struct loader {
	struct manifest *m;
	struct source *src;
	struct diag_list *diags;
	unsigned flags;
	const char *file; /* the file being read, for positions */
	size_t errors;
};

static void err_at(struct loader *ld, const struct ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void err_at(struct loader *ld, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_error(ld->diags, ld->file, n ? n->line : 1, n ? n->col : 1, "%s", msg);
	free(msg);
	ld->errors++;
}

#define SLOT(obj, off, type) ((type *)((char *)(obj) + (off)))

static void set_pos(void *obj, size_t off, const struct ynode *n)
{
	if (off == NO_OFF)
		return;
	struct mpos *p = SLOT(obj, off, struct mpos);
	p->line = n->line;
	p->col = n->col;
}

/* Quotes a scalar for a message, shortening it so a huge value cannot flood the terminal. */
static char *shown(const struct ynode *n)
{
	if (!n || n->kind != YNODE_SCALAR)
		return xstrdup(ynode_describe(n));
	const char *s = n->u.scalar.value;
	size_t len = strlen(s);
	struct buf b = BUF_INIT;
	buf_addch(&b, '\'');
	for (size_t i = 0; i < len && i < 60; i++)
		buf_addch(&b, (unsigned char)s[i] < 0x20 ? '?' : s[i]);
	if (len > 60)
		buf_adds(&b, "...");
	buf_addch(&b, '\'');
	return buf_detach(&b, NULL);
}

/* A string value, or NULL after reporting why the node is not one. */
static const char *get_string(struct loader *ld, const char *key, const struct ynode *v,
                              unsigned flags)
{
	if (v->kind != YNODE_SCALAR) {
		err_at(ld, v, "'%s' must be a string, not %s", key, ynode_describe(v));
		return NULL;
	}
	enum yscalar_type t = yscalar_type(v);
	if (t == YTYPE_NULL) {
		err_at(ld, v, "'%s' needs a value", key);
		return NULL;
	}
	if (t != YTYPE_STR) {
		err_at(ld, v, "'%s' must be a string, not %s; write it in quotes: \"%s\"", key,
		       ynode_describe(v), v->u.scalar.value);
		return NULL;
	}
	if (strlen(v->u.scalar.value) != v->u.scalar.len) {
		err_at(ld, v, "'%s' contains a NUL character", key);
		return NULL;
	}
	if ((flags & FIELD_NONEMPTY) && !v->u.scalar.len) {
		err_at(ld, v, "'%s' must not be empty", key);
		return NULL;
	}
	if (strstr(v->u.scalar.value, ENV_PREFIX)) {
		err_at(ld, v,
		       "'%s': ${env:...} references are allowed only in configVariables values",
		       key);
		return NULL;
	}
	return v->u.scalar.value;
}

static void parse_labels(struct loader *ld, const char *key, const struct ynode *v,
                         struct mstrlist *out)
{
	if (v->kind != YNODE_SEQ) {
		err_at(ld, v, "'%s' must be a list of strings, such as [tier-1, eu], not %s", key,
		       ynode_describe(v));
		return;
	}
	out->items = arena_alloc_array(&ld->m->arena, v->u.seq.nr, sizeof(*out->items));
	for (size_t i = 0; i < v->u.seq.nr; i++) {
		const struct ynode *item = v->u.seq.items[i];
		const char *s = get_string(ld, "labels", item, FIELD_NONEMPTY);
		if (!s)
			continue;
		if (str_starts_with(s, RESERVED_LABEL_PREFIX) && strcmp(s, PROTECTED_LABEL)) {
			err_at(ld, item,
			       "label '%s' uses the reserved prefix '%s'; prismsync sets its own "
			       "labels",
			       s, RESERVED_LABEL_PREFIX);
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < out->nr && !dup; j++)
			dup = !strcmp(out->items[j], s);
		if (dup) {
			err_at(ld, item, "label '%s' is listed twice", s);
			continue;
		}
		out->items[out->nr++] = s;
	}
}

static void parse_version(struct loader *ld, const struct ynode *v, struct m_instance *inst)
{
	if (v->kind == YNODE_SCALAR && !strcmp(v->u.scalar.value, "latest")) {
		inst->version_latest = true;
		return;
	}
	long n;
	if (v->kind == YNODE_SCALAR && yscalar_type(v) == YTYPE_INT &&
	    !parse_long(v->u.scalar.value, 1, 1000000000L, &n)) {
		inst->version_latest = false;
		inst->version = n;
		return;
	}
	char *s = shown(v);
	err_at(ld, v, "'version' must be latest or a published version number (1, 2, ...), not %s",
	       s);
	free(s);
}

int manifest_parse_env_ref(const char *s, char **name)
{
	const char *p = strstr(s, ENV_PREFIX);
	if (!p)
		return 0;
	if (p != s)
		return -1;
	p += strlen(ENV_PREFIX);
	size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
	if (!n || (p[0] >= '0' && p[0] <= '9') || p[n] != '}' || p[n + 1] != '\0')
		return -1;
	*name = xstrndup(p, n);
	return 1;
}

/*
 * A cron expression of five fields. Each field is made of digits, names
 * (JAN, MON), and the characters * / , - ? L W #; their ranges are left to
 * the server.
 */
static bool schedule_valid(const char *s)
{
	int fields = 0;
	const char *p = s;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t n = strspn(p, "0123456789*/,-?LW#ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                     "abcdefghijklmnopqrstuvwxyz");
		if (!n || (p[n] && p[n] != ' '))
			return false;
		fields++;
		p += n;
	}
	return fields == 5;
}

#define ZONEINFO_DIR "/usr/share/zoneinfo"

/*
 * An IANA time zone name: spelled as the database spells zones (each part
 * starts with a capital letter or is a digit run, as in Etc/GMT+5), and,
 * when this machine has the time zone database, a zone it lists.
 */
static bool time_zone_valid(const char *tz)
{
	const char *p = tz;
	for (;;) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return false;
		p += strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-");
		if (!*p)
			break;
		if (*p++ != '/')
			return false;
	}
	struct stat st;
	if (stat(ZONEINFO_DIR "/UTC", &st))
		return true; /* no database here: the server has the last word */
	char *path = xasprintf("%s/%s", ZONEINFO_DIR, tz);
	bool ok = !stat(path, &st) && S_ISREG(st.st_mode);
	free(path);
	return ok;
}

/* A mapping key that can name something: not empty, null or holding a NUL. */
static bool usable_name(const struct ynode *k)
{
	return k->u.scalar.len && strlen(k->u.scalar.value) == k->u.scalar.len &&
	       yscalar_type(k) != YTYPE_NULL;
}

static void set_mpos(struct mpos *p, const struct ynode *n)
{
	p->line = n->line;
	p->col = n->col;
}

/*
 * A config value or connection input: a scalar, possibly exactly
 * "${env:NAME}". what names it in messages. Returns 0 and fills *value and
 * *env_name (NULL when not a reference), or -1 after reporting the problem.
 */
static int parse_cv_scalar(struct loader *ld, const char *what, const struct ynode *val,
                           const char **value, const char **env_name)
{
	if (val->kind != YNODE_SCALAR) {
		err_at(ld, val, "%s must have a string value, not %s", what, ynode_describe(val));
		return -1;
	}
	if (yscalar_type(val) == YTYPE_NULL && val->style == YSTYLE_PLAIN) {
		err_at(ld, val, "%s needs a value; write \"\" for an empty one", what);
		return -1;
	}
	if (strlen(val->u.scalar.value) != val->u.scalar.len) {
		err_at(ld, val, "%s contains a NUL character", what);
		return -1;
	}
	char *env = NULL;
	if (manifest_parse_env_ref(val->u.scalar.value, &env) < 0) {
		err_at(ld, val,
		       "%s: an environment reference must be the whole value, written ${env:NAME} "
		       "with NAME made of letters, digits and _",
		       what);
		return -1;
	}
	*value = val->u.scalar.value;
	*env_name = env ? arena_strdup(&ld->m->arena, env) : NULL;
	free(env);
	return 0;
}

/* A non-empty string with no environment reference, for the keys of the mapping forms. */
static const char *cv_plain_string(struct loader *ld, const char *key, const char *var,
                                   const struct ynode *val)
{
	const char *s = NULL, *env = NULL;
	char *what = xasprintf("'%s' of config variable '%s'", key, var);
	int rc = parse_cv_scalar(ld, what, val, &s, &env);
	if (!rc && env)
		err_at(ld, val, "%s cannot come from the environment; write it in the manifest",
		       what);
	else if (!rc && !*s)
		err_at(ld, val, "%s must not be empty", what);
	free(what);
	return rc || env || !*s ? NULL : s;
}

static void parse_cv_inputs(struct loader *ld, const struct ynode *v, struct m_configvar *cv)
{
	if (v->kind != YNODE_MAP || !v->u.map.nr) {
		err_at(ld, v,
		       "'inputs' of config variable '%s' must be a mapping of the connection's "
		       "input names to values, such as {username: svc, password: ${env:PASSWORD}}, "
		       "not %s",
		       cv->key, v->kind == YNODE_MAP ? "an empty mapping" : ynode_describe(v));
		return;
	}
	cv->inputs = arena_alloc_array(&ld->m->arena, v->u.map.nr, sizeof(*cv->inputs));
	for (size_t i = 0; i < v->u.map.nr; i++) {
		const struct ynode *k = v->u.map.pairs[i].key, *val = v->u.map.pairs[i].value;
		struct m_cv_input *in = &cv->inputs[cv->inputs_nr];
		if (!usable_name(k)) {
			err_at(ld, k, "input names of config variable '%s' must not be empty",
			       cv->key);
			continue;
		}
		char *what =
		    xasprintf("input '%s' of config variable '%s'", k->u.scalar.value, cv->key);
		int rc = parse_cv_scalar(ld, what, val, &in->value, &in->env_name);
		free(what);
		if (rc)
			continue;
		in->name = k->u.scalar.value;
		set_mpos(&in->pos, k);
		set_mpos(&in->value_pos, val);
		cv->inputs_nr++;
	}
}

static const char *const cv_form_keys[] = {"inputs", "customerConnection", "schedule", "timeZone"};

/*
 * The one key of a config variable's mapping that gives its form (inputs,
 * customerConnection or schedule), or NULL; *tz is set to a timeZone's
 * value. Unknown keys and a second form are reported.
 */
static const struct ypair *find_cv_form(struct loader *ld, const struct ynode *v,
                                        const struct m_configvar *cv, const struct ynode **tz)
{
	const struct ypair *form = NULL;
	for (size_t i = 0; i < v->u.map.nr; i++) {
		const struct ypair *p = &v->u.map.pairs[i];
		const char *k = p->key->u.scalar.value;
		if (!strcmp(k, "timeZone")) {
			*tz = p->value;
			continue;
		}
		if (strcmp(k, "inputs") && strcmp(k, "customerConnection") &&
		    strcmp(k, "schedule")) {
			const char *near = nearest_word(k, cv_form_keys, ARRAY_SIZE(cv_form_keys));
			if (near)
				err_at(
				    ld, p->key,
				    "unknown key '%s' in config variable '%s'; did you mean '%s'?",
				    k, cv->key, near);
			else
				err_at(ld, p->key,
				       "unknown key '%s' in config variable '%s' (a config "
				       "variable is "
				       "a value, or a mapping with inputs, customerConnection, or "
				       "schedule and timeZone)",
				       k, cv->key);
			continue;
		}
		if (form) {
			err_at(
			    ld, p->key,
			    "config variable '%s' has both '%s' and '%s'; give only one of inputs, "
			    "customerConnection or schedule",
			    cv->key, form->key->u.scalar.value, k);
			continue;
		}
		form = p;
	}
	return form;
}

/* A config variable's timeZone, which belongs with a schedule only. */
static void parse_cv_time_zone(struct loader *ld, const struct ynode *tz, struct m_configvar *cv)
{
	if (cv->kind != M_CV_SCHEDULE)
		err_at(ld, tz, "'timeZone' of config variable '%s' belongs with 'schedule'",
		       cv->key);
	else {
		set_mpos(&cv->time_zone_pos, tz);
		cv->time_zone = cv_plain_string(ld, "timeZone", cv->key, tz);
		if (cv->time_zone && !time_zone_valid(cv->time_zone))
			err_at(
			    ld, tz,
			    "'timeZone' of config variable '%s' is not a time zone: '%s' (use an "
			    "IANA name such as UTC, America/Chicago or Europe/Berlin)",
			    cv->key, cv->time_zone);
	}
}

/* The mapping forms of a config variable: a connection, a customer connection or a schedule. */
static int parse_cv_mapping(struct loader *ld, const struct ynode *v, struct m_configvar *cv)
{
	const struct ynode *tz = NULL;
	size_t errors = ld->errors;
	const struct ypair *form = find_cv_form(ld, v, cv, &tz);
	if (!form) {
		if (ld->errors == errors)
			err_at(ld, v,
			       "config variable '%s' needs 'inputs' (a connection), "
			       "'customerConnection' (a customer-level connection) or 'schedule' "
			       "(with 'timeZone')",
			       cv->key);
		return -1;
	}
	set_mpos(&cv->form_pos, form->key);
	const char *k = form->key->u.scalar.value;
	if (!strcmp(k, "inputs")) {
		cv->kind = M_CV_CONNECTION;
		parse_cv_inputs(ld, form->value, cv);
	} else if (!strcmp(k, "customerConnection")) {
		cv->kind = M_CV_CUSTOMER_CONNECTION;
		cv->customer_connection = cv_plain_string(ld, k, cv->key, form->value);
	} else {
		cv->kind = M_CV_SCHEDULE;
		cv->value = cv_plain_string(ld, k, cv->key, form->value);
		if (cv->value && !schedule_valid(cv->value))
			err_at(
			    ld, form->value,
			    "'schedule' of config variable '%s' must be a cron expression of five "
			    "fields (minute hour day-of-month month day-of-week), such as "
			    "\"0 2 * * *\", not \"%s\"",
			    cv->key, cv->value);
		if (!tz)
			err_at(ld, form->key,
			       "schedule '%s' needs a 'timeZone', such as UTC or Europe/Berlin",
			       cv->key);
	}
	if (tz)
		parse_cv_time_zone(ld, tz, cv);
	return ld->errors == errors ? 0 : -1;
}

static void parse_config(struct loader *ld, const struct ynode *v, struct m_instance *inst)
{
	if (v->kind != YNODE_MAP) {
		err_at(ld, v,
		       "'configVariables' must be a mapping of config variable names to values, "
		       "not %s",
		       ynode_describe(v));
		return;
	}
	inst->has_config = true;
	inst->config = arena_alloc_array(&ld->m->arena, v->u.map.nr, sizeof(*inst->config));
	for (size_t i = 0; i < v->u.map.nr; i++) {
		const struct ynode *k = v->u.map.pairs[i].key, *val = v->u.map.pairs[i].value;
		struct m_configvar *cv = &inst->config[inst->config_nr];
		if (!usable_name(k)) {
			err_at(ld, k, "config variable names must not be empty");
			continue;
		}
		if (strstr(k->u.scalar.value, ENV_PREFIX)) {
			err_at(ld, k,
			       "${env:...} references are allowed only in configVariables values, "
			       "not in their names");
			continue;
		}
		cv->key = k->u.scalar.value;
		set_mpos(&cv->pos, k);
		set_mpos(&cv->value_pos, val);
		int rc;
		if (val->kind == YNODE_MAP) {
			rc = parse_cv_mapping(ld, val, cv);
		} else {
			char *what = xasprintf("config variable '%s'", cv->key);
			cv->kind = M_CV_VALUE;
			rc = parse_cv_scalar(ld, what, val, &cv->value, &cv->env_name);
			free(what);
		}
		if (!rc)
			inst->config_nr++;
		else
			memset(cv, 0, sizeof(*cv));
	}
}

static void parse_object(struct loader *ld, const struct ynode *node,
                         const struct object_schema *schema, void *obj);

static void parse_list(struct loader *ld, const struct field *f, const struct ynode *v, void *obj)
{
	if (yscalar_type(v) == YTYPE_NULL && v->kind == YNODE_SCALAR && v->style == YSTYLE_PLAIN)
		return; /* "customers:" with nothing under it: an empty list */
	if (v->kind != YNODE_SEQ) {
		err_at(ld, v, "'%s' must be a list (each %s starting with '- '), not %s", f->key,
		       f->elem->what, ynode_describe(v));
		return;
	}
	size_t n = v->u.seq.nr;
	char *items = arena_alloc_array(&ld->m->arena, n, f->elem->size);
	for (size_t i = 0; i < n; i++)
		parse_object(ld, v->u.seq.items[i], f->elem, items + i * f->elem->size);
	*SLOT(obj, f->off, void *) = items;
	*SLOT(obj, f->aux, size_t) = n;
}

/* A quoted "true" or "false": what a user meant as a boolean, written as a string. */
static bool quoted_bool(const struct ynode *v)
{
	if (v->kind != YNODE_SCALAR || yscalar_type(v) != YTYPE_STR)
		return false;
	const char *s = v->u.scalar.value;
	return !strcmp(s, "true") || !strcmp(s, "false") || !strcmp(s, "True") ||
	       !strcmp(s, "False") || !strcmp(s, "TRUE") || !strcmp(s, "FALSE");
}

/*
 * Reads a version "X.Y" or "X.Y.Z" at s into v[3]; returns the character
 * after it, or NULL when s does not start with one.
 */
static const char *read_version(const char *s, long v[3])
{
	v[0] = v[1] = v[2] = 0;
	for (int i = 0; i < 3; i++) {
		if (*s < '0' || *s > '9')
			return NULL;
		long n = 0;
		while (*s >= '0' && *s <= '9' && n < 100000)
			n = n * 10 + (*s++ - '0');
		v[i] = n;
		if (*s != '.' || i == 2)
			return i ? s : NULL;
		s++;
	}
	return NULL;
}

/*
 * Parses a "requires" constraint (">= X.Y" or ">= X.Y.Z") into the minimum
 * version; returns -1 when it is not one.
 */
static int parse_constraint(const char *s, long min[3])
{
	if (s[0] != '>' || s[1] != '=')
		return -1;
	s += 2;
	while (*s == ' ')
		s++;
	s = read_version(s, min);
	return s && !*s ? 0 : -1;
}

/*
 * Whether this prismsync satisfies the manifest's "requires"; 1 when the
 * constraint is well formed and not met.
 */
static int requires_unmet(const char *constraint)
{
	long min[3], have[3];
	if (parse_constraint(constraint, min) || !read_version(PRISMSYNC_VERSION, have))
		return 0;
	for (int i = 0; i < 3; i++)
		if (have[i] != min[i])
			return have[i] < min[i];
	return 0;
}

static void parse_requires(struct loader *ld, const struct field *f, const struct ynode *v,
                           void *obj)
{
	long min[3];
	if (v->kind != YNODE_SCALAR || yscalar_type(v) != YTYPE_STR ||
	    parse_constraint(v->u.scalar.value, min)) {
		char *s = shown(v);
		err_at(ld, v,
		       "'requires' must be the oldest prismsync this manifest works with, as "
		       "\">= X.Y\" (such as \">= 0.3\"), not %s",
		       s);
		free(s);
		return;
	}
	*SLOT(obj, f->off, const char *) = v->u.scalar.value;
}

static void parse_envvar(struct loader *ld, const struct field *f, const struct ynode *v,
                         void *obj);
static void parse_environments(struct loader *ld, const struct ynode *v, struct manifest *m);
static void parse_overrides(struct loader *ld, const struct ynode *v, struct m_overrides **out);

/*
 * An ignore list: the fields prismsync leaves alone on this object. An
 * unknown field is an error at its item, with the nearest valid one.
 */
static void parse_ignore(struct loader *ld, const struct field *f, const struct ynode *v, void *obj)
{
	static const char *const common_fields[] = {"description", "labels"};
	static const char *const instance_fields_[] = {"enabled", "description", "labels",
	                                               "configVariables.KEY"};
	bool instance = f->aux == 1;
	const char *const *valid = instance ? instance_fields_ : common_fields;
	size_t nvalid = instance ? 4 : 2;
	struct mstrlist *out = SLOT(obj, f->off, struct mstrlist);
	if (v->kind != YNODE_SEQ) {
		err_at(ld, v, "'ignore' must be a list of fields, such as [%s], not %s",
		       instance ? "enabled, configVariables.API Key" : "description",
		       ynode_describe(v));
		return;
	}
	out->items = arena_alloc_array(&ld->m->arena, v->u.seq.nr + 1, sizeof(*out->items));
	for (size_t i = 0; i < v->u.seq.nr; i++) {
		const struct ynode *item = v->u.seq.items[i];
		const char *s = get_string(ld, "ignore", item, FIELD_NONEMPTY);
		if (!s)
			continue;
		bool ok = false;
		for (size_t k = 0; k < nvalid && !ok; k++)
			ok = !strcmp(s, valid[k]);
		if (instance && str_starts_with(s, "configVariables.") &&
		    s[strlen("configVariables.")])
			ok = true;
		if (!ok) {
			const char *near = nearest_word(s, valid, nvalid);
			if (instance && str_starts_with(s, "configVariables"))
				near = "configVariables.KEY";
			err_at(ld, item, "'%s' cannot be ignored%s%s%s; a %s can ignore: %s", s,
			       near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "",
			       instance ? "instance" : "customer or integration",
			       instance ? "enabled, description, labels, configVariables.<key>"
			                : "description, labels");
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < out->nr && !dup; j++)
			dup = !strcmp(out->items[j], s);
		if (dup) {
			err_at(ld, item, "'%s' is listed twice in 'ignore'", s);
			continue;
		}
		out->items[out->nr++] = s;
	}
}

bool manifest_ignores(const struct mstrlist *ignore, const char *field)
{
	for (size_t i = 0; i < ignore->nr; i++)
		if (!strcmp(ignore->items[i], field))
			return true;
	return false;
}

static void parse_value(struct loader *ld, const struct field *f, const struct ynode *v, void *obj)
{
	set_pos(obj, f->pos, v);
	switch (f->kind) {
	case F_STRING: {
		const char *s = get_string(ld, f->key, v, f->flags);
		if (s)
			*SLOT(obj, f->off, const char *) = s;
		break;
	}
	case F_BOOL:
		if (yscalar_type(v) == YTYPE_BOOL && v->kind == YNODE_SCALAR) {
			*SLOT(obj, f->off, bool) =
			    v->u.scalar.value[0] == 't' || v->u.scalar.value[0] == 'T';
		} else if (quoted_bool(v)) {
			err_at(ld, v,
			       "'%s' must be true or false, not the quoted string \"%s\"; write "
			       "%s: %s without quotes",
			       f->key, v->u.scalar.value, f->key,
			       v->u.scalar.value[0] == 't' || v->u.scalar.value[0] == 'T'
			           ? "true"
			           : "false");
		} else {
			char *s = shown(v);
			err_at(ld, v, "'%s' must be true or false, not %s", f->key, s);
			free(s);
		}
		break;
	case F_INT: {
		long n;
		if (v->kind == YNODE_SCALAR && yscalar_type(v) == YTYPE_INT &&
		    !parse_long(v->u.scalar.value, 0, 1000000000L, &n)) {
			*SLOT(obj, f->off, long) = n;
		} else {
			char *s = shown(v);
			err_at(ld, v, "'%s' must be a whole number, not %s", f->key, s);
			free(s);
		}
		break;
	}
	case F_LABELS:
		*SLOT(obj, f->aux, bool) = true;
		parse_labels(ld, f->key, v, SLOT(obj, f->off, struct mstrlist));
		break;
	case F_VERSION:
		parse_version(ld, v, obj);
		break;
	case F_CONFIG:
		parse_config(ld, v, obj);
		break;
	case F_LIST:
		parse_list(ld, f, v, obj);
		break;
	case F_REQUIRES:
		parse_requires(ld, f, v, obj);
		break;
	case F_ENVVAR:
		parse_envvar(ld, f, v, obj);
		break;
	case F_ENVIRONMENTS:
		parse_environments(ld, v, obj);
		break;
	case F_OVERRIDES:
		parse_overrides(ld, v, SLOT(obj, f->off, struct m_overrides *));
		break;
	case F_IGNORE:
		parse_ignore(ld, f, v, obj);
		break;
	case F_ROLLOUTS:
		break;
	}
}

/* Reports an unknown key; returns the valid key it was probably meant to be, or NULL. */
static const char *unknown_key(struct loader *ld, const struct ynode *k,
                               const struct object_schema *schema)
{
	const char *keys[MAX_SCHEMA_FIELDS];
	size_t nk = schema->nr < MAX_SCHEMA_FIELDS ? schema->nr : MAX_SCHEMA_FIELDS;
	for (size_t i = 0; i < nk; i++)
		keys[i] = schema->fields[i].key;
	const char *near = nearest_word(k->u.scalar.value, keys, nk);
	char *s = shown(k);
	if (near) {
		err_at(ld, k, "unknown key %s in %s; did you mean '%s'?", s, schema->what, near);
	} else {
		struct buf list = BUF_INIT;
		for (size_t i = 0; i < nk; i++)
			buf_addf(&list, "%s%s", i ? ", " : "", keys[i]);
		err_at(ld, k, "unknown key %s in %s; expected one of: %s", s, schema->what,
		       list.data);
		buf_release(&list);
	}
	free(s);
	return near;
}

static void apply_defaults(const struct object_schema *schema, void *obj)
{
	if (schema == &integration_schema) {
		((struct m_integration *)obj)->publish = true;
	} else if (schema == &instance_schema) {
		struct m_instance *inst = obj;
		inst->enabled = true;
		inst->deploy = true;
		inst->version_latest = true;
	} else if (schema == &manifest_schema) {
		((struct manifest *)obj)->owner = MANIFEST_DEFAULT_OWNER;
	}
}

static void parse_object(struct loader *ld, const struct ynode *node,
                         const struct object_schema *schema, void *obj)
{
	apply_defaults(schema, obj);
	if (schema == &customer_schema)
		set_pos(obj, offsetof(struct m_customer, pos), node);
	else if (schema == &integration_schema)
		set_pos(obj, offsetof(struct m_integration, pos), node);
	else if (schema == &instance_schema)
		set_pos(obj, offsetof(struct m_instance, pos), node);

	if (node->kind != YNODE_MAP) {
		char *s = shown(node);
		err_at(ld, node, "each %s must be a mapping of keys such as '%s: ...', not %s",
		       schema->what, schema->fields[0].key, s);
		free(s);
		return;
	}
	/* A misspelt required key is reported once, as the typo, not again as missing. */
	bool seen[MAX_SCHEMA_FIELDS] = {false};
	for (size_t i = 0; i < node->u.map.nr; i++) {
		const struct ynode *k = node->u.map.pairs[i].key;
		const struct ynode *v = node->u.map.pairs[i].value;
		size_t f = 0;
		while (f < schema->nr && strcmp(schema->fields[f].key, k->u.scalar.value))
			f++;
		if (f == schema->nr) {
			const char *near = unknown_key(ld, k, schema);
			for (size_t g = 0; near && g < schema->nr; g++)
				if (schema->fields[g].key == near)
					seen[g] = true;
			continue;
		}
		seen[f] = true;
		parse_value(ld, &schema->fields[f], v, obj);
	}
	for (size_t f = 0; f < schema->nr; f++)
		if ((schema->fields[f].flags & FIELD_REQUIRED) && !seen[f])
			err_at(ld, node, "%s is missing the required key '%s'", schema->what,
			       schema->fields[f].key);
}

/*
 * Reports an identity that repeats an earlier one, at the repeat (pos): shown
 * as "<prefix>'<name>'", then " for customer '<customer>'" when customer is
 * set, then hint when not NULL.
 */
static void duplicate_identity(struct loader *ld, const char *what, const char *prefix,
                               const char *name, const char *customer, struct mpos pos,
                               int first_line, const char *hint)
{
	diag_error(ld->diags, ld->file, pos.line, pos.col,
	           "duplicate %s %s'%s'%s%s%s (first defined at line %d)%s", what, prefix, name,
	           customer ? " for customer '" : "", customer ? customer : "", customer ? "'" : "",
	           first_line, hint ? hint : "");
	ld->errors++;
}

/* Where an integration's name is written: its 'name:', else its entry. */
static struct mpos integration_name_pos(const struct m_integration *g)
{
	return g->name ? g->name_pos : g->pos;
}

static const struct ynode *def_string(struct loader *ld, const struct ynode *root, const char *key,
                                      bool required)
{
	const struct ynode *v = ymap_get(root, key);
	if (!v) {
		if (required)
			err_at(ld, root, "integration definition is missing the required key '%s'",
			       key);
		return NULL;
	}
	if (v->kind != YNODE_SCALAR || yscalar_type(v) != YTYPE_STR) {
		err_at(ld, v, "'%s' in an integration definition must be a string, not %s", key,
		       ynode_describe(v));
		return NULL;
	}
	if (strlen(v->u.scalar.value) != v->u.scalar.len) {
		err_at(ld, v, "'%s' in an integration definition contains a NUL character", key);
		return NULL;
	}
	if (required && !v->u.scalar.len) {
		err_at(ld, v, "'%s' in an integration definition must not be empty", key);
		return NULL;
	}
	return v;
}

/* Checks the definition document's top level; fills in the effective name and description. */
/*
 * The top-level keys of a YAML integration definition (low-code and
 * code-native) that prismsync knows. Another key is a warning, not an
 * error: Prismatic adds keys over time, and plan asks Prismatic itself
 * (validateIntegrationSchema) whether it accepts the definition; the
 * warning catches a typo (flow: for flows:) before that.
 */
static const char *const definition_keys[] = {
    "definitionVersion",
    "name",
    "description",
    "category",
    "documentation",
    "labels",
    "version",
    "isCodeNative",
    "endpointType",
    "requiredConfigVars",
    "configPages",
    "flows",
    "preprocessFlowName",
    "preprocessFlowConfig",
    "triggerPreprocessFlowConfig",
    "externalCustomerIdField",
    "externalCustomerUserIdField",
    "flowNameField",
    "defaultInstanceProfile",
    "importMetadata",
};

/* The keys whose value must be a list, and what one element is, for the message. */
static const struct {
	const char *key, *element;
} definition_lists[] = {
    {"flows", "a flow (- name: ...)"},
    {"requiredConfigVars", "a config variable (- key: ...)"},
    {"configPages", "a config page (- name: ...)"},
};

/*
 * What Prismatic's import would refuse later, said now at the node: a key
 * that must hold a list and holds something else, and keys prismsync does
 * not know (warnings, with the nearest known key).
 */
static void check_definition_shape(struct loader *ld, const struct ynode *root)
{
	for (size_t i = 0; i < ARRAY_SIZE(definition_lists); i++) {
		const struct ynode *v = ymap_get(root, definition_lists[i].key);
		if (!v || v->kind == YNODE_SEQ ||
		    (v->kind == YNODE_SCALAR && yscalar_type(v) == YTYPE_NULL))
			continue;
		char *s = shown(v);
		err_at(ld, v, "'%s' must be a list, each element %s, not %s",
		       definition_lists[i].key, definition_lists[i].element, s);
		free(s);
	}
	for (size_t i = 0; i < root->u.map.nr; i++) {
		const struct ynode *k = root->u.map.pairs[i].key;
		bool known = false;
		for (size_t j = 0; j < ARRAY_SIZE(definition_keys) && !known; j++)
			known = !strcmp(k->u.scalar.value, definition_keys[j]);
		if (known)
			continue;
		const char *near =
		    nearest_word(k->u.scalar.value, definition_keys, ARRAY_SIZE(definition_keys));
		char *s = shown(k);
		diag_warning(ld->diags, ld->file, k->line, k->col,
		             "unknown key %s in the integration definition%s%s%s", s,
		             near ? "; did you mean '" : " (Prismatic may still accept it)",
		             near ? near : "", near ? "'?" : "");
		free(s);
	}
}

static void check_definition(struct loader *ld, struct m_integration *g)
{
	const struct ynode *root = g->doc->root;
	if (!root) {
		err_at(ld, NULL, "integration definition is empty");
		return;
	}
	if (root->kind != YNODE_MAP) {
		err_at(ld, root,
		       "an integration definition must be a mapping with 'definitionVersion' and "
		       "'name', not %s",
		       ynode_describe(root));
		return;
	}
	const struct ynode *dv = ymap_get(root, "definitionVersion");
	long n;
	if (!dv) {
		err_at(ld, root,
		       "integration definition is missing the required key 'definitionVersion'");
	} else if (dv->kind != YNODE_SCALAR || yscalar_type(dv) != YTYPE_INT ||
	           parse_long(dv->u.scalar.value, 1, 1000, &n)) {
		char *s = shown(dv);
		err_at(ld, dv, "'definitionVersion' must be a whole number such as 7, not %s", s);
		free(s);
	} else if (n > DEFINITION_VERSION_NEWEST) {
		diag_warning(ld->diags, ld->file, dv->line, dv->col,
		             "'definitionVersion' %ld is newer than %d, the newest this prismsync "
		             "knows; plan asks Prismatic whether it accepts the definition",
		             n, DEFINITION_VERSION_NEWEST);
	}
	check_definition_shape(ld, root);
	const struct ynode *name = def_string(ld, root, "name", true);
	const struct ynode *desc = def_string(ld, root, "description", false);
	const struct ynode *labels = ymap_get(root, "labels");
	if (labels && labels->kind != YNODE_SEQ &&
	    !(labels->kind == YNODE_SCALAR && yscalar_type(labels) == YTYPE_NULL))
		err_at(ld, labels, "'labels' in an integration definition must be a list, not %s",
		       ynode_describe(labels));
	if (!g->name && name)
		g->effective_name = name->u.scalar.value;
	if (!g->description && desc)
		g->effective_description = desc->u.scalar.value;
}

static void load_definition(struct loader *ld, struct m_integration *g)
{
	struct manifest *m = ld->m;
	struct error err = ERROR_INIT;
	struct buf data = BUF_INIT;
	const struct ynode pos = {.line = g->definition_pos.line, .col = g->definition_pos.col};
	char *norm = NULL, *file = NULL;

	if (g->definition[0] == '/') {
		err_at(ld, &pos,
		       "definition path '%s' is absolute; write it relative to the manifest's "
		       "directory",
		       g->definition);
		goto done;
	}
	norm = path_normalize_relative(g->definition);
	if (!norm) {
		err_at(ld, &pos, "definition path '%s' leads outside the manifest's directory",
		       g->definition);
		goto done;
	}
	file = path_join(m->dir, norm);
	g->definition_file = arena_strdup(&m->arena, file);
	if (source_check_within(ld->src, m->dir, file, &err)) {
		err_at(ld, &pos, "definition path '%s' leads outside the manifest's directory: %s",
		       g->definition, err.message);
		goto done;
	}
	if (source_read(ld->src, file, DEFINITION_MAX_BYTES, &data, &err)) {
		if (err.code == ERR_NOTFOUND && ld->src->revision) {
			err_at(ld, &pos, "definition file '%s' %s", g->definition, err.message);
		} else if (err.code == ERR_NOTFOUND) {
			if (strcmp(file, g->definition))
				err_at(ld, &pos, "definition file '%s' not found (looked for %s)",
				       g->definition, file);
			else
				err_at(ld, &pos, "definition file '%s' not found", g->definition);
		} else
			err_at(ld, &pos, "cannot read definition file %s: %s", file, err.message);
		goto done;
	}
	if (ydoc_parse_buf(&g->doc, file, &data, ld->diags)) {
		ld->errors++;
		goto done;
	}
	const char *saved = ld->file;
	ld->file = g->doc->path;
	check_definition(ld, g);
	ld->file = saved;
done:
	free(norm);
	free(file);
	buf_release(&data);
	error_release(&err);
}

/* A definition's requiredConfigVars: each entry's key and node, side by side. */
struct def_vars {
	const char **keys;
	const struct ynode **vars;
	size_t n;
};

/* Fills dv from g's definition (n 0 when it declares none); release with def_vars_release(). */
static void def_vars_load(struct def_vars *dv, const struct m_integration *g)
{
	const struct ynode *vars = g->doc ? ymap_get(g->doc->root, "requiredConfigVars") : NULL;
	size_t nr = vars && vars->kind == YNODE_SEQ ? vars->u.seq.nr : 0;
	dv->keys = xcalloc(nr + 1, sizeof(*dv->keys));
	dv->vars = xcalloc(nr + 1, sizeof(*dv->vars));
	dv->n = 0;
	for (size_t i = 0; i < nr; i++) {
		const struct ynode *k = ymap_get(vars->u.seq.items[i], "key");
		if (k && k->kind == YNODE_SCALAR) {
			dv->keys[dv->n] = k->u.scalar.value;
			dv->vars[dv->n++] = vars->u.seq.items[i];
		}
	}
}

static void def_vars_release(struct def_vars *dv)
{
	free(dv->keys);
	free(dv->vars);
}

/*
 * The requiredConfigVars entry of cv's key in dv; NULL, reported, when the
 * instance's integration does not declare it.
 */
static const struct ynode *check_config_key(struct loader *ld, const struct m_integration *g,
                                            const struct m_configvar *cv, const struct def_vars *dv)
{
	const struct ynode kpos = {.line = cv->pos.line, .col = cv->pos.col};
	const char **keys = dv->keys;
	size_t nk = dv->n;
	for (size_t k = 0; k < nk; k++)
		if (!strcmp(keys[k], cv->key))
			return dv->vars[k];
	const char *near = nearest_word(cv->key, keys, nk);
	if (!nk)
		err_at(ld, &kpos,
		       "integration '%s' has no config variables (its definition lists no "
		       "requiredConfigVars), so '%s' cannot be set",
		       g->effective_name, cv->key);
	else if (near)
		err_at(ld, &kpos,
		       "integration '%s' has no config variable '%s'; did you mean '%s'?",
		       g->effective_name, cv->key, near);
	else
		err_at(ld, &kpos,
		       "integration '%s' has no config variable '%s' (its definition's "
		       "requiredConfigVars do not list it)",
		       g->effective_name, cv->key);
	return NULL;
}

static const struct ynode *at(const struct mpos *p, struct ynode *tmp)
{
	memset(tmp, 0, sizeof(*tmp));
	tmp->line = p->line;
	tmp->col = p->col;
	return tmp;
}

/* Checks a connection's inputs against the names its definition declares. */
static void check_connection_inputs(struct loader *ld, const struct ynode *var,
                                    const struct m_configvar *cv)
{
	const struct ynode *decl = ymap_get(var, "inputs");
	if (!decl || decl->kind != YNODE_MAP || !decl->u.map.nr)
		return; /* the definition does not say: the server checks */
	const char **names = xcalloc(decl->u.map.nr, sizeof(*names));
	for (size_t i = 0; i < decl->u.map.nr; i++)
		names[i] = decl->u.map.pairs[i].key->u.scalar.value;
	for (size_t i = 0; i < cv->inputs_nr; i++) {
		const struct m_cv_input *in = &cv->inputs[i];
		bool known = false;
		for (size_t j = 0; j < decl->u.map.nr && !known; j++)
			known = !strcmp(names[j], in->name);
		if (known)
			continue;
		struct ynode tmp;
		const char *near = nearest_word(in->name, names, decl->u.map.nr);
		struct buf list = BUF_INIT;
		for (size_t j = 0; j < decl->u.map.nr; j++)
			buf_addf(&list, "%s%s", j ? ", " : "", names[j]);
		if (near)
			err_at(ld, at(&in->pos, &tmp),
			       "connection '%s' has no input '%s'; did you mean '%s'?", cv->key,
			       in->name, near);
		else
			err_at(ld, at(&in->pos, &tmp),
			       "connection '%s' has no input '%s' (its inputs: %s)", cv->key,
			       in->name, list.data);
		buf_release(&list);
	}
	free(names);
}

/* A number as JSON and Prismatic's number variables read it. */
static bool number_valid(const char *s)
{
	const char *p = s;
	if (*p == '-')
		p++;
	size_t n = strspn(p, "0123456789");
	if (!n)
		return false;
	p += n;
	if (*p == '.') {
		p++;
		n = strspn(p, "0123456789");
		if (!n)
			return false;
		p += n;
	}
	return *p == '\0';
}

/* Checks a plain value against its variable's data type (not for values from the environment). */
static void check_plain_value(struct loader *ld, const struct ynode *var,
                              const struct m_configvar *cv, const char *type)
{
	struct ynode tmp;
	if (cv->env_name)
		return;
	if (!strcmp(type, "boolean") && strcmp(cv->value, "true") && strcmp(cv->value, "false")) {
		err_at(ld, at(&cv->value_pos, &tmp),
		       "config variable '%s' is a boolean: its value must be true or false, not "
		       "'%s'",
		       cv->key, cv->value);
	} else if (!strcmp(type, "number") && !number_valid(cv->value)) {
		err_at(ld, at(&cv->value_pos, &tmp),
		       "config variable '%s' is a number: its value must be a number such as 42 "
		       "or 2.5, not '%s'",
		       cv->key, cv->value);
	} else if (!strcmp(type, "picklist")) {
		const struct ynode *pl = ymap_get(var, "pickList");
		if (!pl || pl->kind != YNODE_SEQ || !pl->u.seq.nr)
			return; /* filled at run time by a data source */
		const char **items = xcalloc(pl->u.seq.nr, sizeof(*items));
		size_t n = 0;
		for (size_t i = 0; i < pl->u.seq.nr; i++) {
			if (pl->u.seq.items[i]->kind != YNODE_SCALAR)
				continue;
			items[n] = pl->u.seq.items[i]->u.scalar.value;
			if (!strcmp(items[n++], cv->value)) {
				free(items);
				return;
			}
		}
		const char *near = nearest_word(cv->value, items, n);
		if (near)
			err_at(
			    ld, at(&cv->value_pos, &tmp),
			    "config variable '%s' is a picklist without '%s'; did you mean '%s'?",
			    cv->key, cv->value, near);
		else
			err_at(ld, at(&cv->value_pos, &tmp),
			       "config variable '%s' is a picklist without '%s'", cv->key,
			       cv->value);
		free(items);
	}
}

/*
 * Checks that a config variable is written in the form its data type takes:
 * connections by inputs or customerConnection, schedules by schedule and
 * timeZone, everything else as a plain value of its type.
 */
static void check_config_form(struct loader *ld, const struct ynode *var,
                              const struct m_configvar *cv)
{
	const struct ynode *dt = ymap_get(var, "dataType");
	const char *type = dt && dt->kind == YNODE_SCALAR ? dt->u.scalar.value : "string";
	struct ynode tmp;
	bool connection = !strcmp(type, "connection");
	bool schedule = !strcmp(type, "schedule");
	if (connection && cv->kind == M_CV_CONNECTION) {
		check_connection_inputs(ld, var, cv);
	} else if (connection && cv->kind != M_CV_CUSTOMER_CONNECTION) {
		err_at(ld, at(cv->kind == M_CV_VALUE ? &cv->value_pos : &cv->form_pos, &tmp),
		       "config variable '%s' is a connection: give its inputs ({inputs: {NAME: "
		       "VALUE, ...}}) or a customer-level connection ({customerConnection: KEY})",
		       cv->key);
	} else if (schedule && cv->kind != M_CV_SCHEDULE) {
		err_at(ld, at(cv->kind == M_CV_VALUE ? &cv->value_pos : &cv->form_pos, &tmp),
		       "config variable '%s' is a schedule: write {schedule: \"0 2 * * *\", "
		       "timeZone: UTC}",
		       cv->key);
	} else if (!connection && !schedule && cv->kind != M_CV_VALUE) {
		err_at(ld, at(&cv->form_pos, &tmp),
		       "config variable '%s' is a %s variable, not a %s: '%s' is only for %ss; "
		       "write its value directly",
		       cv->key, type, cv->kind == M_CV_SCHEDULE ? "schedule" : "connection",
		       cv->kind == M_CV_CONNECTION            ? "inputs"
		       : cv->kind == M_CV_CUSTOMER_CONNECTION ? "customerConnection"
		                                              : "schedule",
		       cv->kind == M_CV_SCHEDULE ? "schedule" : "connection");
	} else if (cv->kind == M_CV_VALUE) {
		check_plain_value(ld, var, cv, type);
	}
}

/*
 * The variable holding one of prismsync's own credentials, when env_name is
 * one: the tokens api_options_from_env() reads, and each environment's
 * credentials. NULL otherwise.
 */
static const char *own_credential(const struct manifest *m, const char *env_name)
{
	static const char *const tokens[] = {"PRISM_REFRESH_TOKEN", "PRISMATIC_REFRESH_TOKEN",
	                                     "PRISM_ACCESS_TOKEN"};
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		if (!strcmp(env_name, tokens[i]))
			return "prismsync's own token";
	for (size_t i = 0; i < m->environments_nr; i++)
		if (m->environments[i].credentials &&
		    !strcmp(env_name, m->environments[i].credentials))
			return "the credentials of an environment of this manifest";
	return NULL;
}

static void check_env_name(struct loader *ld, const struct m_instance *in,
                           const struct m_configvar *cv, const char *env_name,
                           const struct mpos *pos)
{
	const char *own = env_name ? own_credential(ld->m, env_name) : NULL;
	if (own) {
		/* apply would write it into a customer's instance */
		diag_add(
		    ld->diags, DIAG_ERROR, ld->file, pos->line, pos->col,
		    "config variable '%s' of instance '%s' reads %s, which holds %s; prismsync "
		    "never sends its credentials to an instance",
		    cv->key, in->name ? in->name : "?", env_name, own);
		ld->errors++;
		return;
	}
	if (env_name && getenv(env_name)) {
		/* Sensitive from now on, before any server can echo it (a fetch error, say). */
		error_add_secret(getenv(env_name));
		return;
	}
	if (!env_name)
		return;
	enum diag_severity sev = (ld->flags & MANIFEST_ENV_REQUIRED) ? DIAG_ERROR : DIAG_WARNING;
	diag_add(ld->diags, sev, ld->file, pos->line, pos->col,
	         "environment variable %s is not set (config variable '%s' of instance '%s')",
	         env_name, cv->key, in->name ? in->name : "?");
	if (sev == DIAG_ERROR)
		ld->errors++;
}

static void check_env_reference(struct loader *ld, const struct m_instance *in,
                                const struct m_configvar *cv)
{
	check_env_name(ld, in, cv, cv->env_name, &cv->value_pos);
	for (size_t i = 0; i < cv->inputs_nr; i++)
		check_env_name(ld, in, cv, cv->inputs[i].env_name, &cv->inputs[i].value_pos);
}

/*
 * Checks each instance's config variables: against the definition of its
 * integration when the manifest has it (an integration managed elsewhere is
 * checked by plan, against the live org), and that environment references
 * can be resolved.
 */
static void check_instances(struct loader *ld)
{
	struct manifest *m = ld->m;
	/* Each integration's variables, read from its definition once for all its instances. */
	struct def_vars *dvs = xcalloc(m->integrations_nr + 1, sizeof(*dvs)); /* keys: loaded */
	for (size_t i = 0; i < m->instances_nr; i++) {
		struct m_instance *in = &m->instances[i];
		const struct m_integration *g =
		    in->integration ? manifest_find_integration(m, in->integration) : NULL;
		struct def_vars *dv = NULL;
		if (g && g->doc) {
			size_t gi = (size_t)(g - m->integrations);
			dv = &dvs[gi];
			if (!dv->keys)
				def_vars_load(dv, g);
		}
		for (size_t c = 0; c < in->config_nr; c++) {
			const struct ynode *var =
			    dv ? check_config_key(ld, g, &in->config[c], dv) : NULL;
			if (var)
				check_config_form(ld, var, &in->config[c]);
			check_env_reference(ld, in, &in->config[c]);
		}
	}
	for (size_t i = 0; i < m->integrations_nr; i++)
		def_vars_release(&dvs[i]);
	free(dvs);
}

static void check_owner(struct loader *ld, const struct ynode *root)
{
	const char *o = ld->m->owner;
	size_t n = strspn(o, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
	if (o[n] || n > 63)
		err_at(ld, ymap_get(root, "owner"),
		       "'owner' must be 1 to 63 letters, digits, '.', '_' or '-' (it becomes the "
		       "label prismsync:owner=%s)",
		       o);
}

/* ---- environments ---------------------------------------------------- */

static bool envvar_name_valid(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	return s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")] == 0;
}

static void parse_envvar(struct loader *ld, const struct field *f, const struct ynode *v, void *obj)
{
	const char *s = get_string(ld, f->key, v, FIELD_NONEMPTY);
	if (!s)
		return;
	if (!envvar_name_valid(s)) {
		char *q = shown(v);
		err_at(ld, v,
		       "'%s' names the environment variable that holds the value (such as "
		       "PRISM_REFRESH_TOKEN_STAGING), not %s",
		       f->key, q);
		free(q);
		return;
	}
	*SLOT(obj, f->off, const char *) = s;
}

/* An environment's name becomes part of a file name: keep it plain. */
static bool env_name_valid(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
	return n && !s[n] && n <= 63;
}

static void parse_environments(struct loader *ld, const struct ynode *v, struct manifest *m)
{
	if (v->kind != YNODE_MAP) {
		err_at(ld, v,
		       "'environments' must be a mapping of environment names (such as staging) to "
		       "their url, organization and credentials, not %s",
		       ynode_describe(v));
		return;
	}
	m->environments = arena_alloc_array(&m->arena, v->u.map.nr + 1, sizeof(*m->environments));
	for (size_t i = 0; i < v->u.map.nr; i++) {
		const struct ynode *k = v->u.map.pairs[i].key;
		struct m_environment *e = &m->environments[m->environments_nr];
		if (!env_name_valid(k->u.scalar.value)) {
			char *q = shown(k);
			err_at(
			    ld, k,
			    "environment name %s must be 1 to 63 letters, digits, '_' or '-' (it "
			    "names the override file and --env)",
			    q);
			free(q);
			continue;
		}
		e->name = k->u.scalar.value;
		set_mpos(&e->pos, k);
		parse_object(ld, v->u.map.pairs[i].value, &environment_schema, e);
		m->environments_nr++;
	}
}

static void parse_overrides(struct loader *ld, const struct ynode *v, struct m_overrides **out)
{
	if (v->kind != YNODE_MAP) {
		err_at(ld, v,
		       "'overrides' must be a mapping with customers, integrations or instances, "
		       "not %s",
		       ynode_describe(v));
		return;
	}
	struct m_overrides *o = arena_alloc(&ld->m->arena, sizeof(*o));
	o->node = v;
	parse_object(ld, v, &overrides_schema, o);
	*out = o;
}

const struct m_environment *manifest_find_environment(const struct manifest *m, const char *name)
{
	for (size_t i = 0; i < m->environments_nr; i++)
		if (!strcmp(m->environments[i].name, name))
			return &m->environments[i];
	return NULL;
}

/* The manifest's file name without its .yaml or .yml: a new string. */
static char *manifest_stem(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".yaml"))
		n -= 5;
	else if (n > 4 && !strcmp(base + n - 4, ".yml"))
		n -= 4;
	return xstrndup(base, n);
}

char *manifest_override_path(const char *path, const char *env)
{
	char *dir = path_dirname(path);
	char *stem = manifest_stem(path);
	char *name = xasprintf("%s.%s.yaml", stem, env);
	char *out = path_join(dir, name);
	free(dir);
	free(stem);
	free(name);
	return out;
}

/*
 * Files NAME.<env>.yaml next to the manifest whose <env> the manifest does
 * not declare: an override nobody would ever read, most likely a typo.
 * Only the working tree is listed.
 */
static void check_override_files(struct loader *ld)
{
	struct manifest *m = ld->m;
	if (ld->src->revision || !m->environments_nr)
		return;
	DIR *d = opendir(m->dir);
	if (!d)
		return;
	char *stem = manifest_stem(m->path);
	size_t sl = strlen(stem);
	const char **names = xcalloc(m->environments_nr + 1, sizeof(*names));
	for (size_t i = 0; i < m->environments_nr; i++)
		names[i] = m->environments[i].name;
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *f = de->d_name;
		size_t n = strlen(f);
		if (n <= sl + 6 || strncmp(f, stem, sl) || f[sl] != '.' ||
		    strcmp(f + n - 5, ".yaml"))
			continue;
		char *env = xstrndup(f + sl + 1, n - sl - 6);
		if (env_name_valid(env) && !manifest_find_environment(m, env)) {
			char *file = path_join(m->dir, f);
			const char *near = nearest_word(env, names, m->environments_nr);
			diag_error(ld->diags, file, 1, 1,
			           "this override file is for environment '%s', which %s does not "
			           "declare%s%s%s",
			           env, m->path, near ? "; did you mean '" : "", near ? near : "",
			           near ? "'?" : "");
			ld->errors++;
			free(file);
		}
		free(env);
	}
	closedir(d);
	free(names);
	free(stem);
}

/* A URL without its trailing slashes, for comparing two environments. */
static size_t url_len(const char *u)
{
	size_t n = strlen(u);
	while (n && u[n - 1] == '/')
		n--;
	return n;
}

static void check_environments(struct loader *ld, const struct ynode *root)
{
	struct manifest *m = ld->m;
	(void)root;
	for (size_t i = 0; i < m->environments_nr; i++) {
		const struct m_environment *a = &m->environments[i];
		for (size_t j = 0; j < i && a->url && a->organization; j++) {
			const struct m_environment *b = &m->environments[j];
			if (!b->url || !b->organization || url_len(a->url) != url_len(b->url) ||
			    strncmp(a->url, b->url, url_len(a->url)) ||
			    strcmp(a->organization, b->organization))
				continue;
			diag_error(
			    ld->diags, ld->file, a->pos.line, a->pos.col,
			    "environment '%s' names organization '%s' at %s, as environment '%s' "
			    "(line %d) does; each environment must be an organization of its own",
			    a->name, a->organization, a->url, b->name, b->pos.line);
			ld->errors++;
		}
	}
	check_override_files(ld);
}

/* Config variables of ov replace those of in with the same name; the others are added. */
static void merge_config(struct loader *ld, struct m_instance *in, const struct m_instance *ov)
{
	struct m_configvar *all =
	    arena_alloc_array(&ld->m->arena, in->config_nr + ov->config_nr + 1, sizeof(*all));
	size_t n = in->config_nr;
	if (n)
		memcpy(all, in->config, n * sizeof(*all));
	for (size_t i = 0; i < ov->config_nr; i++) {
		size_t k = 0;
		while (k < n && strcmp(all[k].key, ov->config[i].key))
			k++;
		all[k] = ov->config[i];
		if (k == n)
			n++;
	}
	in->config = all;
	in->config_nr = n;
	in->has_config = true;
}

static bool has_key(const struct ynode *n, const char *key)
{
	return n && n->kind == YNODE_MAP && ymap_get(n, key);
}

static void override_instance(struct loader *ld, const char *env, const struct m_instance *ov,
                              const struct ynode *n)
{
	struct manifest *m = ld->m;
	struct m_instance *in = NULL;
	for (size_t i = 0; i < m->instances_nr && !in; i++)
		if (!strcmp(m->instances[i].name, ov->name) &&
		    !strcmp(m->instances[i].customer, ov->customer))
			in = &m->instances[i];
	if (!in) {
		err_at(ld, n,
		       "environment '%s' overrides instance '%s' of customer '%s', which the "
		       "manifest does not list; overrides change objects of the manifest, they "
		       "do not add them",
		       env, ov->name, ov->customer);
		return;
	}
	const struct m_integration *g = manifest_find_integration(m, in->integration);
	struct def_vars dv = {NULL, NULL, 0};
	if (g && g->doc)
		def_vars_load(&dv, g);
	for (size_t c = 0; c < ov->config_nr; c++) {
		const struct ynode *var =
		    g && g->doc ? check_config_key(ld, g, &ov->config[c], &dv) : NULL;
		if (var)
			check_config_form(ld, var, &ov->config[c]);
		check_env_reference(ld, in, &ov->config[c]);
	}
	def_vars_release(&dv);
	if (has_key(n, "version")) {
		in->version_latest = ov->version_latest;
		in->version = ov->version;
		in->version_pos = ov->version_pos;
	}
	if (has_key(n, "description"))
		in->description = ov->description;
	if (has_key(n, "enabled"))
		in->enabled = ov->enabled;
	if (has_key(n, "deploy"))
		in->deploy = ov->deploy;
	if (has_key(n, "labels")) {
		in->labels = ov->labels;
		in->has_labels = true;
	}
	if (has_key(n, "configVariables"))
		merge_config(ld, in, ov);
}

static void override_customer(struct loader *ld, const char *env, const struct m_customer *ov,
                              const struct ynode *n)
{
	struct m_customer *c = (struct m_customer *)manifest_find_customer(ld->m, ov->external_id);
	if (!c) {
		err_at(ld, n,
		       "environment '%s' overrides customer '%s', which the manifest does not "
		       "list; overrides change objects of the manifest, they do not add them",
		       env, ov->external_id);
		return;
	}
	if (has_key(n, "name"))
		c->name = ov->name;
	if (has_key(n, "description"))
		c->description = ov->description;
	if (has_key(n, "labels")) {
		c->labels = ov->labels;
		c->has_labels = true;
	}
}

static void override_integration(struct loader *ld, const char *env, const struct m_integration *ov,
                                 const struct ynode *n)
{
	struct m_integration *g =
	    (struct m_integration *)manifest_find_integration(ld->m, ov->name);
	if (!g) {
		err_at(ld, n,
		       "environment '%s' overrides integration '%s', which the manifest does not "
		       "list; overrides change objects of the manifest, they do not add them",
		       env, ov->name);
		return;
	}
	if (has_key(n, "publish"))
		g->publish = ov->publish;
	if (has_key(n, "comment"))
		g->comment = ov->comment;
}

static const struct ynode *seq_item(const struct ynode *map, const char *key, size_t i)
{
	const struct ynode *s = ymap_get(map, key);
	return s && s->kind == YNODE_SEQ && i < s->u.seq.nr ? s->u.seq.items[i] : NULL;
}

static void merge_overrides(struct loader *ld, const char *env, const struct m_overrides *o)
{
	for (size_t i = 0; i < o->customers_nr; i++)
		override_customer(ld, env, &o->customers[i], seq_item(o->node, "customers", i));
	for (size_t i = 0; i < o->integrations_nr; i++)
		override_integration(ld, env, &o->integrations[i],
		                     seq_item(o->node, "integrations", i));
	for (size_t i = 0; i < o->instances_nr; i++)
		override_instance(ld, env, &o->instances[i], seq_item(o->node, "instances", i));
}

/* Reads the override file of environment env, when there is one: NULL when not. */
static struct m_overrides *load_override_file(struct loader *ld, const char *env)
{
	struct manifest *m = ld->m;
	struct buf data = BUF_INIT;
	struct error err = ERROR_INIT;
	struct m_overrides *o = NULL;
	char *file = manifest_override_path(m->path, env);

	if (source_read(ld->src, file, MANIFEST_MAX_BYTES, &data, &err)) {
		if (err.code != ERR_NOTFOUND) {
			diag_error(ld->diags, file, 0, 0, "%s", err.message);
			ld->errors++;
		}
		free(file);
		goto done;
	}
	m->override_file = file;
	ld->file = file;
	if (ydoc_parse_buf(&m->override_doc, file, &data, ld->diags)) {
		ld->errors++;
		goto done;
	}
	if (!m->override_doc->root) /* an empty file overrides nothing */
		goto done;
	if (m->override_doc->root->kind != YNODE_MAP) {
		err_at(ld, m->override_doc->root,
		       "an override file must be a mapping with customers, integrations or "
		       "instances, not %s",
		       ynode_describe(m->override_doc->root));
		goto done;
	}
	parse_overrides(ld, m->override_doc->root, &o);
done:
	buf_release(&data);
	error_release(&err);
	return o;
}

static void apply_environment(struct loader *ld, const char *env)
{
	struct manifest *m = ld->m;
	const struct m_environment *e = manifest_find_environment(m, env);
	if (!e) {
		const char **names = xcalloc(m->environments_nr + 1, sizeof(*names));
		for (size_t i = 0; i < m->environments_nr; i++)
			names[i] = m->environments[i].name;
		const char *near = nearest_word(env, names, m->environments_nr);
		const struct ypair *pair = ymap_get_pair(m->doc->root, "environments");
		const struct ynode *at_node = pair ? pair->key : NULL;
		if (!m->environments_nr)
			err_at(ld, NULL,
			       "the manifest declares no environments, so --env %s cannot be used; "
			       "add an 'environments:' section, or leave --env out",
			       env);
		else if (near)
			err_at(ld, at_node,
			       "no environment '%s' in the manifest; did you mean '%s'?", env,
			       near);
		else {
			struct buf list = BUF_INIT;
			for (size_t i = 0; i < m->environments_nr; i++)
				buf_addf(&list, "%s%s", i ? ", " : "", names[i]);
			err_at(ld, at_node, "no environment '%s' in the manifest; it declares: %s",
			       env, list.data);
			buf_release(&list);
		}
		free(names);
		return;
	}
	m->environment = e;
	if (e->overrides)
		merge_overrides(ld, e->name, e->overrides);
	struct m_overrides *file = load_override_file(ld, e->name);
	if (file && !ld->errors)
		merge_overrides(ld, e->name, file);
	ld->file = m->path;
}

static void index_build(struct loader *ld);
static void index_free(struct manifest_index *ix);

int manifest_load(struct manifest **out, struct source *src, const char *path, unsigned flags,
                  struct diag_list *diags)
{
	return manifest_load_env(out, src, path, NULL, flags, diags);
}

/*
 * Whether the document's root can be read as a manifest at all: a mapping,
 * and not one that requires a newer prismsync (whose keys this one would
 * call unknown). Returns 0, or ERR_INVALID with the reason in ld->diags.
 */
static int check_root(struct loader *ld, const struct ynode *root)
{
	if (!root) {
		diag_error(ld->diags, ld->file, 1, 1,
		           "the manifest is empty; it needs at least 'version: 1'");
		return ERR_INVALID;
	}
	if (root->kind != YNODE_MAP) {
		err_at(ld, root,
		       "the manifest must be a mapping with keys such as 'version: 1', not %s",
		       ynode_describe(root));
		return ERR_INVALID;
	}
	/*
	 * A manifest written for a newer prismsync may use keys this one does
	 * not know: say which version it needs, and nothing else.
	 */
	const struct ynode *req = ymap_get(root, "requires");
	if (req && req->kind == YNODE_SCALAR && requires_unmet(req->u.scalar.value)) {
		err_at(ld, req,
		       "this manifest requires prismsync %s, but this is prismsync %s; install a "
		       "newer prismsync",
		       req->u.scalar.value, PRISMSYNC_VERSION);
		return ERR_INVALID;
	}
	return 0;
}

int manifest_load_env(struct manifest **out, struct source *src, const char *path, const char *env,
                      unsigned flags, struct diag_list *diags)
{
	struct manifest *m = xcalloc(1, sizeof(*m));
	struct loader ld = {m, src, diags, flags, path, 0};
	struct error err = ERROR_INIT;
	struct buf data = BUF_INIT;
	int rc = 0;

	arena_init(&m->arena);
	m->path = xstrdup(path);
	m->dir = path_dirname(path);
	m->owner = MANIFEST_DEFAULT_OWNER;

	rc = source_read(src, path, MANIFEST_MAX_BYTES, &data, &err);
	if (rc) {
		diag_error(
		    diags, path, 0, 0, "%s",
		    err.code == ERR_NOTFOUND && !src->revision
		        ? "no such file; pass the manifest with -f FILE (default: prismsync.yaml)"
		        : err.message);
		goto fail;
	}
	if (ydoc_parse_buf(&m->doc, path, &data, diags)) {
		rc = ERR_INVALID;
		goto fail;
	}
	const struct ynode *root = m->doc->root;
	if ((rc = check_root(&ld, root)))
		goto fail;
	parse_object(&ld, root, &manifest_schema, m);
	const struct ynode *ver = ymap_get(root, "version");
	if (ver && yscalar_type(ver) == YTYPE_INT && m->version != 1)
		err_at(&ld, ver, "unsupported manifest version %ld; this prismsync reads version 1",
		       m->version);
	check_owner(&ld, root);

	for (size_t i = 0; i < m->integrations_nr; i++) {
		struct m_integration *g = &m->integrations[i];
		g->effective_name = g->name;
		g->effective_description = g->description;
		if (g->definition && !(flags & MANIFEST_SKIP_DEFINITIONS))
			load_definition(&ld, g);
	}
	index_build(&ld);
	check_instances(&ld);
	ld.errors += rollouts_load(m, ymap_get(root, "rollouts"), src, path, diags);
	check_environments(&ld, root);
	if (!ld.errors && env)
		apply_environment(&ld, env);

	if (ld.errors) {
		rc = ERR_INVALID;
		goto fail;
	}
	buf_release(&data);
	*out = m;
	return 0;
fail:
	buf_release(&data);
	error_release(&err);
	manifest_free(m);
	return rc ? rc : ERR_INVALID;
}

void manifest_free(struct manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->integrations_nr; i++)
		ydoc_free(m->integrations[i].doc);
	ydoc_free(m->doc);
	ydoc_free(m->override_doc);
	free(m->override_file);
	index_free(m->index);
	arena_release(&m->arena);
	free(m->path);
	free(m->dir);
	free(m);
}

/* ---- lookups by identity ---- */

struct manifest_index {
	struct strmap customers;    /* externalId -> struct m_customer */
	struct strmap integrations; /* effective name -> struct m_integration */
	struct strmap instances;    /* str_pair_key() of the identity -> struct m_instance */
	struct arena keys;
};

/*
 * Indexes the manifest's customers, integrations and instances by identity,
 * which no later step changes (overrides match objects by identity, they do
 * not rename them). An identity that repeats an earlier one is reported at
 * the repeat, naming the line of the first, which the index keeps (as a scan
 * would find it): one pass, linear for any number of repeats.
 */
static void index_build(struct loader *ld)
{
	struct manifest *m = ld->m;
	struct manifest_index *ix = xcalloc(1, sizeof(*ix));
	arena_init(&ix->keys);
	strmap_init_size(&ix->customers, m->customers_nr);
	strmap_init_size(&ix->integrations, m->integrations_nr);
	strmap_init_size(&ix->instances, m->instances_nr);
	for (size_t i = 0; i < m->customers_nr; i++) {
		const struct m_customer *c = &m->customers[i];
		if (!c->external_id || strmap_add(&ix->customers, c->external_id, &m->customers[i]))
			continue;
		const struct m_customer *first = strmap_get(&ix->customers, c->external_id);
		duplicate_identity(ld, "customer", "externalId ", c->external_id, NULL,
		                   c->external_id_pos, first->external_id_pos.line, NULL);
	}
	for (size_t i = 0; i < m->integrations_nr; i++) {
		const struct m_integration *g = &m->integrations[i];
		if (!g->effective_name ||
		    strmap_add(&ix->integrations, g->effective_name, &m->integrations[i]))
			continue;
		const struct m_integration *first =
		    strmap_get(&ix->integrations, g->effective_name);
		duplicate_identity(ld, "integration", "name ", g->effective_name, NULL,
		                   integration_name_pos(g), integration_name_pos(first).line,
		                   g->name ? NULL
		                           : "; the name comes from the definition file, so give "
		                             "one of them a 'name:'");
	}
	for (size_t i = 0; i < m->instances_nr; i++) {
		const struct m_instance *in = &m->instances[i];
		if (!in->customer || !in->name)
			continue;
		char *key = str_pair_key_into(
		    arena_alloc(&ix->keys, str_pair_key_size(in->customer, in->name)), in->customer,
		    in->name);
		if (strmap_add(&ix->instances, key, &m->instances[i]))
			continue;
		const struct m_instance *first = strmap_get(&ix->instances, key);
		duplicate_identity(ld, "instance", "", in->name, in->customer, in->pos,
		                   first->pos.line, NULL);
	}
	m->index = ix;
}

static void index_free(struct manifest_index *ix)
{
	if (!ix)
		return;
	strmap_release(&ix->customers);
	strmap_release(&ix->integrations);
	strmap_release(&ix->instances);
	arena_release(&ix->keys);
	free(ix);
}

const struct m_customer *manifest_find_customer(const struct manifest *m, const char *external_id)
{
	if (m->index)
		return strmap_get(&m->index->customers, external_id);
	for (size_t i = 0; i < m->customers_nr; i++)
		if (m->customers[i].external_id &&
		    !strcmp(m->customers[i].external_id, external_id))
			return &m->customers[i];
	return NULL;
}

const struct m_integration *manifest_find_integration(const struct manifest *m, const char *name)
{
	if (m->index)
		return strmap_get(&m->index->integrations, name);
	for (size_t i = 0; i < m->integrations_nr; i++)
		if (m->integrations[i].effective_name &&
		    !strcmp(m->integrations[i].effective_name, name))
			return &m->integrations[i];
	return NULL;
}

const struct m_instance *manifest_find_instance(const struct manifest *m, const char *customer,
                                                const char *name)
{
	if (m->index) {
		char *key = str_pair_key(customer, name);
		const struct m_instance *in = strmap_get(&m->index->instances, key);
		free(key);
		return in;
	}
	for (size_t i = 0; i < m->instances_nr; i++)
		if (m->instances[i].customer && m->instances[i].name &&
		    !strcmp(m->instances[i].customer, customer) &&
		    !strcmp(m->instances[i].name, name))
			return &m->instances[i];
	return NULL;
}

bool m_configvar_sensitive(const struct m_configvar *cv)
{
	if (cv->env_name)
		return true;
	for (size_t i = 0; i < cv->inputs_nr; i++)
		if (cv->inputs[i].env_name)
			return true;
	return false;
}
