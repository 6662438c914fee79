#include "rollout.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "../util/error.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct rl {
	struct manifest *m;
	struct source *src;
	const char *file;
	struct diag_list *diags;
	size_t errors;
};

static void err_at(struct rl *rl, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void err_at(struct rl *rl, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_error(rl->diags, rl->file, line ? line : 1, col ? col : 1, "%s", msg);
	free(msg);
	rl->errors++;
}

#define ERR_NODE(rl, n, ...) err_at((rl), (n)->line, (n)->col, __VA_ARGS__)

/* Reports every key of map not in keys (with the nearest valid one); false when there was one. */
static bool known_keys(struct rl *rl, const struct ynode *map, const char *what,
                       const char *const *keys, size_t n)
{
	bool ok = true;
	for (size_t i = 0; i < map->u.map.nr; i++) {
		const struct ynode *k = map->u.map.pairs[i].key;
		size_t j;
		for (j = 0; j < n && strcmp(keys[j], k->u.scalar.value); j++)
			;
		if (j < n)
			continue;
		const char *near = nearest_word(k->u.scalar.value, keys, n);
		if (near)
			ERR_NODE(rl, k, "unknown key '%s' in %s; did you mean '%s'?",
			         k->u.scalar.value, what, near);
		else
			ERR_NODE(rl, k, "unknown key '%s' in %s", k->u.scalar.value, what);
		ok = false;
	}
	return ok;
}

/* A non-empty string scalar, copied into the arena; NULL after reporting. */
static const char *string_of(struct rl *rl, const struct ynode *v, const char *key)
{
	if (v->kind != YNODE_SCALAR || yscalar_type(v) == YTYPE_NULL) {
		ERR_NODE(rl, v, "'%s' must be a string, not %s", key, ynode_describe(v));
		return NULL;
	}
	if (!v->u.scalar.value[0]) {
		ERR_NODE(rl, v, "'%s' must not be empty", key);
		return NULL;
	}
	return arena_strdup(&rl->m->arena, v->u.scalar.value);
}

static size_t string_list(struct rl *rl, const struct ynode *v, const char *key, const char ***out)
{
	if (v->kind != YNODE_SEQ || !v->u.seq.nr) {
		ERR_NODE(rl, v, "'%s' must be a non-empty list of strings", key);
		return 0;
	}
	const char **items = arena_alloc_array(&rl->m->arena, v->u.seq.nr, sizeof(*items));
	size_t n = 0;
	for (size_t i = 0; i < v->u.seq.nr; i++) {
		const char *s = string_of(rl, v->u.seq.items[i], key);
		if (s)
			items[n++] = s;
	}
	*out = items;
	return n;
}

int rollout_parse_duration(const char *s, long *ms)
{
	static const struct {
		const char *unit;
		long factor;
	} units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"", 1000}};
	size_t digits = 0;
	while (s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (!digits || digits > 9)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(s + digits, units[i].unit))
			continue;
		char num[10];
		long n;
		memcpy(num, s, digits);
		num[digits] = '\0';
		if (parse_long(num, 1, 999999999L, &n) || n > 24L * 3600000 / units[i].factor)
			return -1;
		*ms = n * units[i].factor;
		return 0;
	}
	return -1;
}

static void parse_customers(struct rl *rl, const struct ynode *v, struct m_wave *w)
{
	w->customers_line = v->line;
	w->customers_col = v->col;
	if (v->kind == YNODE_SCALAR && !strcmp(v->u.scalar.value, "*")) {
		w->all = true;
	} else if (v->kind == YNODE_SEQ) {
		w->customers_nr = string_list(rl, v, "customers", &w->customers);
	} else if (v->kind == YNODE_MAP) {
		static const char *const keys[] = {"labels"};
		const struct ynode *labels = ymap_get(v, "labels");
		if (known_keys(rl, v, "customers", keys, ARRAY_SIZE(keys)) && !labels)
			ERR_NODE(rl, v, "'customers' as a mapping needs 'labels: [...]'");
		if (labels)
			w->labels_nr = string_list(rl, labels, "labels", &w->labels);
	} else {
		ERR_NODE(rl, v,
		         "'customers' must be \"*\", a list of customer externalIds, or "
		         "{labels: [...]}, not %s",
		         ynode_describe(v));
	}
}

