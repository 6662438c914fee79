#include "diff_internal.h"

#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "../util/banned.h"

/* ---- customers ---- */

void diff_customer(struct differ *d, size_t idx)
{
	const struct m_customer *mc = &d->m->customers[idx];
	const struct live_customer *lc = live_customer_by_external_id(d->live, mc->external_id);
	char *addr = xasprintf("customer.%s", mc->external_id);
	size_t nl;
	bool manages = mc->has_labels && !(lc && manifest_ignores(&mc->ignore, "labels"));
	const char **labels =
	    diff_desired_labels(d, mc->labels.items, mc->labels.nr, manages, lc ? lc->labels : NULL,
	                        lc ? lc->labels_nr : 0, &nl);

	if (!lc) {
		for (size_t i = 0; i < d->live->customers_nr; i++) {
			const struct live_customer *other = &d->live->customers[i];
			if (!strcmp(other->name, mc->name))
				diff_error_at(
				    d, mc->pos,
				    "customer name '%s' is already taken by the customer with "
				    "externalId '%s'; customer names are unique in an organization",
				    mc->name, other->external_id ? other->external_id : "(none)");
		}
		size_t c = plan_add(d->p, RES_CUSTOMER, PA_CREATE, addr);
		d->customer_create[idx] = c;
		diff_field_str(d, c, "externalId", NULL, mc->external_id);
		diff_field_str(d, c, "name", NULL, mc->name);
		if (mc->description)
			diff_field_str(d, c, "description", NULL, mc->description);
		diff_field_labels(d, c, NULL, 0, false, labels, nl);
		struct plan_customer_in *in = &d->p->changes[c].in.customer;
		in->external_id = plan_strdup(mc->external_id);
		in->name = plan_strdup(mc->name);
		in->description = plan_strdup(mc->description);
		plan_labels_set(&in->labels, labels, nl);
		goto done;
	}

	bool name = strcmp(lc->name, mc->name) != 0;
	bool desc = mc->description && !manifest_ignores(&mc->ignore, "description") &&
	            !diff_str_eq(lc->description, mc->description);
	bool lab = !diff_labels_same_set(lc->labels, lc->labels_nr, labels, nl);
	if (!name && !desc && !lab)
		goto done;
	size_t c = plan_add(d->p, RES_CUSTOMER, PA_UPDATE, addr);
	char fp[65];
	live_fingerprint_customer(lc, fp);
	plan_set_live(d->p, c, lc->id, fp);
	struct plan_customer_in *in = &d->p->changes[c].in.customer;
	if (name)
		diff_update_str(d, c, "name", lc->name, mc->name, &in->name);
	if (desc)
		diff_update_str(d, c, "description", lc->description, mc->description,
		                &in->description);
	if (lab)
		diff_update_labels(d, c, lc->labels, lc->labels_nr, labels, nl, &in->labels);
done:
	free(labels);
	free(addr);
}
