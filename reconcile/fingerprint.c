#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/sha256.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* ---- fingerprints ---- */

static void hash_str(struct sha256 *h, const char *s)
{
	if (s)
		sha256_update(h, s, strlen(s) + 1);
	else
		sha256_update(h, "\xff", 1);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void hash_labels(struct sha256 *h, const char *const *labels, size_t n)
{
	const char **sorted = xcalloc(n + 1, sizeof(*sorted));
	memcpy(sorted, labels, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	for (size_t i = 0; i < n; i++)
		hash_str(h, sorted[i]);
	hash_str(h, NULL);
	free(sorted);
}

static void finish_hex(struct sha256 *h, char hex[65])
{
	unsigned char digest[32];
	static const char digits[] = "0123456789abcdef";
	sha256_final(h, digest);
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[64] = '\0';
}

/* Starts the hash of a live object: its kind and its id. */
static void hash_start(struct sha256 *h, const char *kind, const char *id)
{
	sha256_init(h);
	hash_str(h, kind);
	hash_str(h, id);
}

/* The fields every kind of live object has, hashed in the same order for all. */
static void hash_common(struct sha256 *h, const char *name, const char *description,
                        const char *const *labels, size_t labels_nr)
{
	hash_str(h, name);
	hash_str(h, description);
	hash_labels(h, labels, labels_nr);
}

void live_fingerprint_customer(const struct live_customer *c, char hex[65])
{
	struct sha256 h;
	hash_start(&h, "customer", c->id);
	hash_str(&h, c->external_id);
	hash_common(&h, c->name, c->description, c->labels, c->labels_nr);
	finish_hex(&h, hex);
}

void live_fingerprint_integration(const struct live_integration *g, char hex[65])
{
	struct sha256 h;
	char num[32];
	hash_start(&h, "integration", g->id);
	hash_common(&h, g->name, g->description, g->labels, g->labels_nr);
	snprintf(num, sizeof(num), "%d/%d/%d", g->draft_version_number,
	         g->latest ? g->latest->number : 0, g->is_code_native);
	hash_str(&h, num);
	/* Definitions are not read for every integration: when the draft last changed stands for
	 * them. */
	hash_str(&h, g->updated_at);
	finish_hex(&h, hex);
}

static int cmp_config(const void *a, const void *b)
{
	return strcmp(((const struct live_config_var *)a)->key,
	              ((const struct live_config_var *)b)->key);
}

void live_fingerprint_instance(const struct live_instance *in, char hex[65])
{
	struct sha256 h;
	char num[64];
	hash_start(&h, "instance", in->id);
	hash_common(&h, in->name, in->description, in->labels, in->labels_nr);
	hash_str(&h, in->customer_id);
	hash_str(&h, in->version_id);
	snprintf(num, sizeof(num), "%d/%d/%d/%d", in->enabled, in->needs_deploy,
	         in->has_deployed_version, in->has_deployed_version ? in->deployed_version : 0);
	hash_str(&h, num);
	struct live_config_var *cfg = xcalloc(in->config_nr + 1, sizeof(*cfg));
	memcpy(cfg, in->config, in->config_nr * sizeof(*cfg));
	qsort(cfg, in->config_nr, sizeof(*cfg), cmp_config);
	for (size_t i = 0; i < in->config_nr; i++) {
		hash_str(&h, cfg[i].key);
		hash_str(&h, cfg[i].value);
		hash_str(&h, cfg[i].status);
		hash_str(&h, cfg[i].time_zone);
		hash_str(&h, cfg[i].customer_var_id);
		for (size_t k = 0; k < cfg[i].inputs_nr; k++) {
			hash_str(&h, cfg[i].inputs[k].name);
			hash_str(&h, cfg[i].inputs[k].value);
			hash_str(&h, cfg[i].inputs[k].has_value ? "set" : "unset");
		}
	}
	free(cfg);
	finish_hex(&h, hex);
}

void plan_fingerprint(const struct plan *p, char hex[65])
{
	char **lines = xcalloc(p->nr + 1, sizeof(*lines));
	for (size_t i = 0; i < p->nr; i++) {
		const struct plan_change *c = &p->changes[i];
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s#%s", c->address, plan_action_name(c->action));
		for (size_t f = 0; f < c->fields_nr; f++) {
			const struct plan_field *fl = &c->fields[f];
			buf_addf(&b, "\n%s=", fl->name);
			if (fl->sensitive)
				buf_adds(&b, "(sensitive)");
			else
				buf_addf(&b, "%s>%s", fl->before ? fl->before : "~",
				         fl->after ? fl->after : "~");
		}
		lines[i] = buf_detach(&b, NULL);
	}
	qsort(lines, p->nr, sizeof(*lines), cmp_str);
	struct sha256 h;
	sha256_init(&h);
	for (size_t i = 0; i < p->nr; i++) {
		hash_str(&h, lines[i]);
		free(lines[i]);
	}
	free(lines);
	finish_hex(&h, hex);
}
