#include "export.h"

#include <ctype.h>
#include <stdarg.h>
#include <strings.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../schema/yaml_emit.h"
#include "../schema/yaml_tree.h"
#include "../util/buf.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "defdiff.h"
#include "diff.h"
#include "../util/banned.h"

static const char *const metadata_keys[] = {"name", "description", "labels", NULL};

struct exporter {
	const struct live_state *live;
	const struct export_filter *f;
	struct export_result *r;
	bool *cust_on, *int_on, *inst_on; /* per live record: exported */
	char **env_names;                 /* generated so far, for uniqueness */
	size_t env_nr, env_alloc;
	struct buf env;      /* .env.example */
	struct buf manifest; /* prismsync.yaml */
};

static void note(struct exporter *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct exporter *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	x->r->notes = xrealloc(x->r->notes, (x->r->notes_nr + 1) * sizeof(*x->r->notes));
	x->r->notes[x->r->notes_nr++] = msg;
}

static void add_file(struct export_result *r, char *path, struct buf *b)
{
	r->files = xrealloc(r->files, (r->nr + 1) * sizeof(*r->files));
	r->files[r->nr].path = path;
	r->files[r->nr].data = buf_detach(b, &r->files[r->nr].len);
	r->nr++;
}

/* ---- YAML scalars ---- */

static bool is_keyword(const char *s)
{
	static const char *const words[] = {"true", "false", "null", "yes", "no", "on",
	                                    "off",  "y",     "n",    "~",   NULL};
	for (size_t i = 0; words[i]; i++)
		if (!strcasecmp(s, words[i]))
			return true;
	return false;
}

/* Whether s reads back as this very string when written plain, in block and flow context. */
static bool plain_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!*p || !(isalpha(*p) || *p >= 0x80) || is_keyword(s))
		return false;
	for (; *p; p++)
		if (!(isalnum(*p) || *p >= 0x80 || strchr(" _.-/()@+", *p)))
			return false;
	return p[-1] != ' ';
}

/* Appends s as a YAML scalar: plain when that is unambiguous, else double-quoted. */
static void yscalar(struct buf *b, const char *s)
{
	if (plain_safe(s)) {
		buf_adds(b, s);
		return;
	}
	buf_addch(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			buf_adds(b, "\\\"");
			break;
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				buf_addf(b, "\\x%02x", *p);
			else
				buf_addch(b, (char)*p);
		}
	}
	buf_addch(b, '"');
}

static bool owner_or_protected(const char *label)
{
	return str_starts_with(label, OWNER_LABEL_PREFIX) || !strcmp(label, PROTECTED_LABEL);
}

static bool has_label(const char *const *labels, size_t n, const char *label)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(labels[i], label))
			return true;
	return false;
}

/* The labels a user writes: all but the ones prismsync keeps itself. */
static size_t user_labels(const char *const *labels, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += !owner_or_protected(labels[i]);
	return k;
}

static void ylabels(struct buf *b, const char *indent, const char *const *labels, size_t n,
                    bool always)
{
	if (!user_labels(labels, n) && !always)
		return;
	buf_addf(b, "%slabels: [", indent);
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (owner_or_protected(labels[i]))
			continue;
		if (!first)
			buf_adds(b, ", ");
		yscalar(b, labels[i]);
		first = false;
	}
	buf_adds(b, "]\n");
}

/* ---- selection ---- */

static bool in_list(const char *const *list, size_t n, const char *s)
{
	return s && has_label(list, n, s);
}

static bool any_label(const struct export_filter *f, const char *const *labels, size_t n)
{
	for (size_t i = 0; i < f->labels_nr; i++)
		if (has_label(labels, n, f->labels[i]))
			return true;
	return false;
}

static bool filtered(const struct export_filter *f)
{
	return f->customers_nr || f->integrations_nr || f->labels_nr;
}

