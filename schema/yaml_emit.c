#include "yaml_emit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "../util/xalloc.h"
#include "../util/banned.h"

struct emitter {
	yaml_emitter_t y;
	struct buf *out;
	int write_error;
	struct error *err;
};

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	struct emitter *e = data;
	if (buf_add(e->out, buffer, size)) {
		e->write_error = ERR_TOO_LARGE;
		return 0;
	}
	return 1;
}

static int emit(struct emitter *e, yaml_event_t *ev)
{
	if (yaml_emitter_emit(&e->y, ev))
		return 0;
	if (e->write_error)
		return error_set(e->err, e->write_error, "YAML output exceeds its size limit");
	return error_set(e->err, ERR_INVALID, "cannot write YAML: %s",
	                 e->y.problem ? e->y.problem : "unknown problem");
}

/* Whether s, written plain, would be read back as something other than this string. */
static bool needs_quotes(const char *s, size_t len)
{
	struct ynode probe = {.kind = YNODE_SCALAR};
	probe.u.scalar.value = s;
	probe.u.scalar.len = len;
	probe.style = YSTYLE_PLAIN;
	return len == 0 || yscalar_type(&probe) != YTYPE_STR;
}

static int emit_string(struct emitter *e, const char *s, size_t len, yaml_scalar_style_t style)
{
	yaml_event_t ev;
	if (style == YAML_ANY_SCALAR_STYLE && needs_quotes(s, len))
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	if (style == YAML_ANY_SCALAR_STYLE && strchr(s, '\n'))
		style = YAML_LITERAL_SCALAR_STYLE;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, 1, 1, style);
	return emit(e, &ev);
}

static yaml_scalar_style_t libyaml_style(const struct ynode *n)
{
	switch (n->style) {
	case YSTYLE_SINGLE_QUOTED:
		return YAML_SINGLE_QUOTED_SCALAR_STYLE;
	case YSTYLE_DOUBLE_QUOTED:
		return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	case YSTYLE_LITERAL:
		return YAML_LITERAL_SCALAR_STYLE;
	case YSTYLE_FOLDED:
		return YAML_FOLDED_SCALAR_STYLE;
	default:
		return YAML_PLAIN_SCALAR_STYLE;
	}
}

static int emit_node(struct emitter *e, const struct ynode *n);

static int emit_override(struct emitter *e, const struct yemit_override *ov)
{
	yaml_event_t ev;
	int rc;
	if (ov->kind == YEMIT_STRING)
		return emit_string(e, ov->str, strlen(ov->str), YAML_ANY_SCALAR_STYLE);
	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_FLOW_SEQUENCE_STYLE);
	if ((rc = emit(e, &ev)))
		return rc;
	for (size_t i = 0; i < ov->nr; i++)
		if ((rc =
		         emit_string(e, ov->items[i], strlen(ov->items[i]), YAML_ANY_SCALAR_STYLE)))
			return rc;
	yaml_sequence_end_event_initialize(&ev);
	return emit(e, &ev);
}

static int emit_mapping(struct emitter *e, const struct ynode *n, const struct yemit_override *ov,
                        size_t nov)
{
	yaml_event_t ev;
	int rc;
	bool *used = nov ? xcalloc(nov, sizeof(*used)) : NULL;
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	if ((rc = emit(e, &ev)))
		goto done;
	for (size_t i = 0; i < n->u.map.nr; i++) {
		const struct ynode *k = n->u.map.pairs[i].key;
		size_t o = 0;
		while (o < nov && strcmp(ov[o].key, k->u.scalar.value))
			o++;
		if ((rc = emit_node(e, k)))
			goto done;
		if (o < nov) {
			used[o] = true;
			rc = emit_override(e, &ov[o]);
		} else {
			rc = emit_node(e, n->u.map.pairs[i].value);
		}
		if (rc)
			goto done;
	}
	for (size_t o = 0; o < nov; o++) {
		if (used[o])
			continue;
		if ((rc = emit_string(e, ov[o].key, strlen(ov[o].key), YAML_ANY_SCALAR_STYLE)) ||
		    (rc = emit_override(e, &ov[o])))
			goto done;
	}
	yaml_mapping_end_event_initialize(&ev);
	rc = emit(e, &ev);
done:
	free(used);
	return rc;
}

static int emit_node(struct emitter *e, const struct ynode *n)
{
	yaml_event_t ev;
	int rc;
	switch (n->kind) {
	case YNODE_SCALAR: {
		yaml_scalar_style_t style = libyaml_style(n);
		if (style == YAML_PLAIN_SCALAR_STYLE)
			style = YAML_ANY_SCALAR_STYLE;
		if (yscalar_type(n) != YTYPE_STR && n->style == YSTYLE_PLAIN) {
			/* A plain null, boolean or number stays plain. */
			yaml_scalar_event_initialize(
			    &ev, NULL, NULL, (yaml_char_t *)n->u.scalar.value, (int)n->u.scalar.len,
			    1, 1, YAML_PLAIN_SCALAR_STYLE);
			return emit(e, &ev);
		}
		return emit_string(e, n->u.scalar.value, n->u.scalar.len, style);
	}
	case YNODE_SEQ:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
		if ((rc = emit(e, &ev)))
			return rc;
		for (size_t i = 0; i < n->u.seq.nr; i++)
			if ((rc = emit_node(e, n->u.seq.items[i])))
				return rc;
		yaml_sequence_end_event_initialize(&ev);
		return emit(e, &ev);
	case YNODE_MAP:
		return emit_mapping(e, n, NULL, 0);
	}
	return 0;
}

int ydoc_emit(const struct ynode *root, const struct yemit_override *overrides, size_t nr,
              struct buf *out, struct error *err)
{
	struct emitter e = {.out = out, .err = err};
	yaml_event_t ev;
	int rc;

	if (nr && (!root || root->kind != YNODE_MAP))
		return error_set(err, ERR_INVALID, "overrides need a mapping at the top level");
	if (!yaml_emitter_initialize(&e.y))
		return error_set(err, ERR_INVALID, "cannot start the YAML writer");
	yaml_emitter_set_output(&e.y, write_handler, &e);
	yaml_emitter_set_unicode(&e.y, 1);
	yaml_emitter_set_width(&e.y, -1);
	yaml_emitter_set_indent(&e.y, 2);

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if ((rc = emit(&e, &ev)))
		goto done;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	if ((rc = emit(&e, &ev)))
		goto done;
	if (!root) {
		yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)"", 0, 1, 1,
		                             YAML_PLAIN_SCALAR_STYLE);
		rc = emit(&e, &ev);
	} else if (root->kind == YNODE_MAP) {
		rc = emit_mapping(&e, root, overrides, nr);
	} else {
		rc = emit_node(&e, root);
	}
	if (rc)
		goto done;
	yaml_document_end_event_initialize(&ev, 1);
	if ((rc = emit(&e, &ev)))
		goto done;
	yaml_stream_end_event_initialize(&ev);
	rc = emit(&e, &ev);
done:
	yaml_emitter_delete(&e.y);
	return rc;
}
