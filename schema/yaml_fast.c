#include "yaml_fast.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yaml_tree.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/*
 * The reader works line by line. After each node it stands on the first
 * character of the next line with content (comments and blank lines
 * skipped), whose column is in `col` (-1 at the end of the text); the
 * enclosing collections decide from that column whether they continue,
 * end, or whether libyaml must judge the text. `indent` arguments are
 * libyaml's: the column of the innermost block collection, -1 at the root.
 */
struct reader {
	const char *t;
	size_t len;
	size_t p;   /* current byte */
	size_t bol; /* first byte of the current line */
	int line;   /* 0-based */
	int col;    /* column of the next content, -1 at the end */
	int depth;
	struct yfast *out;
	bool ascii; /* no byte above 0x7f: a column is a byte count */
};

#define DECLINE (-1)

enum where { LINE_START, AFTER_DASH, AFTER_COLON };

void yfast_init(struct yfast *f)
{
	f->ev = NULL;
	f->nr = f->alloc = 0;
	buf_init(&f->scratch, 0);
}

void yfast_release(struct yfast *f)
{
	free(f->ev);
	f->ev = NULL;
	f->nr = f->alloc = 0;
	buf_release(&f->scratch);
}

const char *yfast_value(const struct yfast *f, const char *text, const struct yfast_event *e)
{
	return e->in_scratch ? f->scratch.data + e->off : text + e->off;
}

static inline int at(const struct reader *r, size_t i)
{
	return i < r->len ? (unsigned char)r->t[i] : -1;
}

/* libyaml's IS_BLANKZ for the characters the reader lets through: space, tab, break, end. */
static inline bool blankz(const struct reader *r, size_t i)
{
	int c = at(r, i);
	return c == ' ' || c == '\t' || c == '\n' || c < 0;
}

/* Column, in characters, of byte off on the current line. */
static int col_at(const struct reader *r, size_t off)
{
	if (r->ascii)
		return (int)(off - r->bol);
	int c = 0;
	for (size_t i = r->bol; i < off; i++)
		c += ((unsigned char)r->t[i] & 0xc0) != 0x80;
	return c;
}

static struct yfast_event *emit(struct reader *r, enum yfast_kind kind, int line, int col)
{
	ALLOC_GROW(r->out->ev, r->out->nr + 1, r->out->alloc);
	struct yfast_event *e = &r->out->ev[r->out->nr++];
	memset(e, 0, sizeof(*e));
	e->kind = (unsigned char)kind;
	e->line = line;
	e->col = col;
	return e;
}

/* Whether 8 bytes are all printable ASCII: no byte above 0x7e or below 0x20. */
static inline bool printable_ascii8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t w, del;
	memcpy(&w, p, 8);
	del = w ^ (ones * 0x7f);
	/* No high bit; then no byte below 0x20 and no byte equal to 0x7f. */
	return !(w & highs) && !((w - ones * 0x20) & ~w & highs) && !((del - ones) & ~del & highs);
}

/*
 * Every character is one libyaml reads without complaint and without
 * treating it as a line break or byte order mark: no carriage return, no
 * control character, no NEL, LS, PS or U+FEFF, no surrogate, noncharacter
 * U+FFFE/U+FFFF, overlong or out-of-range sequence.
 */
static bool plain_text(const unsigned char *p, size_t len, bool *ascii)
{
	size_t i = 0, bytewise_until = 0;
	*ascii = true;
	while (i < len) {
		/* Most of a text is printable ASCII: look at it eight bytes at a time. */
		if (i >= bytewise_until && len - i >= 8) {
			if (printable_ascii8(p + i)) {
				i += 8;
				continue;
			}
			bytewise_until = i + 8;
		}
		unsigned char c = p[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				return false;
			i++;
			continue;
		}
		uint32_t v;
		size_t n;
		*ascii = false;
		if (c >= 0xc2 && c < 0xe0) {
			n = 2;
			v = c & 0x1f;
		} else if (c >= 0xe0 && c < 0xf0) {
			n = 3;
			v = c & 0x0f;
		} else if (c >= 0xf0 && c < 0xf5) {
			n = 4;
			v = c & 0x07;
		} else {
			return false;
		}
		if (len - i < n)
			return false;
		for (size_t k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			v = (v << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)))
			return false;
		if (v < 0xa0 || (v >= 0xd800 && v <= 0xdfff) || v == 0x2028 || v == 0x2029 ||
		    v == 0xfeff || v == 0xfffe || v == 0xffff)
			return false;
		i += n;
	}
	return true;
}

