/*
 * plan_io.h - a plan as JSON: the writer and the reader of saved plans,
 * side by side, so the two cannot drift apart.
 *
 * The format is schema/plan.schema.json: `plan --format json` and `drift
 * --format json` write it without inputs; `plan --out` writes it with each
 * change's inputs (its "payload"), and `apply PLAN` reads that back.
 *
 * The reader trusts nothing in the file. It refuses anything apply could
 * misread: JSON that does not parse, or with bytes after it; a member of
 * the wrong type; an address that does not fit its type; an unknown type
 * or action; inputs that do not fit the change (an unknown member, a
 * missing one, an instance create whose inputs name another instance than
 * its address); a change that appears twice; a dependency on anything but
 * an earlier change; a change other than a create without the id of the
 * object it acts on, unless the plan creates that object first. Reading
 * takes time linear in the size of the plan (n log n for the lookups).
 *
 * Secrets never reach a saved plan: a sensitive value is an environment
 * variable's name ({"env": NAME}) in the inputs and "(sensitive)" in fields.
 */
#ifndef PRISMSYNC_PLAN_IO_H
#define PRISMSYNC_PLAN_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"
#include "plan.h"

/* What fields show for a value that came from the environment. */
#define PLAN_SENSITIVE "(sensitive)"

struct plan_json_opts {
	bool drift;              /* "kind": "drift" rather than "plan" */
	bool with_inputs;        /* saved plans: each change's "payload" */
	const char *fingerprint; /* drift: of the set of differences; NULL: none */
	/* May be NULL: appends more members (",\"name\":...") at the end of the document. */
	void (*more)(const struct plan *p, struct buf *out);
};

/* Appends the JSON document of p, and a newline, to out. */
void plan_write_json(const struct plan *p, const struct plan_json_opts *o, struct buf *out);

/* The JSON text of s (null for NULL), as plan fields hold values. A new string. */
char *plan_json_str(const char *s);

/* The JSON text of a list of n strings. A new string. */
char *plan_json_str_list(const char *const *items, size_t n);

/* Where a published version came from, recorded as the publish's attributes. */
struct plan_provenance {
	const char *manifest;
	const char *owner;
	const char *commit;   /* NULL: not known */
	const char *repo_url; /* NULL: not known */
	bool dirty;
};

/* The JSON text of pv, as a publish sends it (a JSONString). A new string. */
char *plan_provenance_json(const struct plan_provenance *pv);

/* Appends change c's inputs as the JSON object saved plans carry as "payload". */
void plan_write_inputs(const struct plan_change *c, struct buf *out);

/*
 * Parses len bytes of JSON named path (for messages) into p, which the
 * caller initialised; p is replaced only on success. Returns 0, or
 * ERR_PARSE / ERR_INVALID with a message naming the file and the change.
 */
int plan_read(struct plan *p, const char *path, const char *text, size_t len, struct error *err);

#endif
