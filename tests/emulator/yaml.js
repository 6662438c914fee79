'use strict';
// A small YAML 1.2 reader and writer for integration definitions.
//
// The emulator may use nothing but Node's standard library and graphql, so it
// carries its own YAML support. The reader covers what Prismatic definitions
// use and what people write by hand: block mappings and sequences (including
// compact "- key: value" entries), flow sequences and mappings, plain,
// single-quoted and double-quoted scalars (multi-line too), literal and folded
// block scalars with chomping and indentation indicators, comments, document
// markers, anchors and aliases. Plain scalars resolve with the YAML 1.2 core
// schema (as js-yaml, which the prism CLI uses): null, booleans, integers,
// floats, else strings. Duplicate keys are an error.
//
// The writer emits block style in the layout the Prismatic server uses
// (two-space indentation, sequences indented under their key), quoting any
// string that a YAML 1.1 or 1.2 reader could take for something else.

class YAMLError extends Error {
  constructor(message, line, column) {
    super(line ? `${message} (line ${line}, column ${column})` : message);
    this.name = 'YAMLError';
    this.reason = message;
    this.line = line;
    this.column = column;
  }
}

// ---------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------

const NULL_RE = /^(?:~|null|Null|NULL)$/;
const TRUE_RE = /^(?:true|True|TRUE)$/;
const FALSE_RE = /^(?:false|False|FALSE)$/;
const INT_RE = /^[-+]?[0-9]+$/;
const OCT_RE = /^0o[0-7]+$/;
const HEX_RE = /^0x[0-9a-fA-F]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INF_RE = /^[-+]?\.(?:inf|Inf|INF)$/;
const NAN_RE = /^\.(?:nan|NaN|NAN)$/;

function resolvePlain(s) {
  if (s === '' || NULL_RE.test(s)) return null;
  if (TRUE_RE.test(s)) return true;
  if (FALSE_RE.test(s)) return false;
  if (INT_RE.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : Number(s);
  }
  if (OCT_RE.test(s)) return parseInt(s.slice(2), 8);
  if (HEX_RE.test(s)) return parseInt(s.slice(2), 16);
  if (FLOAT_RE.test(s)) return Number(s);
  if (INF_RE.test(s)) return s[0] === '-' ? -Infinity : Infinity;
  if (NAN_RE.test(s)) return NaN;
  return s;
}

const FLOW_INDICATORS = ',[]{}';

class Reader {
  constructor(src) {
    if (src.charCodeAt(0) === 0xfeff) src = src.slice(1);
    this.src = src.replace(/\r\n?/g, '\n');
    this.pos = 0;
    this.lineStart = 0;
    this.line = 1;
    this.anchors = new Map();
  }

  fail(msg, pos = this.pos) {
    // compute line/column of pos
    let line = 1, ls = 0;
    for (let i = 0; i < pos && i < this.src.length; i++) {
      if (this.src[i] === '\n') { line++; ls = i + 1; }
    }
    throw new YAMLError(msg, line, pos - ls + 1);
  }

  get ch() { return this.src[this.pos]; }
  peek(n = 1) { return this.src[this.pos + n]; }
  eof() { return this.pos >= this.src.length; }
  col() { return this.pos - this.lineStart; }

  newline() { // at '\n'
    this.pos++;
    this.lineStart = this.pos;
    this.line++;
  }

  // Skip spaces (and tabs) on the current line.
  skipSpaces() {
    while (this.ch === ' ' || this.ch === '\t') this.pos++;
  }

  // Skip a comment if at '#'.
  skipComment() {
    if (this.ch === '#') while (!this.eof() && this.ch !== '\n') this.pos++;
  }

  // Skip whitespace, comments and line breaks; stop at the first content
  // character. Returns true if at least one line break was crossed.
  skipBlank() {
    let crossed = false;
    for (;;) {
      this.skipSpaces();
      if (this.ch === '#') {
        // '#' starts a comment only at line start or after whitespace
        const prev = this.src[this.pos - 1];
        if (this.pos === this.lineStart || prev === ' ' || prev === '\t' || prev === undefined) this.skipComment();
        else return crossed;
      }
      if (this.ch === '\n') { this.newline(); crossed = true; continue; }
      return crossed;
    }
  }