/* Moves to the start of the next line (or the end of the text). */
static void next_line(struct reader *r)
{
	const char *nl = memchr(r->t + r->p, '\n', r->len - r->p);
	r->p = nl ? (size_t)(nl - r->t) + 1 : r->len;
	if (nl)
		r->line++;
	r->bol = r->p;
}

/* Whether a document marker, "---" or "...", starts at byte i (at column 0). */
static bool marker_at(const struct reader *r, size_t i)
{
	int c = at(r, i);
	return i == r->bol && (c == '-' || c == '.') && r->len - i >= 3 && r->t[i + 1] == c &&
	       r->t[i + 2] == c && blankz(r, i + 3);
}

/*
 * From the start of a line, finds the next line with content other than a
 * comment and stands on its first character. Declines on a tab before it
 * and, unless markers_ok, on a document marker ("---" or "..." at column 0).
 */
static int skip_to_content(struct reader *r, bool markers_ok)
{
	for (;;) {
		size_t i = r->p;
		while (i < r->len && r->t[i] == ' ')
			i++;
		if (i >= r->len) {
			r->p = r->len;
			r->col = -1;
			return 0;
		}
		char c = r->t[i];
		if (c == '\n' || c == '#') {
			r->p = i;
			next_line(r);
			continue;
		}
		if (c == '\t')
			return DECLINE;
		if (!markers_ok && marker_at(r, i))
			return DECLINE;
		r->p = i;
		r->col = (int)(i - r->bol);
		return 0;
	}
}

static int next_content(struct reader *r)
{
	return skip_to_content(r, false);
}

/* At a comment, a line break or the end: moves to the next content. */
static int skip_rest(struct reader *r)
{
	next_line(r);
	return next_content(r);
}

/*
 * After a node's last character on its line: only spaces and a comment
 * (after a space) may follow. Then moves to the next content.
 */
static int finish_line(struct reader *r)
{
	size_t i = r->p;
	while (i < r->len && r->t[i] == ' ')
		i++;
	if (i < r->len && r->t[i] != '\n') {
		if (r->t[i] != '#' || i == r->p)
			return DECLINE;
	}
	r->p = i;
	next_line(r);
	return next_content(r);
}