/* Marks what an export with x->f lists: instances first, then what they need. */
static void select_objects(struct exporter *x)
{
	const struct live_state *s = x->live;
	const struct export_filter *f = x->f;
	bool all = !filtered(f);
	for (size_t i = 0; i < s->instances_nr; i++) {
		const struct live_instance *in = &s->instances[i];
		const struct live_integration *li =
		    in->integration_id ? live_integration_by_id(s, in->integration_id) : NULL;
		bool on = all;
		if (!all) {
			on = (!f->customers_nr ||
			      in_list(f->customers, f->customers_nr, in->customer_external_id)) &&
			     (!f->integrations_nr ||
			      in_list(f->integrations, f->integrations_nr, in->integration_name)) &&
			     (!f->labels_nr || any_label(f, in->labels, in->labels_nr));
		}
		if (on && !in->customer_external_id) {
			note(x, "instance '%s' is left out: its customer '%s' has no externalId",
			     in->name, in->customer_name ? in->customer_name : "?");
			on = false;
		}
		if (on && !li) {
			note(x,
			     "instance '%s' of customer '%s' is left out: its integration '%s' is "
			     "not one of the organization's",
			     in->name, in->customer_external_id,
			     in->integration_name ? in->integration_name : "?");
			on = false;
		}
		x->inst_on[i] = on;
	}
	for (size_t i = 0; i < s->customers_nr; i++) {
		const struct live_customer *c = &s->customers[i];
		bool on = all || in_list(f->customers, f->customers_nr, c->external_id) ||
		          (f->labels_nr && any_label(f, c->labels, c->labels_nr));
		if (on && !c->external_id) {
			note(x, "customer '%s' is left out: it has no externalId", c->name);
			on = false;
		}
		x->cust_on[i] = on;
	}
	for (size_t i = 0; i < s->integrations_nr; i++) {
		const struct live_integration *g = &s->integrations[i];
		x->int_on[i] = all || in_list(f->integrations, f->integrations_nr, g->name) ||
		               (f->labels_nr && any_label(f, g->labels, g->labels_nr));
	}
	/* What the exported instances run comes along (unless a filter named other ones). */
	for (size_t i = 0; i < s->instances_nr; i++) {
		if (!x->inst_on[i])
			continue;
		const struct live_instance *in = &s->instances[i];
		const struct live_integration *li = live_integration_by_id(s, in->integration_id);
		if (!f->integrations_nr)
			x->int_on[li - s->integrations] = true;
		const struct live_customer *c = live_customer_by_id(s, in->customer_id);
		if (c && !f->customers_nr)
			x->cust_on[c - s->customers] = true;
	}
	/* Code-native integrations have no definition: instances name them, the manifest does not.
	 */
	for (size_t i = 0; i < s->integrations_nr; i++)
		if (x->int_on[i] && s->integrations[i].is_code_native)
			x->int_on[i] = false;
}

size_t export_integration_names(const char ***out, const struct live_state *live,
                                const struct export_filter *f)
{
	struct export_result r;
	struct exporter x;
	memset(&r, 0, sizeof(r));
	memset(&x, 0, sizeof(x));
	x.live = live;
	x.f = f;
	x.r = &r;
	x.cust_on = xcalloc(live->customers_nr + 1, sizeof(bool));
	x.int_on = xcalloc(live->integrations_nr + 1, sizeof(bool));
	x.inst_on = xcalloc(live->instances_nr + 1, sizeof(bool));
	select_objects(&x);
	const char **names = xcalloc(live->integrations_nr + 1, sizeof(*names));
	size_t n = 0;
	for (size_t i = 0; i < live->integrations_nr; i++)
		if (x.int_on[i])
			names[n++] = live->integrations[i].name;
	free(x.cust_on);
	free(x.int_on);
	free(x.inst_on);
	export_result_release(&r);
	*out = names;
	return n;
}