static void parse_wave(struct rl *rl, const struct ynode *n, struct m_wave *w)
{
	static const char *const keys[] = {"name", "customers"};
	w->line = n->line;
	w->col = n->col;
	if (n->kind != YNODE_MAP) {
		ERR_NODE(rl, n, "a wave must be a mapping with 'name' and 'customers', not %s",
		         ynode_describe(n));
		return;
	}
	known_keys(rl, n, "a wave", keys, ARRAY_SIZE(keys));
	const struct ynode *name = ymap_get(n, "name"), *customers = ymap_get(n, "customers");
	if (name)
		w->name = string_of(rl, name, "name");
	else
		ERR_NODE(rl, n, "a wave needs 'name'");
	if (customers)
		parse_customers(rl, customers, w);
	else
		ERR_NODE(rl, n, "wave '%s' needs 'customers'", w->name ? w->name : "?");
}

/* Reads the payload file: relative, inside the manifest's directory, present. */
static void load_payload(struct rl *rl, const struct ynode *v, struct m_verify *vf)
{
	struct error err = ERROR_INIT;
	struct buf data = BUF_INIT;
	char *norm = NULL, *file = NULL;
	const char *p = vf->payload_path;

	if (p[0] == '/') {
		ERR_NODE(
		    rl, v,
		    "payload path '%s' is absolute; write it relative to the manifest's directory",
		    p);
		goto done;
	}
	if (!(norm = path_normalize_relative(p))) {
		ERR_NODE(rl, v, "payload path '%s' leads outside the manifest's directory", p);
		goto done;
	}
	file = path_join(rl->m->dir, norm);
	if (source_check_within(rl->src, rl->m->dir, file, &err)) {
		ERR_NODE(rl, v, "payload path '%s' leads outside the manifest's directory: %s", p,
		         err.message);
		goto done;
	}
	if (source_read(rl->src, file, ROLLOUT_PAYLOAD_MAX_BYTES, &data, &err)) {
		if (err.code == ERR_NOTFOUND)
			ERR_NODE(rl, v, "payload file '%s' not found (looked for %s)", p, file);
		else
			ERR_NODE(rl, v, "cannot read payload file %s: %s", file, err.message);
		goto done;
	}
	vf->payload = arena_strndup(&rl->m->arena, data.data ? data.data : "", data.len);
	vf->payload_len = data.len;
done:
	free(norm);
	free(file);
	buf_release(&data);
	error_release(&err);
}

/* The flow names of integration g's definition; 0 when it has none or is not loaded. */
static size_t flow_names(const struct m_integration *g, const char ***out)
{
	const struct ynode *flows =
	    g && g->doc && g->doc->root ? ymap_get(g->doc->root, "flows") : NULL;
	*out = NULL;
	if (!flows || flows->kind != YNODE_SEQ)
		return 0;
	const char **names = xcalloc(flows->u.seq.nr + 1, sizeof(*names));
	size_t n = 0;
	for (size_t i = 0; i < flows->u.seq.nr; i++) {
		const struct ynode *f = flows->u.seq.items[i];
		const struct ynode *name = f->kind == YNODE_MAP ? ymap_get(f, "name") : NULL;
		if (name && name->kind == YNODE_SCALAR)
			names[n++] = name->u.scalar.value;
	}
	*out = names;
	return n;
}