  atDocumentMarker() {
    if (this.col() !== 0) return false;
    const three = this.src.substr(this.pos, 3);
    if (three !== '---' && three !== '...') return false;
    const after = this.src[this.pos + 3];
    return after === undefined || after === ' ' || after === '\t' || after === '\n';
  }

  parseStream() {
    this.skipBlank();
    // directives
    while (this.ch === '%' && this.col() === 0) {
      while (!this.eof() && this.ch !== '\n') this.pos++;
      this.skipBlank();
    }
    let explicitStart = false;
    if (this.atDocumentMarker() && this.src.startsWith('---', this.pos)) {
      this.pos += 3;
      explicitStart = true;
    }
    const value = this.parseNode(-1, explicitStart ? 'docstart' : 'block');
    this.skipBlank();
    if (this.atDocumentMarker() && this.src.startsWith('...', this.pos)) {
      this.pos += 3;
      this.skipBlank();
    }
    if (!this.eof()) {
      if (this.atDocumentMarker() && this.src.startsWith('---', this.pos)) {
        this.fail('expected a single document in the stream');
      }
      this.fail('unexpected content after the end of the document');
    }
    return value;
  }

  // Scan ahead on the current line (from pos) to decide whether the text
  // starting here is an implicit mapping key: a ':' followed by a space or
  // end of line, outside quotes and flow brackets, before any comment.
  isKeyAhead() {
    let i = this.pos;
    const s = this.src;
    const c0 = s[i];
    if (c0 === '"' || c0 === "'") {
      const end = this.scanQuotedEnd(i);
      if (end < 0) return false;
      i = end;
      while (s[i] === ' ' || s[i] === '\t') i++;
      return s[i] === ':' && (s[i + 1] === ' ' || s[i + 1] === '\t' || s[i + 1] === '\n' || s[i + 1] === undefined);
    }
    if (c0 === '[' || c0 === '{') {
      // flow collection used as a key: rare; find matching bracket on this line
      let depth = 0;
      for (; i < s.length && s[i] !== '\n'; i++) {
        const c = s[i];
        if (c === '"' || c === "'") { const e = this.scanQuotedEnd(i); if (e < 0) return false; i = e - 1; continue; }
        if (c === '[' || c === '{') depth++;
        else if (c === ']' || c === '}') { depth--; if (depth === 0) { i++; break; } }
      }
      while (s[i] === ' ' || s[i] === '\t') i++;
      return s[i] === ':' && (s[i + 1] === ' ' || s[i + 1] === '\n' || s[i + 1] === undefined);
    }
    for (; i < s.length && s[i] !== '\n'; i++) {
      const c = s[i];
      if (c === ':' && (s[i + 1] === ' ' || s[i + 1] === '\t' || s[i + 1] === '\n' || s[i + 1] === undefined)) return true;
      if (c === '#' && i > this.pos && (s[i - 1] === ' ' || s[i - 1] === '\t')) return false;
    }
    return false;
  }

  // Returns the index just after the closing quote of the quoted scalar that
  // starts at i (which may span lines), or -1.
  scanQuotedEnd(i) {
    const s = this.src;
    const q = s[i];
    i++;
    while (i < s.length) {
      const c = s[i];
      if (q === "'" && c === "'") {
        if (s[i + 1] === "'") { i += 2; continue; }
        return i + 1;
      }
      if (q === '"') {
        if (c === '\\') { i += 2; continue; }
        if (c === '"') return i + 1;
      }
      i++;
    }
    return -1;
  }

  // Parse node properties (anchor, tag). Returns {anchor, tag}.
  parseProperties() {
    let anchor = null, tag = null;
    for (;;) {
      if (this.ch === '&') {
        const start = ++this.pos;
        while (!this.eof() && !/[\s,\[\]{}]/.test(this.ch)) this.pos++;
        anchor = this.src.slice(start, this.pos);
        if (!anchor) this.fail('empty anchor name');
        this.skipSpaces();
      } else if (this.ch === '!') {
        const start = this.pos;
        if (this.peek() === '<') {
          while (!this.eof() && this.ch !== '>') this.pos++;
          this.pos++;
        } else {
          while (!this.eof() && !/[\s,\[\]{}]/.test(this.ch)) this.pos++;
        }
        tag = this.src.slice(start, this.pos);
        this.skipSpaces();
      } else break;
    }
    return { anchor, tag };
  }