/* A filter value that matches nothing is an error naming the nearest that exists. */
static int check_filter(const struct live_state *s, const struct export_filter *f,
                        struct error *err)
{
	const char **names = xcalloc(s->customers_nr + s->integrations_nr + 1, sizeof(*names));
	int rc = 0;
	size_t n = 0;
	for (size_t i = 0; i < s->customers_nr; i++)
		if (s->customers[i].external_id)
			names[n++] = s->customers[i].external_id;
	for (size_t i = 0; i < f->customers_nr && !rc; i++) {
		if (live_customer_by_external_id(s, f->customers[i]))
			continue;
		const char *near = nearest_word(f->customers[i], names, n);
		rc = error_set(err, ERR_NOTFOUND, "no customer has externalId '%s'%s%s%s",
		               f->customers[i], near ? "; did you mean '" : "", near ? near : "",
		               near ? "'?" : "");
	}
	n = 0;
	for (size_t i = 0; i < s->integrations_nr; i++)
		names[n++] = s->integrations[i].name;
	for (size_t i = 0; i < f->integrations_nr && !rc; i++) {
		if (live_integration_by_name(s, f->integrations[i]))
			continue;
		const char *near = nearest_word(f->integrations[i], names, n);
		rc = error_set(err, ERR_NOTFOUND, "no integration is named '%s'%s%s%s",
		               f->integrations[i], near ? "; did you mean '" : "", near ? near : "",
		               near ? "'?" : "");
	}
	free(names);
	return rc;
}

/* ---- sorting ---- */

static const struct live_state *sort_state;

static int cmp_customer(const void *a, const void *b)
{
	const struct live_customer *x = &sort_state->customers[*(const size_t *)a];
	const struct live_customer *y = &sort_state->customers[*(const size_t *)b];
	return strcmp(x->external_id, y->external_id);
}

static int cmp_integration(const void *a, const void *b)
{
	return strcmp(sort_state->integrations[*(const size_t *)a].name,
	              sort_state->integrations[*(const size_t *)b].name);
}

static int cmp_instance(const void *a, const void *b)
{
	const struct live_instance *x = &sort_state->instances[*(const size_t *)a];
	const struct live_instance *y = &sort_state->instances[*(const size_t *)b];
	int c = strcmp(x->customer_external_id, y->customer_external_id);
	return c ? c : strcmp(x->name, y->name);
}

static size_t *sorted(const bool *on, size_t n, int (*cmp)(const void *, const void *),
                      size_t *out_n)
{
	size_t *idx = xcalloc(n + 1, sizeof(*idx));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (on[i])
			idx[k++] = i;
	qsort(idx, k, sizeof(*idx), cmp);
	*out_n = k;
	return idx;
}

/* ---- identities ---- */

/* Up to this many shared identities are named in the error; the rest are counted. */
#define SHOWN_SHARED 10

/* "integrations are named 'X'" and the like, for the record at live index i. */
typedef void (*describe_fn)(struct buf *b, const struct live_state *s, size_t i);

static void describe_customer(struct buf *b, const struct live_state *s, size_t i)
{
	buf_addf(b, "customers have the externalId '%s'", s->customers[i].external_id);
}

static void describe_integration(struct buf *b, const struct live_state *s, size_t i)
{
	buf_addf(b, "integrations are named '%s'", s->integrations[i].name);
}

static void describe_instance(struct buf *b, const struct live_state *s, size_t i)
{
	buf_addf(b, "instances of customer '%s' are named '%s'",
	         s->instances[i].customer_external_id, s->instances[i].name);
}

static const char *record_id(const struct live_state *s, int kind, size_t i)
{
	return kind == 0   ? s->customers[i].id
	       : kind == 1 ? s->integrations[i].id
	                   : s->instances[i].id;
}

/*
 * Adds to msg each identity that two or more exported records of one kind
 * share ("2 integrations are named 'X' (ids A and B)"); *shared counts them.
 */