static void parse_verify(struct rl *rl, const struct ynode *n, const struct m_integration *g,
                         struct m_verify *vf)
{
	static const char *const keys[] = {"flow", "payload", "contentType", "timeout"};
	vf->line = n->line;
	vf->col = n->col;
	vf->content_type = ROLLOUT_DEFAULT_CONTENT_TYPE;
	vf->timeout_ms = ROLLOUT_DEFAULT_TIMEOUT_MS;
	vf->payload = "";
	if (n->kind != YNODE_MAP) {
		ERR_NODE(rl, n, "a verify entry must be a mapping with 'flow', not %s",
		         ynode_describe(n));
		return;
	}
	known_keys(rl, n, "a verify entry", keys, ARRAY_SIZE(keys));
	const struct ynode *flow = ymap_get(n, "flow"), *payload = ymap_get(n, "payload");
	const struct ynode *ct = ymap_get(n, "contentType"), *timeout = ymap_get(n, "timeout");
	if (!flow)
		ERR_NODE(rl, n, "a verify entry needs 'flow'");
	else if ((vf->flow = string_of(rl, flow, "flow")) && g && g->doc) {
		const char **names;
		size_t nr = flow_names(g, &names);
		size_t i;
		for (i = 0; i < nr && strcmp(names[i], vf->flow); i++)
			;
		if (i == nr) {
			const char *near = nearest_word(vf->flow, names, nr);
			if (near)
				ERR_NODE(rl, flow,
				         "integration '%s' has no flow '%s'; did you mean '%s'?",
				         g->effective_name, vf->flow, near);
			else
				ERR_NODE(rl, flow, "integration '%s' has no flow '%s'",
				         g->effective_name, vf->flow);
		}
		free(names);
	}
	if (payload && (vf->payload_path = string_of(rl, payload, "payload")))
		load_payload(rl, payload, vf);
	if (ct) {
		const char *s = string_of(rl, ct, "contentType");
		if (s)
			vf->content_type = s;
	}
	if (timeout) {
		if (timeout->kind != YNODE_SCALAR ||
		    rollout_parse_duration(timeout->u.scalar.value, &vf->timeout_ms))
			ERR_NODE(
			    rl, timeout,
			    "'timeout' must be a duration such as 90s, 2m or 1h (at most 24h), "
			    "not %s",
			    timeout->kind == YNODE_SCALAR ? timeout->u.scalar.value
			                                  : ynode_describe(timeout));
	}
}

static bool in_list(const char *const *items, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(items[i], s))
			return true;
	return false;
}

/* Whether wave w names instance in explicitly (by customer or label). */
static bool wave_names(const struct manifest *m, const struct m_wave *w,
                       const struct m_instance *in)
{
	if (!in->customer)
		return false;
	if (in_list(w->customers, w->customers_nr, in->customer))
		return true;
	const struct m_customer *c = w->labels_nr ? manifest_find_customer(m, in->customer) : NULL;
	for (size_t i = 0; c && i < c->labels.nr; i++)
		if (in_list(w->labels, w->labels_nr, c->labels.items[i]))
			return true;
	return false;
}

long rollout_wave_of(const struct manifest *m, const struct m_rollout *r,
                     const struct m_instance *in)
{
	long all = -1;
	if (!in->integration || strcmp(in->integration, r->integration))
		return -1;
	for (size_t w = 0; w < r->waves_nr; w++) {
		if (r->waves[w].all && all < 0)
			all = (long)w;
		if (wave_names(m, &r->waves[w], in))
			return (long)w;
	}
	return all;
}

const struct m_rollout *rollout_find(const struct manifest *m, const char *integration)
{
	for (size_t i = 0; i < m->rollouts_nr; i++)
		if (m->rollouts[i].integration && !strcmp(m->rollouts[i].integration, integration))
			return &m->rollouts[i];
	return NULL;
}

