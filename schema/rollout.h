/*
 * rollout.h - the manifest's `rollouts:`: how a new version of an
 * integration reaches its instances, wave by wave, and how each wave is
 * verified.
 *
 *     rollouts:
 *       - integration: Order Sync
 *         waves:
 *           - name: canary
 *             customers: {labels: [canary]}
 *           - name: everyone
 *             customers: "*"
 *         verify:
 *           - flow: New Order
 *             payload: tests/new-order.json
 *             contentType: application/json
 *             timeout: 120s
 *         onFailure: rollback
 *
 * A wave selects the manifest's instances of the integration whose customer
 * is listed (`customers: [acme, globex]`), carries one of the labels in the
 * manifest (`customers: {labels: [...]}`), or, for `customers: "*"`, every
 * instance no other wave selects. Every instance of the integration is in
 * exactly one wave.
 *
 * rollouts_load() is called by manifest_load() with the manifest's
 * customers, integrations (definitions loaded) and instances already
 * parsed; it reports every problem at its position and stores the result
 * in m->rollouts. Everything it allocates lives in the manifest's arena.
 */
#ifndef PRISMSYNC_ROLLOUT_H
#define PRISMSYNC_ROLLOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "../source/source.h"
#include "../util/diag.h"
#include "yaml_tree.h"

struct manifest;
struct m_instance;
struct mpos;

#define ROLLOUT_DEFAULT_TIMEOUT_MS   120000L
#define ROLLOUT_DEFAULT_CONTENT_TYPE "application/json"
#define ROLLOUT_PAYLOAD_MAX_BYTES    (1u * 1024 * 1024)

struct m_wave {
	const char *name;
	bool all;            /* customers: "*" */
	const char **labels; /* customers: {labels: [...]} */
	size_t labels_nr;
	const char **customers; /* customers: [externalId, ...] */
	size_t customers_nr;
	int line, col;                     /* the wave (list item) */
	int customers_line, customers_col; /* its customers: value */
};

struct m_verify {
	const char *flow;
	const char *payload_path; /* as written; NULL when absent */
	const char *payload;      /* the file's contents; "" when absent */
	size_t payload_len;
	const char *content_type; /* default ROLLOUT_DEFAULT_CONTENT_TYPE */
	long timeout_ms;          /* default ROLLOUT_DEFAULT_TIMEOUT_MS */
	int line, col;
};

enum m_on_failure { M_ON_FAILURE_STOP, M_ON_FAILURE_ROLLBACK };

struct m_rollout {
	const char *integration;
	struct m_wave *waves;
	size_t waves_nr;
	struct m_verify *verify;
	size_t verify_nr;
	enum m_on_failure on_failure; /* default stop */
	int line, col;
};

/*
 * Parses node (the value of `rollouts:`) into m->rollouts and checks it
 * against the rest of m. Returns the number of errors added to diags.
 */
size_t rollouts_load(struct manifest *m, const struct ynode *node, struct source *src,
                     const char *file, struct diag_list *diags);

/* The rollout of integration name, or NULL. Borrowed. */
const struct m_rollout *rollout_find(const struct manifest *m, const char *integration);

/* The wave (index into r->waves) that instance in belongs to; -1 for none. */
long rollout_wave_of(const struct manifest *m, const struct m_rollout *r,
                     const struct m_instance *in);

/* Parses a duration such as "90s", "2m", "1h", "500ms" or "120" (seconds). 0 or -1. */
int rollout_parse_duration(const char *s, long *ms);

#endif