static void shared_identities(struct buf *msg, size_t *shared, const struct exporter *x, int kind)
{
	static int (*const cmp[])(const void *, const void *) = {cmp_customer, cmp_integration,
	                                                         cmp_instance};
	static const describe_fn describe[] = {describe_customer, describe_integration,
	                                       describe_instance};
	const struct live_state *s = x->live;
	const bool *on = kind == 0 ? x->cust_on : kind == 1 ? x->int_on : x->inst_on;
	size_t n = kind == 0 ? s->customers_nr : kind == 1 ? s->integrations_nr : s->instances_nr;
	size_t k, *idx = sorted(on, n, cmp[kind], &k);
	for (size_t i = 0; i < k;) {
		size_t run = 1;
		while (i + run < k && !cmp[kind](&idx[i], &idx[i + run]))
			run++;
		if (run > 1 && ++*shared <= SHOWN_SHARED) {
			buf_addf(msg, "%s%zu ", *shared > 1 ? "; " : "", run);
			describe[kind](msg, s, idx[i]);
			buf_adds(msg, " (ids ");
			for (size_t j = 0; j < run; j++)
				buf_addf(msg, "%s%s", j ? (j + 1 == run ? " and " : ", ") : "",
				         record_id(s, kind, idx[i + j]));
			buf_addch(msg, ')');
		}
		i += run;
	}
	free(idx);
}

/*
 * A manifest names customers by externalId, integrations by name and
 * instances by customer and name: records it would export that share one of
 * those cannot be written apart. ERR_INVALID naming them, or 0.
 */
static int check_identities(const struct exporter *x, struct error *err)
{
	struct buf msg = BUF_INIT;
	size_t shared = 0;
	for (int kind = 0; kind < 3; kind++)
		shared_identities(&msg, &shared, x, kind);
	if (!shared) {
		buf_release(&msg);
		return 0;
	}
	if (shared > SHOWN_SHARED)
		buf_addf(&msg, "; and %zu more", shared - SHOWN_SHARED);
	int rc = error_set(err, ERR_INVALID,
	                   "records of the organization share an identity a manifest names them "
	                   "by: %s. In Prismatic, rename or delete the extra ones, or leave them "
	                   "out with --customer, --integration or --label",
	                   msg.data);
	buf_release(&msg);
	return rc;
}

/* ---- names ---- */

/* "Order Sync" -> "order-sync": lower-case letters and digits, dashes between. */
static char *slug(const char *name)
{
	struct buf b = BUF_INIT;
	bool dash = false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (isalnum(*p) && *p < 0x80) {
			if (dash && b.len)
				buf_addch(&b, '-');
			buf_addch(&b, (char)tolower(*p));
			dash = false;
		} else {
			dash = true;
		}
	}
	if (!b.len)
		buf_adds(&b, "integration");
	return buf_detach(&b, NULL);
}

/* "acme-tools", "Order Sync", "API Key" -> "ACME_TOOLS_ORDER_SYNC_API_KEY", made unique. */
static const char *env_name(struct exporter *x, const char *const *parts, size_t n)
{
	struct buf b = BUF_INIT;
	bool sep = false;
	for (size_t i = 0; i < n; i++) {
		for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) {
			if (isalnum(*p) && *p < 0x80) {
				if (sep && b.len)
					buf_addch(&b, '_');
				buf_addch(&b, (char)toupper(*p));
				sep = false;
			} else {
				sep = true;
			}
		}
		sep = true;
	}
	if (!b.len || isdigit((unsigned char)b.data[0])) {
		struct buf c = BUF_INIT;
		buf_addf(&c, "SECRET_%s", b.len ? b.data : "");
		buf_release(&b);
		b = c;
	}
	size_t base = b.len;
	for (int k = 2;; k++) {
		bool taken = false;
		for (size_t i = 0; i < x->env_nr && !taken; i++)
			taken = !strcmp(x->env_names[i], b.data);
		if (!taken)
			break;
		buf_truncate(&b, base);
		buf_addf(&b, "_%d", k);
	}
	if (x->env_nr == x->env_alloc) {
		x->env_alloc = x->env_alloc ? 2 * x->env_alloc : 16;
		x->env_names = xrealloc(x->env_names, x->env_alloc * sizeof(*x->env_names));
	}
	x->env_names[x->env_nr++] = buf_detach(&b, NULL);
	return x->env_names[x->env_nr - 1];
}

/* ---- customers ---- */