  applyTag(value, tag) {
    if (!tag) return value;
    if (tag === '!!str' || tag === 'tag:yaml.org,2002:str') return value === null ? '' : String(value);
    if (tag === '!!int') return parseInt(value, 10);
    if (tag === '!!float') return Number(value);
    if (tag === '!!bool') return value === true || value === 'true';
    if (tag === '!!null') return null;
    if (tag === '!!map' || tag === '!!seq' || tag === '!' ) return value;
    return value; // unknown local tags: keep the value
  }

  // Parse a node whose parent collection has indentation parentIndent.
  // ctx: 'block' (value of a block collection entry or document root),
  //      'docstart' (right after ---).
  parseNode(parentIndent, ctx) {
    // If we are at the end of a line (value on following lines), move on.
    this.skipSpaces();
    let sameLine = true;
    if (this.ch === '#' || this.ch === '\n' || this.eof()) {
      this.skipBlank();
      sameLine = false;
      if (this.eof()) return null;
      if (this.atDocumentMarker()) return null;
      if (this.col() <= parentIndent) {
        // A block sequence may sit at the same indentation as its mapping key.
        return null;
      }
    }
    const nodeStart = this.pos;
    const { anchor, tag } = this.parseProperties();
    if (anchor !== null || tag !== null) {
      if (this.ch === '\n' || this.ch === '#' || this.eof()) {
        // properties then a block node on following lines
        const v = this.parseNode(parentIndent, ctx);
        const tv = this.applyTag(v, tag);
        if (anchor) this.anchors.set(anchor, tv);
        return tv;
      }
    }
    const col = this.col();
    let value;
    const c = this.ch;
    if (c === '*') {
      const start = ++this.pos;
      while (!this.eof() && !/[\s,\[\]{}]/.test(this.ch)) this.pos++;
      const name = this.src.slice(start, this.pos);
      if (!this.anchors.has(name)) this.fail(`unknown alias "${name}"`, start - 1);
      this.skipSpaces();
      if (this.ch === ':' && (this.peek() === ' ' || this.peek() === '\n' || this.peek() === undefined)) {
        this.pos = nodeStart;
        value = this.parseBlockMapping(col);
      } else {
        value = this.anchors.get(name);
      }
    } else if (c === '-' && (this.peek() === ' ' || this.peek() === '\n' || this.peek() === '\t' || this.peek() === undefined)) {
      if (sameLine && ctx === 'mapvalue') {
        this.fail('a block sequence may not be used as an implicit mapping value on the same line');
      }
      value = this.parseBlockSequence(col);
    } else if (c === '?' && (this.peek() === ' ' || this.peek() === '\n' || this.peek() === undefined)) {
      value = this.parseBlockMapping(col);
    } else if (c === '|' || c === '>') {
      value = this.parseBlockScalar(parentIndent);
    } else if (this.isKeyAhead()) {
      if (sameLine && ctx === 'mapvalue') this.fail('mapping values are not allowed here');
      value = this.parseBlockMapping(col);
    } else if (c === '[' || c === '{') {
      value = this.parseFlow();
      this.endOfLine();
    } else if (c === '"') {
      value = this.parseDoubleQuoted();
      this.endOfLine();
    } else if (c === "'") {
      value = this.parseSingleQuoted();
      this.endOfLine();
    } else {
      value = resolvePlain(this.parsePlain(parentIndent, false));
    }
    value = this.applyTag(value, tag);
    if (anchor) this.anchors.set(anchor, value);
    return value;
  }

  // After an inline node: only spaces and a comment may follow on the line.
  endOfLine() {
    this.skipSpaces();
    if (this.ch === '#') {
      this.skipComment();
    }
    if (!this.eof() && this.ch !== '\n') this.fail(`unexpected character "${this.ch}"`);
  }

  parseBlockSequence(indent) {
    const out = [];
    for (;;) {
      // at '-'
      this.pos++;
      const v = this.parseNode(indent, 'seqitem');
      out.push(v);
      this.skipBlank();
      if (this.eof() || this.atDocumentMarker()) break;
      const c = this.col();
      if (c < indent) break;
      if (c > indent) this.fail('bad indentation of a sequence entry');
      if (!(this.ch === '-' && (this.peek() === ' ' || this.peek() === '\n' || this.peek() === '\t' || this.peek() === undefined))) {
        break; // e.g. a mapping key at the same indentation (sequence as a map value)
      }
    }
    return out;
  }