static void add_utf8(struct buf *b, uint32_t v)
{
	char s[4];
	size_t n;
	if (v < 0x80) {
		s[0] = (char)v;
		n = 1;
	} else if (v < 0x800) {
		s[0] = (char)(0xc0 | (v >> 6));
		s[1] = (char)(0x80 | (v & 0x3f));
		n = 2;
	} else if (v < 0x10000) {
		s[0] = (char)(0xe0 | (v >> 12));
		s[1] = (char)(0x80 | ((v >> 6) & 0x3f));
		s[2] = (char)(0x80 | (v & 0x3f));
		n = 3;
	} else {
		s[0] = (char)(0xf0 | (v >> 18));
		s[1] = (char)(0x80 | ((v >> 12) & 0x3f));
		s[2] = (char)(0x80 | ((v >> 6) & 0x3f));
		s[3] = (char)(0x80 | (v & 0x3f));
		n = 4;
	}
	buf_add(b, s, n);
}

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes one escape of a double-quoted scalar at r->p (the backslash) into b. */
static int escape(struct reader *r, struct buf *b)
{
	static const char simple_from[] = "0abt\tnvfre \"/\\";
	static const char simple_to[] = "\0\a\b\t\t\n\v\f\r\x1b \"/\\";
	int c = at(r, r->p + 1);
	const char *s = c > 0 ? strchr(simple_from, c) : NULL;
	if (s) {
		buf_addch(b, simple_to[s - simple_from]);
		r->p += 2;
		return 0;
	}
	switch (c) {
	case 'N':
		buf_adds(b, "\xc2\x85");
		break;
	case '_':
		buf_adds(b, "\xc2\xa0");
		break;
	case 'L':
		buf_adds(b, "\xe2\x80\xa8");
		break;
	case 'P':
		buf_adds(b, "\xe2\x80\xa9");
		break;
	case 'x':
	case 'u':
	case 'U': {
		size_t n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
		uint32_t v = 0;
		for (size_t k = 0; k < n; k++) {
			int d = hex_digit(at(r, r->p + 2 + k));
			if (d < 0)
				return DECLINE;
			v = (v << 4) | (uint32_t)d;
		}
		if ((v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
			return DECLINE;
		add_utf8(b, v);
		r->p += 2 + n;
		return 0;
	}
	default:
		return DECLINE;
	}
	r->p += 2;
	return 0;
}

/*
 * A quoted scalar that closes on its own line, at r->p (the quote). Its
 * value is a slice of the text unless it has escapes (or '' in single
 * quotes); then it is decoded into the scratch buffer. r->p ends after the
 * closing quote.
 */
static int quoted(struct reader *r, struct yfast_event *e)
{
	char q = r->t[r->p];
	size_t start = ++r->p;
	struct buf *b = &r->out->scratch;
	size_t boff = 0;
	bool copying = false;

	static const bool dstop[256] = {['"'] = true, ['\n'] = true, ['\\'] = true};
	static const bool sstop[256] = {['\''] = true, ['\n'] = true};
	const bool *stop = q == '"' ? dstop : sstop;

	e->style = q == '"' ? YFAST_DOUBLE : YFAST_SINGLE;
	for (;;) {
		size_t i = r->p;
		while (i < r->len && !stop[(unsigned char)r->t[i]])
			i++;
		if (i >= r->len || r->t[i] == '\n')
			return DECLINE;
		if (copying)
			buf_add(b, r->t + r->p, i - r->p);
		r->p = i;
		bool doubled = q == '\'' && at(r, i + 1) == '\'';
		if (r->t[i] == q && !doubled)
			break;
		if (!copying) {
			copying = true;
			boff = b->len;
			buf_add(b, r->t + start, i - start);
		}
		if (doubled) {
			buf_addch(b, '\'');
			r->p += 2;
		} else if (escape(r, b) < 0) {
			return DECLINE;
		}
	}
	if (copying) {
		e->in_scratch = true;
		e->off = boff;
		e->len = b->len - boff;
	} else {
		e->off = start;
		e->len = r->p - start;
	}
	r->p++;
	return 0;
}

/* Whether libyaml would start a plain scalar at byte i (block context). */
static bool plain_start(const struct reader *r, size_t i)
{
	int c = at(r, i);
	if (c < 0 || strchr(" \t\n,[]{}#&*!|>'\"%@`", c))
		return false;
	if (c == '-' || c == '?' || c == ':')
		return !blankz(r, i + 1);
	return true;
}

/*
 * A plain scalar at r->p that ends on its line: at ": ", at " #" or at the
 * end of the line, without its trailing spaces. r->p ends after its last
 * character. Declines on a tab.
 */
static int plain(struct reader *r, struct yfast_event *e)
{
	/* The bytes a plain scalar's line must be looked at for. */
	static const bool stop[256] = {['\n'] = true, ['\t'] = true, [' '] = true, [':'] = true};
	size_t i = r->p, end = r->p;
	e->style = YFAST_PLAIN;
	for (;;) {
		size_t run = i;
		while (i < r->len && !stop[(unsigned char)r->t[i]])
			i++;
		if (i > run)
			end = i;
		int c = at(r, i);
		if (c < 0 || c == '\n')
			break;
		if (c == ':') {
			if (blankz(r, i + 1))
				break;
			end = ++i;
			continue;
		}
		if (c == '\t')
			return DECLINE;
		size_t j = i;
		while (j < r->len && r->t[j] == ' ')
			j++;
		if (at(r, j) == '#')
			break;
		i = j;
	}
	e->off = r->p;
	e->len = end - r->p;
	r->p = end;
	return 0;
}

/* A plain or quoted scalar at r->p, not yet added to the events; r->p ends after it. */
static int scalar(struct reader *r, struct yfast_event *e)
{
	memset(e, 0, sizeof(*e));
	e->kind = YFAST_SCALAR;
	e->line = r->line;
	e->col = col_at(r, r->p);
	int c = at(r, r->p);
	if (c == '"' || c == '\'')
		return quoted(r, e);
	if (!plain_start(r, r->p))
		return DECLINE;
	return plain(r, e);
}

static void add_breaks(struct buf *b, size_t n)
{
	if (n)
		buf_addchn(b, '\n', n);
}

/*
 * Eats the indentation and empty lines in front of a block scalar's next
 * line, as libyaml's yaml_parser_scan_block_scalar_breaks() does; counts
 * the line breaks in *breaks. *colp is the column reached.
 */
static int block_breaks(struct reader *r, int indent, int *max_indent, size_t *breaks, int *colp)
{
	for (;;) {
		int col = 0;
		while ((!indent || col < indent) && at(r, r->p) == ' ') {
			r->p++;
			col++;
		}
		if (col > *max_indent)
			*max_indent = col;
		if ((!indent || col < indent) && at(r, r->p) == '\t')
			return DECLINE;
		*colp = col;
		if (at(r, r->p) != '\n')
			return 0;
		(*breaks)++;
		r->p++;
		r->line++;
		r->bol = r->p;
	}
}

/*
 * A literal (|) or folded (>) block scalar at r->p, the indicator, with an
 * optional chomping indicator; its content is read as libyaml reads it.
 */
static int block_scalar(struct reader *r, int parent_indent)
{
	struct buf *b = &r->out->scratch;
	struct yfast_event *e = emit(r, YFAST_SCALAR, r->line, col_at(r, r->p));
	size_t ev = r->out->nr - 1;
	bool literal = r->t[r->p] == '|';
	int chomp = 0;
	size_t i = r->p + 1;

	if (at(r, i) == '-' || at(r, i) == '+')
		chomp = r->t[i++] == '-' ? -1 : 1;
	size_t header_end = i;
	while (at(r, i) == ' ')
		i++;
	if (at(r, i) == '#' && i > header_end)
		while (i < r->len && r->t[i] != '\n')
			i++;
	if (at(r, i) >= 0 && at(r, i) != '\n')
		return DECLINE;
	e->style = literal ? YFAST_LITERAL : YFAST_FOLDED;
	e->in_scratch = true;
	e->off = b->len;
	r->p = i;
	next_line(r);

	int indent = 0, max_indent = 0, col = 0;
	size_t trailing = 0;
	bool leading_break = false, leading_blank = false;
	if (block_breaks(r, indent, &max_indent, &trailing, &col) < 0)
		return DECLINE;
	indent = max_indent;
	if (indent < parent_indent + 1)
		indent = parent_indent + 1;
	if (indent < 1)
		indent = 1;
	while (col == indent && r->p < r->len) {
		int c = r->t[r->p];
		bool trailing_blank = c == ' ' || c == '\t';
		if (!literal && leading_break && !leading_blank && !trailing_blank) {
			if (!trailing)
				buf_addch(b, ' ');
		} else if (leading_break) {
			buf_addch(b, '\n');
		}
		leading_break = false;
		add_breaks(b, trailing);
		trailing = 0;
		leading_blank = trailing_blank;
		const char *nl = memchr(r->t + r->p, '\n', r->len - r->p);
		size_t end = nl ? (size_t)(nl - r->t) : r->len;
		buf_add(b, r->t + r->p, end - r->p);
		r->p = end;
		if (nl) {
			leading_break = true;
			r->p++;
			r->line++;
			r->bol = r->p;
		}
		if (block_breaks(r, indent, &max_indent, &trailing, &col) < 0)
			return DECLINE;
	}
	if (chomp != -1 && leading_break)
		buf_addch(b, '\n');
	if (chomp == 1)
		add_breaks(b, trailing);
	e = &r->out->ev[ev];
	e->len = b->len - e->off;
	if (r->p >= r->len) {
		r->col = -1;
		return 0;
	}
	r->p = r->bol;
	return next_content(r);
}

static int node(struct reader *r, int indent, enum where where);

/* Opens a collection; libyaml's own depth is not the limit, the tree's is. */
static int enter(struct reader *r)
{
	return ++r->depth > YDOC_MAX_DEPTH ? DECLINE : 0;
}

/* An empty plain scalar (a missing value) at a mark after an indicator. */
static void empty_scalar(struct reader *r, int line, int col)
{
	struct yfast_event *e = emit(r, YFAST_SCALAR, line, col);
	e->style = YFAST_PLAIN;
}

/*
 * A block sequence whose first "-" is at r->p, column c. An indentless one
 * (a mapping's value at the mapping's own column) ends at the first line at
 * that column that is not an entry.
 */
static int block_seq(struct reader *r, int c, bool indentless)
{
	if (enter(r) < 0)
		return DECLINE;
	emit(r, YFAST_SEQ_START, r->line, c);
	for (;;) {
		int dash_line = r->line;
		r->p++;
		while (at(r, r->p) == ' ')
			r->p++;
		int ch = at(r, r->p);
		if (ch < 0 || ch == '\n' || ch == '#') {
			if (skip_rest(r) < 0)
				return DECLINE;
			if (r->col > c) {
				if (node(r, c, LINE_START) < 0)
					return DECLINE;
			} else {
				empty_scalar(r, dash_line, c + 1);
			}
		} else if (ch == '\t') {
			return DECLINE;
		} else if (node(r, c, AFTER_DASH) < 0) {
			return DECLINE;
		}
		if (r->col > c)
			return DECLINE;
		if (r->col < c)
			break;
		if (r->t[r->p] == '-' && blankz(r, r->p + 1))
			continue;
		if (!indentless)
			return DECLINE;
		break;
	}
	emit(r, YFAST_END, 0, 0);
	r->depth--;
	return 0;
}

/* A mapping's value, r->p just after the ':' at column colon_col of key_line. */
static int map_value(struct reader *r, int c, int key_line, int colon_col)
{
	while (at(r, r->p) == ' ')
		r->p++;
	int ch = at(r, r->p);
	if (ch == '\t')
		return DECLINE;
	if (ch >= 0 && ch != '\n' && ch != '#')
		return node(r, c, AFTER_COLON);
	if (skip_rest(r) < 0)
		return DECLINE;
	if (r->col > c)
		return node(r, c, LINE_START);
	if (r->col == c && r->t[r->p] == '-' && blankz(r, r->p + 1))
		return block_seq(r, c, true);
	empty_scalar(r, key_line, colon_col + 1);
	return 0;
}

/* Whether a ':' that makes the scalar before it a key follows, after spaces. */
static bool key_colon(struct reader *r)
{
	size_t i = r->p;
	while (at(r, i) == ' ')
		i++;
	if (at(r, i) != ':' || !blankz(r, i + 1))
		return false;
	r->p = i;
	return true;
}

/*
 * A block mapping at column c whose first key has been read into *key;
 * r->p is at the ':' after it.
 */
static int block_map(struct reader *r, int c, struct yfast_event *key, size_t key_start)
{
	if (enter(r) < 0)
		return DECLINE;
	emit(r, YFAST_MAP_START, key->line, key->col);
	for (;;) {
		/* libyaml forgets a possible key more than 1024 characters before its ':'. */
		if (r->p - key_start > 1000)
			return DECLINE;
		*emit(r, YFAST_SCALAR, 0, 0) = *key;
		int colon_col = col_at(r, r->p);
		r->p++;
		if (map_value(r, c, key->line, colon_col) < 0)
			return DECLINE;
		if (r->col > c)
			return DECLINE;
		if (r->col < c)
			break;
		key_start = r->p;
		if ((r->t[r->p] == '-' && blankz(r, r->p + 1)) || scalar(r, key) < 0 ||
		    !key_colon(r))
			return DECLINE;
	}
	emit(r, YFAST_END, 0, 0);
	r->depth--;
	return 0;
}

/* A byte of a plain scalar in a flow sequence here: one that can neither end nor start anything. */
static bool flow_word_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '/' || c == '-' || c == '+';
}

/* A quoted scalar or a plain word (letters, digits, _ . / - +) in a flow collection. */
static int flow_scalar(struct reader *r)
{
	int c = at(r, r->p);
	struct yfast_event e;
	if (c == '"' || c == '\'') {
		if (scalar(r, &e) < 0)
			return DECLINE;
	} else if (flow_word_char(c) && c != '-' && c != '+') {
		memset(&e, 0, sizeof(e));
		e.kind = YFAST_SCALAR;
		e.style = YFAST_PLAIN;
		e.line = r->line;
		e.col = col_at(r, r->p);
		e.off = r->p;
		while (flow_word_char(at(r, r->p)))
			r->p++;
		e.len = r->p - e.off;
	} else {
		return DECLINE;
	}
	*emit(r, YFAST_SCALAR, 0, 0) = e;
	while (at(r, r->p) == ' ')
		r->p++;
	return 0;
}

/*
 * The entries of a flow collection that closes on its line, r->p after the
 * opening bracket: flow scalars separated by commas, in a mapping as
 * "key: value" pairs.
 */
static int flow_items(struct reader *r, bool map)
{
	for (;;) {
		while (at(r, r->p) == ' ')
			r->p++;
		if (flow_scalar(r) < 0)
			return DECLINE;
		if (map) {
			if (at(r, r->p) != ':' || at(r, r->p + 1) != ' ')
				return DECLINE;
			r->p += 2;
			while (at(r, r->p) == ' ')
				r->p++;
			if (flow_scalar(r) < 0)
				return DECLINE;
		}
		if (at(r, r->p) == (map ? '}' : ']'))
			return 0;
		if (at(r, r->p) != ',')
			return DECLINE;
		r->p++;
	}
}

/* A flow collection on one line at r->p: "{}", "[]" or one of flow scalars. */
static int flow(struct reader *r)
{
	char open = r->t[r->p];
	bool map = open == '{';
	emit(r, map ? YFAST_MAP_START : YFAST_SEQ_START, r->line, col_at(r, r->p));
	r->p++;
	if (at(r, r->p) != (map ? '}' : ']') && flow_items(r, map) < 0)
		return DECLINE;
	emit(r, YFAST_END, 0, 0);
	r->p++;
	return finish_line(r);
}

/*
 * The node at r->p, where a node may start: at the start of its line, after
 * "- " or after "key: ". indent is the enclosing block collection's column.
 */
static int node(struct reader *r, int indent, enum where where)
{
	size_t start = r->p;
	int ch = r->t[start];

	if (ch == '-' && blankz(r, start + 1)) {
		int c = col_at(r, start);
		if (where == AFTER_COLON || c <= indent)
			return DECLINE;
		return block_seq(r, c, false);
	}
	if (ch == '|' || ch == '>')
		return block_scalar(r, indent);
	if (ch == '{' || ch == '[')
		return flow(r);

	struct yfast_event e;
	if (scalar(r, &e) < 0)
		return DECLINE;
	if (key_colon(r)) {
		if (where == AFTER_COLON || e.col <= indent)
			return DECLINE;
		return block_map(r, e.col, &e, start);
	}
	*emit(r, YFAST_SCALAR, 0, 0) = e;
	return finish_line(r);
}

int yfast_parse(struct yfast *f, const char *text, size_t len)
{
	struct reader r = {text, len, 0, 0, 0, -1, 0, f, true};

	f->nr = 0;
	buf_reset(&f->scratch);
	/* Offsets are 32 bits: into the text, or the scratch, whose decoded values are never
	 * longer than the text they come from. */
	if (len >= UINT32_MAX || !plain_text((const unsigned char *)text, len, &r.ascii))
		return DECLINE;
	/* A leading "---" alone on its line starts the document explicitly. */
	if (skip_to_content(&r, true) < 0)
		return DECLINE;
	bool explicit_start = false;
	if (r.col == 0 && marker_at(&r, r.p)) {
		if (text[r.p] != '-')
			return DECLINE;
		r.p += 3;
		if (finish_line(&r) < 0)
			return DECLINE;
		explicit_start = true;
	}
	if (r.col < 0)
		return explicit_start ? DECLINE : 0;
	if (node(&r, -1, LINE_START) < 0 || r.col >= 0)
		return DECLINE;
	return 0;
}