static void write_customers(struct exporter *x)
{
	const struct live_state *s = x->live;
	size_t n;
	size_t *idx = sorted(x->cust_on, s->customers_nr, cmp_customer, &n);
	struct buf *b = &x->manifest;
	if (n)
		buf_adds(b, "\ncustomers:\n");
	for (size_t k = 0; k < n; k++) {
		const struct live_customer *c = &s->customers[idx[k]];
		buf_adds(b, "  - externalId: ");
		yscalar(b, c->external_id);
		buf_adds(b, "\n    name: ");
		yscalar(b, c->name);
		buf_addch(b, '\n');
		if (c->description && *c->description) {
			buf_adds(b, "    description: ");
			yscalar(b, c->description);
			buf_addch(b, '\n');
		}
		ylabels(b, "    ", c->labels, c->labels_nr, false);
	}
	x->r->customers = n;
	free(idx);
}

/* ---- integrations ---- */

static struct ydoc *parse_def(const char *name, const char *text)
{
	struct ydoc *doc = NULL;
	struct diag_list scratch;
	diag_list_init(&scratch);
	if (!text || ydoc_parse(&doc, name, text, strlen(text), &scratch) || !doc->root ||
	    doc->root->kind != YNODE_MAP) {
		ydoc_free(doc);
		doc = NULL;
	}
	diag_list_release(&scratch);
	return doc;
}

static const char *def_string(const struct ydoc *doc, const char *key)
{
	const struct ynode *v = ymap_get(doc->root, key);
	return v && v->kind == YNODE_SCALAR ? v->u.scalar.value : NULL;
}

/*
 * The definition to write for g, and whether it is the draft: the latest
 * published one, unless the draft holds changes not yet published.
 */
static struct ydoc *choose_definition(const struct live_integration *g, bool *draft)
{
	struct ydoc *pub = parse_def(g->name, g->latest ? g->latest_definition : NULL);
	struct ydoc *dr = parse_def(g->name, g->definition);
	*draft = false;
	if (!pub) {
		*draft = dr != NULL;
		return dr;
	}
	if (dr) {
		struct defdiff dd = DEFDIFF_INIT;
		bool differs = defdiff_compare(dr->root, pub->root, metadata_keys, &dd) ||
		               defdiff_compare(pub->root, dr->root, metadata_keys, &dd);
		defdiff_release(&dd);
		if (differs) {
			*draft = true;
			ydoc_free(pub);
			return dr;
		}
	}
	ydoc_free(dr);
	return pub;
}

static void write_integrations(struct exporter *x)
{
	const struct live_state *s = x->live;
	size_t n;
	size_t *idx = sorted(x->int_on, s->integrations_nr, cmp_integration, &n);
	struct buf *b = &x->manifest;
	const char **used = xcalloc(n + 1, sizeof(*used));
	size_t used_nr = 0;
	bool header = false;
	for (size_t k = 0; k < n; k++) {
		const struct live_integration *g = &s->integrations[idx[k]];
		bool draft;
		struct ydoc *doc = choose_definition(g, &draft);
		if (!doc) {
			note(x,
			     "integration '%s' is not listed: the organization holds no YAML "
			     "definition of it (its instances still name it)",
			     g->name);
			continue;
		}
		struct buf text = BUF_INIT;
		struct error err = ERROR_INIT;
		if (ydoc_emit(doc->root, NULL, 0, &text, &err)) {
			note(x,
			     "integration '%s' is not listed: its definition cannot be written: %s",
			     g->name, err.message);
			error_release(&err);
			buf_release(&text);
			ydoc_free(doc);
			continue;
		}
		char *base = slug(g->name);
		char *path = xasprintf("integrations/%s.yml", base);
		for (int v = 2;; v++) {
			bool taken = false;
			for (size_t i = 0; i < used_nr && !taken; i++)
				taken = !strcmp(used[i], path);
			if (!taken)
				break;
			free(path);
			path = xasprintf("integrations/%s-%d.yml", base, v);
		}
		free(base);
		used[used_nr++] = path; /* owned by the file added below */

		if (!header)
			buf_adds(b, "\nintegrations:\n");
		header = true;
		buf_adds(b, "  - definition: ");
		yscalar(b, path);
		buf_addch(b, '\n');
		const char *dname = def_string(doc, "name");
		if (!dname || strcmp(dname, g->name)) {
			buf_adds(b, "    name: ");
			yscalar(b, g->name);
			buf_addch(b, '\n');
		}
		const char *ddesc = def_string(doc, "description");
		const char *desc = g->description ? g->description : "";
		if ((ddesc && strcmp(ddesc, desc)) || (!ddesc && *desc)) {
			buf_adds(b, "    description: ");
			yscalar(b, desc);
			buf_addch(b, '\n');
		}
		ylabels(b, "    ", g->labels, g->labels_nr, ymap_get(doc->root, "labels") != NULL);
		if (draft)
			buf_adds(
			    b, "    publish: false   # the draft has changes not published yet\n");
		add_file(x->r, path, &text);
		x->r->integrations++;
		ydoc_free(doc);
	}
	free(idx);
	free(used);
}