  parseKey() {
    const c = this.ch;
    let key;
    if (c === '"') key = this.parseDoubleQuoted();
    else if (c === "'") key = this.parseSingleQuoted();
    else if (c === '[' || c === '{') key = JSON.stringify(this.parseFlow());
    else if (c === '*') {
      const start = ++this.pos;
      while (!this.eof() && !/[\s,\[\]{}:]/.test(this.ch)) this.pos++;
      const name = this.src.slice(start, this.pos);
      if (!this.anchors.has(name)) this.fail(`unknown alias "${name}"`);
      key = this.anchors.get(name);
    } else {
      const start = this.pos;
      const s = this.src;
      while (this.pos < s.length && s[this.pos] !== '\n') {
        if (s[this.pos] === ':' && (s[this.pos + 1] === ' ' || s[this.pos + 1] === '\t' || s[this.pos + 1] === '\n' || s[this.pos + 1] === undefined)) break;
        this.pos++;
      }
      key = resolvePlain(s.slice(start, this.pos).trim());
    }
    this.skipSpaces();
    if (this.ch !== ':') this.fail('expected ":" after a mapping key');
    this.pos++;
    return keyString(key);
  }

  parseBlockMapping(indent) {
    const out = {};
    const seen = new Set();
    for (;;) {
      const keyPos = this.pos;
      const { anchor } = this.parseProperties();
      let key;
      if (this.ch === '?' && (this.peek() === ' ' || this.peek() === '\n')) {
        this.pos++;
        key = keyString(this.parseNode(indent, 'seqitem'));
        this.skipBlank();
        if (this.col() === indent && this.ch === ':') {
          this.pos++;
        } else {
          if (seen.has(key)) this.fail(`duplicated mapping key "${key}"`, keyPos);
          seen.add(key);
          defineKey(out, key, null);
          if (this.eof() || this.col() < indent) break;
          continue;
        }
      } else {
        key = this.parseKey();
      }
      if (anchor) this.anchors.set(anchor, key);
      if (seen.has(key)) this.fail(`duplicated mapping key "${key}"`, keyPos);
      seen.add(key);
      // value
      this.skipSpaces();
      let value;
      if (this.ch === '\n' || this.ch === '#' || this.eof()) {
        // value on following lines; a sequence may be at the key's indentation
        const save = { pos: this.pos, ls: this.lineStart, line: this.line };
        this.skipBlank();
        if (!this.eof() && this.col() === indent && this.ch === '-' &&
            (this.peek() === ' ' || this.peek() === '\n' || this.peek() === undefined) && !this.atDocumentMarker()) {
          value = this.parseBlockSequence(indent);
        } else {
          this.pos = save.pos; this.lineStart = save.ls; this.line = save.line;
          value = this.parseNode(indent, 'mapvalue');
        }
      } else {
        value = this.parseNode(indent, 'mapvalue');
      }
      defineKey(out, key, value);
      this.skipBlank();
      if (this.eof() || this.atDocumentMarker()) break;
      const c = this.col();
      if (c < indent) break;
      if (c > indent) this.fail('bad indentation of a mapping entry');
      if (this.ch === '-' && (this.peek() === ' ' || this.peek() === '\n')) this.fail('unexpected sequence entry in a mapping');
    }
    return out;
  }