/* Every instance in exactly one wave; every wave with at least one instance. */
static void check_waves(struct rl *rl, const struct m_rollout *r)
{
	const struct manifest *m = rl->m;
	size_t *count = xcalloc(r->waves_nr + 1, sizeof(*count));
	size_t stars = 0;
	for (size_t w = 0; w < r->waves_nr; w++) {
		const struct m_wave *wv = &r->waves[w];
		stars += wv->all;
		if (wv->all && stars == 2)
			err_at(rl, wv->customers_line, wv->customers_col,
			       "wave '%s' is the second wave with customers: \"*\"; only one wave "
			       "takes "
			       "the rest",
			       wv->name ? wv->name : "?");
		for (size_t v = 0; v < w; v++)
			if (wv->name && r->waves[v].name && !strcmp(wv->name, r->waves[v].name))
				err_at(rl, wv->line, wv->col, "two waves are called '%s'",
				       wv->name);
	}
	for (size_t i = 0; i < m->instances_nr; i++) {
		const struct m_instance *in = &m->instances[i];
		if (!in->integration || strcmp(in->integration, r->integration))
			continue;
		long first = -1;
		for (size_t w = 0; w < r->waves_nr; w++) {
			const struct m_wave *wv = &r->waves[w];
			if (!wave_names(m, wv, in))
				continue;
			if (first < 0) {
				first = (long)w;
				continue;
			}
			err_at(
			    rl, wv->customers_line, wv->customers_col,
			    "instance %s/%s is in wave '%s' and in wave '%s'; put each customer in "
			    "one wave",
			    in->customer, in->name, r->waves[first].name, wv->name);
		}
		long w = rollout_wave_of(m, r, in);
		if (w >= 0)
			count[w]++;
		else
			err_at(rl, r->line, r->col,
			       "instance %s/%s of '%s' is in no wave; add it to one, or end with a "
			       "wave with customers: \"*\"",
			       in->customer, in->name, r->integration);
	}
	for (size_t w = 0; w < r->waves_nr; w++) {
		const struct m_wave *wv = &r->waves[w];
		if (count[w] || !wv->name)
			continue;
		if (wv->all)
			err_at(
			    rl, wv->customers_line, wv->customers_col,
			    "wave '%s' selects no customer: the earlier waves already hold every "
			    "instance of '%s'",
			    wv->name, r->integration);
		else if (wv->labels_nr)
			err_at(
			    rl, wv->customers_line, wv->customers_col,
			    "wave '%s' selects no customer: no customer in the manifest with label "
			    "'%s'%s has an instance of '%s'",
			    wv->name, wv->labels[0],
			    wv->labels_nr > 1 ? " (or the others listed)" : "", r->integration);
		else
			err_at(rl, wv->customers_line, wv->customers_col,
			       "wave '%s' selects no customer: none of the customers listed has an "
			       "instance of '%s' in the manifest",
			       wv->name, r->integration);
	}
	free(count);
}

/*
 * The rollout's integration: one the manifest lists or has an instance of,
 * with one rollout at most. Returns the manifest's entry for it (NULL when
 * only instances name it, or on an error, which clears r->integration).
 */
static const struct m_integration *rollout_integration(struct rl *rl, const struct ynode *n,
                                                       const struct ynode *integ,
                                                       struct m_rollout *r)
{
	struct manifest *m = rl->m;
	const struct m_integration *g = NULL;
	if (!integ) {
		ERR_NODE(rl, n, "a rollout needs 'integration'");
	} else if ((r->integration = string_of(rl, integ, "integration"))) {
		g = manifest_find_integration(m, r->integration);
		bool referenced = false;
		for (size_t i = 0; i < m->instances_nr && !referenced; i++)
			referenced = m->instances[i].integration &&
			             !strcmp(m->instances[i].integration, r->integration);
		if (!g && !referenced) {
			const char **names = xcalloc(m->integrations_nr + 1, sizeof(*names));
			size_t nr = 0;
			for (size_t i = 0; i < m->integrations_nr; i++)
				if (m->integrations[i].effective_name)
					names[nr++] = m->integrations[i].effective_name;
			const char *near = nearest_word(r->integration, names, nr);
			if (near)
				ERR_NODE(
				    rl, integ,
				    "unknown integration '%s': the manifest neither lists it nor "
				    "has an instance of it; did you mean '%s'?",
				    r->integration, near);
			else
				ERR_NODE(
				    rl, integ,
				    "unknown integration '%s': the manifest neither lists it nor "
				    "has an instance of it",
				    r->integration);
			free(names);
			r->integration = NULL;
		}
		for (size_t i = 0; r->integration && &m->rollouts[i] < r; i++)
			if (m->rollouts[i].integration &&
			    !strcmp(m->rollouts[i].integration, r->integration))
				ERR_NODE(rl, integ, "a second rollout for integration '%s'",
				         r->integration);
	}
	return g;
}