/* ---- instances ---- */

static int cmp_config(const void *a, const void *b)
{
	return strcmp((*(const struct live_config_var *const *)a)->key,
	              (*(const struct live_config_var *const *)b)->key);
}

static bool ieq(const char *a, const char *b)
{
	return a && !strcasecmp(a, b);
}

static void env_ref(struct exporter *x, struct buf *b, const struct live_instance *in,
                    const char *key, const char *input)
{
	const char *parts[] = {in->customer_external_id, in->name, key, input};
	const char *name = env_name(x, parts, input ? 4 : 3);
	buf_addf(b, "\"${env:%s}\"", name);
	buf_addf(&x->env, "# %s, instance '%s': %s%s%s\n%s=\n", in->customer_external_id, in->name,
	         key, input ? ", input " : "", input ? input : "", name);
	x->r->secrets++;
}

/*
 * Whether a plain variable's key names a credential (an API key, a token, a
 * password): its value goes to the environment, never into the export.
 */
static bool looks_secret(const char *key)
{
	static const char *const words[] = {"secret",      "password",   "passwd",  "token",
	                                    "apikey",      "api key",    "api_key", "api-key",
	                                    "private key", "credential", NULL};
	char *lower = xstrdup(key);
	bool hit = false;
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (size_t i = 0; words[i] && !hit; i++)
		hit = strstr(lower, words[i]) != NULL;
	free(lower);
	return hit;
}

/* Appends one config variable in its manifest form; nothing when it holds nothing to manage. */
static void write_config_var(struct exporter *x, struct buf *b, const struct live_instance *in,
                             const struct live_config_var *cv)
{
	if (cv->customer_var_key) {
		buf_adds(b, "      ");
		yscalar(b, cv->key);
		buf_adds(b, ":\n        customerConnection: ");
		yscalar(b, cv->customer_var_key);
		buf_addch(b, '\n');
		return;
	}
	if (ieq(cv->data_type, "CONNECTION") || cv->inputs_nr) {
		size_t set = 0;
		for (size_t i = 0; i < cv->inputs_nr; i++)
			set += cv->inputs[i].has_value || cv->inputs[i].write_only;
		if (!set)
			return;
		buf_adds(b, "      ");
		yscalar(b, cv->key);
		buf_adds(b, ":\n        inputs:\n");
		for (size_t i = 0; i < cv->inputs_nr; i++) {
			const struct live_config_input *ci = &cv->inputs[i];
			if (!ci->has_value && !ci->write_only)
				continue;
			buf_adds(b, "          ");
			yscalar(b, ci->name);
			buf_adds(b, ": ");
			env_ref(x, b, in, cv->key, ci->name);
			buf_addch(b, '\n');
		}
		return;
	}
	if (!cv->value)
		return;
	bool schedule = ieq(cv->data_type, "SCHEDULE") ||
	                (cv->schedule_type && !ieq(cv->schedule_type, "NONE"));
	buf_adds(b, "      ");
	yscalar(b, cv->key);
	if (schedule) {
		buf_adds(b, ":\n        schedule: ");
		yscalar(b, cv->value);
		if (cv->time_zone) {
			buf_adds(b, "\n        timeZone: ");
			yscalar(b, cv->time_zone);
		}
		buf_addch(b, '\n');
		return;
	}
	buf_adds(b, ": ");
	/* A value that looks like a reference would be read as one: keep it a secret too. */
	if (looks_secret(cv->key) || strstr(cv->value, "${env:"))
		env_ref(x, b, in, cv->key, NULL);
	else
		yscalar(b, cv->value);
	buf_addch(b, '\n');
}