  // Plain scalar. In block context it may continue on more-indented lines.
  parsePlain(parentIndent, inFlow) {
    const s = this.src;
    let result = '';
    let lineText = this.readPlainLine(inFlow);
    result = lineText;
    if (inFlow) {
      // flow plain scalars may span lines too
    }
    for (;;) {
      // try continuation lines
      const save = { pos: this.pos, ls: this.lineStart, line: this.line };
      this.skipSpaces();
      if (this.ch === '#') break; // comment ends the scalar
      if (this.ch !== '\n') break;
      let breaks = 0;
      while (this.ch === '\n') {
        this.newline();
        breaks++;
        this.skipSpaces();
      }
      if (this.eof() || this.ch === '#' || this.col() <= parentIndent || this.atDocumentMarker() ||
          (inFlow && FLOW_INDICATORS.includes(this.ch)) ||
          (!inFlow && this.ch === '-' && (this.peek() === ' ' || this.peek() === '\n') && this.col() <= parentIndent + 1) ||
          (!inFlow && this.isKeyAhead())) {
        this.pos = save.pos; this.lineStart = save.ls; this.line = save.line;
        break;
      }
      const more = this.readPlainLine(inFlow);
      if (more === '') { this.pos = save.pos; this.lineStart = save.ls; this.line = save.line; break; }
      result += breaks > 1 ? '\n'.repeat(breaks - 1) : ' ';
      result += more;
    }
    return result;
  }