static void parse_rollout(struct rl *rl, const struct ynode *n, struct m_rollout *r)
{
	static const char *const keys[] = {"integration", "waves", "verify", "onFailure"};
	struct manifest *m = rl->m;
	const struct m_integration *g = NULL;
	r->line = n->line;
	r->col = n->col;
	if (n->kind != YNODE_MAP) {
		ERR_NODE(rl, n,
		         "a rollout must be a mapping with 'integration' and 'waves', not %s",
		         ynode_describe(n));
		return;
	}
	known_keys(rl, n, "a rollout", keys, ARRAY_SIZE(keys));
	const struct ynode *integ = ymap_get(n, "integration"), *waves = ymap_get(n, "waves");
	const struct ynode *verify = ymap_get(n, "verify"), *onf = ymap_get(n, "onFailure");
	g = rollout_integration(rl, n, integ, r);
	if (!waves || waves->kind != YNODE_SEQ || !waves->u.seq.nr) {
		ERR_NODE(rl, waves ? waves : n,
		         "a rollout needs 'waves': a non-empty list of waves");
	} else {
		r->waves_nr = waves->u.seq.nr;
		r->waves = arena_alloc_array(&m->arena, r->waves_nr, sizeof(*r->waves));
		memset(r->waves, 0, r->waves_nr * sizeof(*r->waves));
		for (size_t i = 0; i < r->waves_nr; i++)
			parse_wave(rl, waves->u.seq.items[i], &r->waves[i]);
	}
	if (verify && verify->kind != YNODE_SEQ) {
		ERR_NODE(rl, verify, "'verify' must be a list of flows to test");
	} else if (verify) {
		r->verify_nr = verify->u.seq.nr;
		r->verify = arena_alloc_array(&m->arena, r->verify_nr + 1, sizeof(*r->verify));
		memset(r->verify, 0, (r->verify_nr + 1) * sizeof(*r->verify));
		for (size_t i = 0; i < r->verify_nr; i++)
			parse_verify(rl, verify->u.seq.items[i], g, &r->verify[i]);
	}
	r->on_failure = M_ON_FAILURE_STOP;
	if (onf) {
		if (onf->kind == YNODE_SCALAR && !strcmp(onf->u.scalar.value, "rollback"))
			r->on_failure = M_ON_FAILURE_ROLLBACK;
		else if (!(onf->kind == YNODE_SCALAR && !strcmp(onf->u.scalar.value, "stop")))
			ERR_NODE(rl, onf, "'onFailure' must be 'rollback' or 'stop'");
	}
	if (r->integration && r->waves_nr)
		check_waves(rl, r);
}

size_t rollouts_load(struct manifest *m, const struct ynode *node, struct source *src,
                     const char *file, struct diag_list *diags)
{
	struct rl rl = {m, src, file, diags, 0};
	if (!node)
		return 0;
	if (node->kind != YNODE_SEQ) {
		ERR_NODE(&rl, node, "'rollouts' must be a list of rollouts, not %s",
		         ynode_describe(node));
		return rl.errors;
	}
	m->rollouts_nr = node->u.seq.nr;
	m->rollouts = arena_alloc_array(&m->arena, m->rollouts_nr + 1, sizeof(*m->rollouts));
	memset(m->rollouts, 0, (m->rollouts_nr + 1) * sizeof(*m->rollouts));
	for (size_t i = 0; i < m->rollouts_nr; i++)
		parse_rollout(&rl, node->u.seq.items[i], &m->rollouts[i]);
	return rl.errors;
}