static void write_instances(struct exporter *x)
{
	const struct live_state *s = x->live;
	size_t n;
	size_t *idx = sorted(x->inst_on, s->instances_nr, cmp_instance, &n);
	struct buf *b = &x->manifest;
	if (n)
		buf_adds(b, "\ninstances:\n");
	for (size_t k = 0; k < n; k++) {
		const struct live_instance *in = &s->instances[idx[k]];
		const struct live_integration *li = live_integration_by_id(s, in->integration_id);
		if (k)
			buf_addch(b, '\n');
		buf_adds(b, "  - name: ");
		yscalar(b, in->name);
		buf_adds(b, "\n    customer: ");
		yscalar(b, in->customer_external_id);
		buf_adds(b, "\n    integration: ");
		yscalar(b, li->name);
		if (li->latest && in->version_id && !strcmp(li->latest->id, in->version_id))
			buf_adds(b, "\n    version: latest\n");
		else
			buf_addf(b, "\n    version: %d\n", in->version_number);
		if (in->description && *in->description) {
			buf_adds(b, "    description: ");
			yscalar(b, in->description);
			buf_addch(b, '\n');
		}
		if (!in->enabled)
			buf_adds(b, "    enabled: false\n");
		bool pending = in->needs_deploy || !in->has_deployed_version ||
		               in->deployed_version != in->version_number;
		if (pending)
			buf_adds(
			    b,
			    in->has_deployed_version
			        ? "    deploy: false    # its last changes are not deployed yet\n"
			        : "    deploy: false    # never deployed\n");
		ylabels(b, "    ", in->labels, in->labels_nr, false);

		const struct live_config_var **cfg = xcalloc(in->config_nr + 1, sizeof(*cfg));
		for (size_t i = 0; i < in->config_nr; i++)
			cfg[i] = &in->config[i];
		qsort(cfg, in->config_nr, sizeof(*cfg), cmp_config);
		struct buf vars = BUF_INIT;
		for (size_t i = 0; i < in->config_nr; i++)
			write_config_var(x, &vars, in, cfg[i]);
		if (vars.len) {
			buf_adds(b, "    configVariables:\n");
			buf_add(b, vars.data, vars.len);
		}
		buf_release(&vars);
		free(cfg);
	}
	x->r->instances = n;
	free(idx);
}

/* ---- the whole export ---- */

/* The labels of live record i of kind k (0 customers, 1 integrations, 2 instances). */
static const char *const *record_labels(const struct live_state *s, int k, size_t i, size_t *n)
{
	*n = k == 0   ? s->customers[i].labels_nr
	     : k == 1 ? s->integrations[i].labels_nr
	              : s->instances[i].labels_nr;
	return k == 0   ? s->customers[i].labels
	       : k == 1 ? s->integrations[i].labels
	                : s->instances[i].labels;
}

/*
 * The owner the exported objects carry most often (the first by name on a
 * tie), so that adopting keeps their owner; "default" when none has one.
 */