  readPlainLine(inFlow) {
    const s = this.src;
    const start = this.pos;
    let end = this.pos;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === '\n') break;
      if (c === ':' && (s[this.pos + 1] === ' ' || s[this.pos + 1] === '\t' || s[this.pos + 1] === '\n' || s[this.pos + 1] === undefined ||
          (inFlow && FLOW_INDICATORS.includes(s[this.pos + 1])))) break;
      if (c === '#' && this.pos > start && (s[this.pos - 1] === ' ' || s[this.pos - 1] === '\t')) break;
      if (inFlow && FLOW_INDICATORS.includes(c)) break;
      this.pos++;
      if (c !== ' ' && c !== '\t') end = this.pos;
    }
    const text = s.slice(start, end);
    this.pos = end;
    return text;
  }

  parseDoubleQuoted() {
    const s = this.src;
    const startPos = this.pos;
    this.pos++; // opening "
    let out = '';
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated double-quoted string', startPos);
      const c = s[this.pos];
      if (c === '"') { this.pos++; break; }
      if (c === '\\') {
        const e = s[this.pos + 1];
        this.pos += 2;
        switch (e) {
          case '0': out += '\0'; break;
          case 'a': out += '\x07'; break;
          case 'b': out += '\b'; break;
          case 't': case '\t': out += '\t'; break;
          case 'n': out += '\n'; break;
          case 'v': out += '\v'; break;
          case 'f': out += '\f'; break;
          case 'r': out += '\r'; break;
          case 'e': out += '\x1b'; break;
          case ' ': out += ' '; break;
          case '"': out += '"'; break;
          case '/': out += '/'; break;
          case '\\': out += '\\'; break;
          case 'N': out += '\x85'; break;
          case '_': out += '\xa0'; break;
          case 'L': out += '\u2028'; break;
          case 'P': out += '\u2029'; break;
          case 'x': out += this.hexEscape(2); break;
          case 'u': out += this.hexEscape(4); break;
          case 'U': out += this.hexEscape(8); break;
          case '\n': {
            // escaped line break: join without space; skip leading blanks
            this.lineStart = this.pos; this.line++;
            while (s[this.pos] === ' ' || s[this.pos] === '\t') this.pos++;
            break;
          }
          default: this.fail(`unknown escape sequence "\\${e}"`, this.pos - 2);
        }
        continue;
      }
      if (c === '\n') {
        out = out.replace(/[ \t]+$/, '');
        out += this.foldQuotedBreaks();
        continue;
      }
      out += c;
      this.pos++;
    }
    return out;
  }

  hexEscape(n) {
    const hex = this.src.substr(this.pos, n);
    if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) this.fail('invalid escape sequence', this.pos - 2);
    this.pos += n;
    return String.fromCodePoint(parseInt(hex, 16));
  }

  // At a line break inside a quoted scalar: fold it. One break -> space;
  // n breaks -> n-1 newlines. Leading blanks of the next line are dropped.
  foldQuotedBreaks() {
    let breaks = 0;
    while (this.ch === '\n') {
      this.newline();
      breaks++;
      while (this.ch === ' ' || this.ch === '\t') this.pos++;
    }
    return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
  }

  parseSingleQuoted() {
    const s = this.src;
    const startPos = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated single-quoted string', startPos);
      const c = s[this.pos];
      if (c === "'") {
        if (s[this.pos + 1] === "'") { out += "'"; this.pos += 2; continue; }
        this.pos++;
        break;
      }
      if (c === '\n') {
        out = out.replace(/[ \t]+$/, '');
        out += this.foldQuotedBreaks();
        continue;
      }
      out += c;
      this.pos++;
    }
    return out;
  }

  parseBlockScalar(parentIndent) {
    const s = this.src;
    const literal = this.ch === '|';
    this.pos++;
    let chomp = 'clip';
    let explicit = 0;
    for (let k = 0; k < 2; k++) {
      const c = this.ch;
      if (c === '-') { chomp = 'strip'; this.pos++; }
      else if (c === '+') { chomp = 'keep'; this.pos++; }
      else if (c >= '1' && c <= '9') { explicit = Number(c); this.pos++; }
    }
    this.skipSpaces();
    if (this.ch === '#') this.skipComment();
    if (!this.eof() && this.ch !== '\n') this.fail('unexpected text after a block scalar indicator');
    if (this.eof()) return '';
    this.newline();
    const base = parentIndent < 0 ? 0 : parentIndent;
    let indent = explicit ? base + explicit : -1;
    // collect raw lines
    const lines = [];
    let leadingMax = 0;
    for (;;) {
      if (this.eof()) break;
      // measure indentation
      let i = this.pos;
      while (s[i] === ' ') i++;
      const spaces = i - this.pos;
      const lineEnd = s.indexOf('\n', this.pos) === -1 ? s.length : s.indexOf('\n', this.pos);
      if (indent < 0) {
        if (i >= lineEnd) { // empty line before the first content line
          leadingMax = Math.max(leadingMax, spaces);
          lines.push('');
          if (lineEnd >= s.length) { this.pos = s.length; break; }
          this.pos = lineEnd; this.newline();
          continue;
        }
        if (spaces <= parentIndent && parentIndent >= 0) break; // no content
        indent = Math.max(spaces, base + 1, leadingMax);
        if (spaces < indent) break;
      }
      if (i >= lineEnd) {
        // blank (or short whitespace) line
        lines.push(spaces > indent ? s.slice(this.pos + indent, lineEnd) : '');
        if (lineEnd >= s.length) { this.pos = s.length; break; }
        this.pos = lineEnd; this.newline();
        continue;
      }
      if (spaces < indent) break;
      if (this.col() === 0 && (s.startsWith('---', this.pos) || s.startsWith('...', this.pos)) && indent === 0) break;
      lines.push(s.slice(this.pos + indent, lineEnd));
      if (lineEnd >= s.length) { this.pos = s.length; break; }
      this.pos = lineEnd; this.newline();
    }
    // The reader is now at the start of the first line not in the scalar;
    // back up to the end of the previous line so callers see a line break.
    if (this.pos > 0 && this.src[this.pos - 1] === '\n' && !this.eof()) {
      this.pos--; this.line--;
      this.lineStart = this.src.lastIndexOf('\n', this.pos - 1) + 1;
    } else if (this.eof() && this.src[this.pos - 1] === '\n') {
      // fine
    }
    // split trailing empty lines
    let last = lines.length - 1;
    while (last >= 0 && lines[last] === '') last--;
    const content = lines.slice(0, last + 1);
    const trailing = lines.length - 1 - last;
    let body;
    if (literal) {
      body = content.join('\n');
    } else {
      body = '';
      let prev = null; // 'normal' | 'more'
      let pending = 0;
      let started = false;
      for (const ln of content) {
        if (ln === '') { pending++; continue; }
        const more = ln[0] === ' ' || ln[0] === '\t';
        if (!started) {
          body += '\n'.repeat(pending);
          started = true;
        } else if (prev === 'normal' && !more) {
          body += pending ? '\n'.repeat(pending) : ' ';
        } else {
          body += '\n' + '\n'.repeat(pending);
        }
        body += ln;
        prev = more ? 'more' : 'normal';
        pending = 0;
      }
    }
    const hasContent = content.length > 0;
    if (chomp === 'strip') return body;
    if (chomp === 'clip') return hasContent ? body + '\n' : '';
    // keep
    return hasContent ? body + '\n' + '\n'.repeat(trailing) : '\n'.repeat(trailing);
  }

  // Flow collections: [ ... ] and { ... }, possibly across lines.
  parseFlow() {
    const open = this.ch;
    const close = open === '[' ? ']' : '}';
    const startPos = this.pos;
    this.pos++;
    const isSeq = open === '[';
    const out = isSeq ? [] : {};
    const seen = new Set();
    for (;;) {
      this.skipFlowBlank();
      if (this.eof()) this.fail(`unterminated flow ${isSeq ? 'sequence' : 'mapping'}`, startPos);
      if (this.ch === close) { this.pos++; break; }
      // entry
      let key, value, isPair = false;
      const entryPos = this.pos;
      if (this.ch === '?' && (this.peek() === ' ' || this.peek() === '\n')) { this.pos++; this.skipFlowBlank(); }
      const first = this.parseFlowNode();
      this.skipFlowBlank();
      if (this.ch === ':') {
        isPair = true;
        this.pos++;
        this.skipFlowBlank();
        if (this.ch === ',' || this.ch === close) value = null;
        else value = this.parseFlowNode();
        key = first;
      } else {
        key = first;
        value = null;
      }
      if (isSeq) {
        if (isPair) { const m = {}; defineKey(m, keyString(key), value); out.push(m); }
        else out.push(first);
      } else {
        const k = keyString(key);
        if (seen.has(k)) this.fail(`duplicated mapping key "${k}"`, entryPos);
        seen.add(k);
        defineKey(out, k, value);
      }
      this.skipFlowBlank();
      if (this.ch === ',') { this.pos++; continue; }
      if (this.ch === close) { this.pos++; break; }
      this.fail(`expected "," or "${close}" in a flow collection`);
    }
    return out;
  }

  skipFlowBlank() {
    for (;;) {
      while (this.ch === ' ' || this.ch === '\t') this.pos++;
      if (this.ch === '#') { this.skipComment(); continue; }
      if (this.ch === '\n') { this.newline(); continue; }
      return;
    }
  }

  parseFlowNode() {
    const { anchor, tag } = this.parseProperties();
    let v;
    const c = this.ch;
    if (c === '[' || c === '{') v = this.parseFlow();
    else if (c === '"') v = this.parseDoubleQuoted();
    else if (c === "'") v = this.parseSingleQuoted();
    else if (c === '*') {
      const start = ++this.pos;
      while (!this.eof() && !/[\s,\[\]{}]/.test(this.ch)) this.pos++;
      const name = this.src.slice(start, this.pos);
      if (!this.anchors.has(name)) this.fail(`unknown alias "${name}"`);
      v = this.anchors.get(name);
    } else {
      const start = this.pos;
      let text = '';
      // plain scalar in flow context, possibly multi-line
      for (;;) {
        const part = this.readPlainLine(true);
        text += (text && part ? ' ' : '') + part;
        const save = { pos: this.pos, ls: this.lineStart, line: this.line };
        while (this.ch === ' ' || this.ch === '\t') this.pos++;
        if (this.ch === '\n') {
          this.newline();
          while (this.ch === ' ' || this.ch === '\t') this.pos++;
          if (!this.eof() && !FLOW_INDICATORS.includes(this.ch) && this.ch !== ':' && this.ch !== '#') continue;
        }
        this.pos = save.pos; this.lineStart = save.ls; this.line = save.line;
        break;
      }
      if (this.pos === start && text === '') v = null;
      else v = resolvePlain(text);
    }
    v = this.applyTag(v, tag);
    if (anchor) this.anchors.set(anchor, v);
    return v;
  }
}