static const char *choose_owner(struct exporter *x)
{
	const struct live_state *s = x->live;
	const size_t totals[3] = {s->customers_nr, s->integrations_nr, s->instances_nr};
	const bool *on[3] = {x->cust_on, x->int_on, x->inst_on};
	const char **owners = NULL;
	size_t *counts = NULL, nr = 0;
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; i < totals[k]; i++) {
			size_t nl;
			const char *const *labels = record_labels(s, k, i, &nl);
			for (size_t l = 0; on[k][i] && l < nl; l++) {
				if (!str_starts_with(labels[l], OWNER_LABEL_PREFIX))
					continue;
				const char *owner = labels[l] + strlen(OWNER_LABEL_PREFIX);
				size_t j = 0;
				while (j < nr && strcmp(owners[j], owner))
					j++;
				if (j == nr) {
					owners = xrealloc(owners, (nr + 1) * sizeof(*owners));
					counts = xrealloc(counts, (nr + 1) * sizeof(*counts));
					owners[nr] = owner;
					counts[nr++] = 0;
				}
				counts[j]++;
			}
		}
	}
	const char *best = NULL;
	size_t best_n = 0;
	for (size_t j = 0; j < nr; j++)
		if (*owners[j] &&
		    (counts[j] > best_n || (counts[j] == best_n && strcmp(owners[j], best) < 0))) {
			best = owners[j];
			best_n = counts[j];
		}
	if (nr > 1)
		note(x,
		     "the exported objects carry %zu owners; the manifest takes '%s', and its "
		     "first apply moves the others' objects to it",
		     nr, best ? best : "default");
	free(owners);
	free(counts);
	return best ? best : "default";
}

int export_build(struct export_result *out, const struct live_state *live,
                 const struct export_filter *f, struct error *err)
{
	struct exporter x;
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = check_filter(live, f, err)))
		return rc;
	memset(&x, 0, sizeof(x));
	x.live = live;
	x.f = f;
	struct export_result defs; /* notes and definition files, before the manifest joins them */
	memset(&defs, 0, sizeof(defs));
	x.r = &defs;
	x.cust_on = xcalloc(live->customers_nr + 1, sizeof(bool));
	x.int_on = xcalloc(live->integrations_nr + 1, sizeof(bool));
	x.inst_on = xcalloc(live->instances_nr + 1, sizeof(bool));
	buf_init(&x.env, 0);
	buf_init(&x.manifest, 0);
	sort_state = live;

	select_objects(&x);
	if ((rc = check_identities(&x, err))) {
		buf_release(&x.env);
		buf_release(&x.manifest);
		export_result_release(&defs);
		goto done;
	}
	out->owner = choose_owner(&x);
	buf_adds(&x.manifest,
	         "# Exported from the Prismatic organization by 'prismsync export'.\n"
	         "# No secret is in this file: the environment variables it reads are listed in\n"
	         "# .env.example.\n"
	         "version: 1\nowner: ");
	yscalar(&x.manifest, out->owner);
	buf_addch(&x.manifest, '\n');
	buf_adds(&x.env, "# The environment variables the exported prismsync.yaml reads: one per\n"
	                 "# connection input (connections are credentials). Set each before\n"
	                 "# 'prismsync plan' or 'apply'; never commit the values.\n");

	write_customers(&x);
	write_integrations(&x);
	write_instances(&x);
	out->customers = defs.customers;
	out->integrations = defs.integrations;
	out->instances = defs.instances;
	out->secrets = defs.secrets;
	out->notes = defs.notes;
	out->notes_nr = defs.notes_nr;

	add_file(out, xstrdup("prismsync.yaml"), &x.manifest);
	for (size_t i = 0; i < defs.nr; i++) {
		out->files = xrealloc(out->files, (out->nr + 1) * sizeof(*out->files));
		out->files[out->nr++] = defs.files[i];
	}
	free(defs.files);
	add_file(out, xstrdup(".env.example"), &x.env);

done:
	for (size_t i = 0; i < x.env_nr; i++)
		free(x.env_names[i]);
	free(x.env_names);
	free(x.cust_on);
	free(x.int_on);
	free(x.inst_on);
	return rc;
}

void export_result_release(struct export_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nr; i++) {
		free(r->files[i].path);
		free(r->files[i].data);
	}
	free(r->files);
	for (size_t i = 0; i < r->notes_nr; i++)
		free(r->notes[i]);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}