function keyString(k) {
  if (k === null) return 'null';
  if (typeof k === 'object') return JSON.stringify(k);
  return String(k);
}

function defineKey(obj, key, value) {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function parse(text) {
  if (typeof text !== 'string') throw new YAMLError('YAML input must be a string');
  return new Reader(text).parseStream();
}

// ---------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------

// Strings a YAML 1.1 or 1.2 reader could resolve to a non-string.
const AMBIGUOUS_RE = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|=|<<)$/;
const NUMBERISH_RE = /^[-+]?(?:[0-9]|\.[0-9]|\.(?:inf|Inf|INF|nan|NaN|NAN)$)/;
const INDICATOR_START = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);
// eslint-disable-next-line no-control-regex
const UNPRINTABLE_RE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]/;

function isPlainSafe(s) {
  if (s === '') return false;
  if (s !== s.trim()) return false;
  if (AMBIGUOUS_RE.test(s) || NUMBERISH_RE.test(s)) return false;
  if (INDICATOR_START.has(s[0])) return false;
  if (/[\n\r\t]/.test(s) || UNPRINTABLE_RE.test(s)) return false;
  if (s.includes(': ') || s.includes(' #') || s.endsWith(':')) return false;
  if (s.startsWith('---') || s.startsWith('...')) return false;
  return true;
}

function doubleQuote(s) {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff ||
             (code >= 0xd800 && code <= 0xdfff)) {
      out += '\\u' + code.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

// Can s be written as a literal block scalar?
function literalOk(s) {
  if (!s.includes('\n')) return false;
  if (UNPRINTABLE_RE.test(s) || s.includes('\r')) return false;
  if (s.trim() === '') return false; // no content line: chomping cannot express it
  const lines = s.split('\n');
  // whitespace-only lines are ambiguous with indentation
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '' && lines[i].trim() === '') return false;
  }
  return true;
}

function scalarText(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (v === Infinity) return '.inf';
    if (v === -Infinity) return '-.inf';
    return String(v);
  }
  if (typeof v === 'bigint') return String(v);
  const s = String(v);
  if (isPlainSafe(s)) return s;
  return doubleQuote(s);
}

function blockLiteral(s, indent) {
  // indent: column of the block's content
  let chomp;
  let body = s;
  if (!s.endsWith('\n')) chomp = '-';
  else {
    const m = /\n+$/.exec(s);
    if (m[0].length === 1) chomp = '';
    else chomp = '+';
    body = s.slice(0, s.length - 1);
  }
  const lines = body.split('\n');
  const firstContent = lines.find((l) => l !== '');
  const needIndicator = firstContent !== undefined && (firstContent[0] === ' ' || firstContent[0] === '\t') ||
    (firstContent === undefined);
  const pad = ' '.repeat(indent);
  const header = '|' + (needIndicator ? '2' : '') + chomp;
  return header + '\n' + lines.map((l) => (l === '' ? '' : pad + l)).join('\n');
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function emitValueAfterKey(v, indent) {
  // returns text that follows "key:" (including leading space or newline)
  if (Array.isArray(v)) {
    if (v.length === 0) return ' []';
    return '\n' + emitSeq(v, indent + 2);
  }
  if (isPlainObject(v)) {
    if (Object.keys(v).length === 0) return ' {}';
    return '\n' + emitMap(v, indent + 2);
  }
  if (typeof v === 'string' && literalOk(v)) return ' ' + blockLiteral(v, indent + 2);
  return ' ' + scalarText(v);
}

function keyText(k) {
  return isPlainSafe(k) ? k : doubleQuote(k);
}

function emitMap(obj, indent) {
  const pad = ' '.repeat(indent);
  const parts = [];
  for (const k of Object.keys(obj)) {
    if (obj[k] === undefined) continue;
    parts.push(pad + keyText(k) + ':' + emitValueAfterKey(obj[k], indent));
  }
  return parts.join('\n');
}

function emitSeq(arr, indent) {
  const pad = ' '.repeat(indent);
  const parts = [];
  for (const item of arr) {
    const v = item === undefined ? null : item;
    if (Array.isArray(v)) {
      if (v.length === 0) parts.push(pad + '- []');
      else parts.push(pad + '- ' + emitSeq(v, indent + 2).slice(indent + 2));
    } else if (isPlainObject(v)) {
      if (Object.keys(v).length === 0) parts.push(pad + '- {}');
      else parts.push(pad + '- ' + emitMap(v, indent + 2).slice(indent + 2));
    } else if (typeof v === 'string' && literalOk(v)) {
      parts.push(pad + '- ' + blockLiteral(v, indent + 2));
    } else {
      parts.push(pad + '- ' + scalarText(v));
    }
  }
  return parts.join('\n');
}

function stringify(value) {
  if (Array.isArray(value)) return (value.length ? emitSeq(value, 0) : '[]') + '\n';
  if (isPlainObject(value)) return (Object.keys(value).length ? emitMap(value, 0) : '{}') + '\n';
  if (typeof value === 'string' && literalOk(value)) return blockLiteral(value, 2) + '\n';
  return scalarText(value) + '\n';
}

module.exports = { parse, stringify, YAMLError, resolvePlain };
