'use strict';
// The emulator's YAML options (yaml.js on the yaml package): what definitions
// need read and written as the Prismatic server and the prism CLI do.

const test = require('node:test');
const assert = require('node:assert/strict');
const YAML = require('../yaml');

test('block mappings, sequences, compact entries, comments', () => {
  const doc = YAML.parse(`# comment
a: 1
b:
- x
- y   # trailing comment
c:
  d: e
  f:
    - g: 1
      h: 2
    - - nested
      - seq
empty:
`);
  assert.deepEqual(doc, { a: 1, b: ['x', 'y'], c: { d: 'e', f: [{ g: 1, h: 2 }, ['nested', 'seq']] }, empty: null });
});

test('scalars: plain, quoted, escapes, core-schema resolution', () => {
  const doc = YAML.parse(`
s1: plain text with:colon-less # comment
s2: "double \\"quoted\\"\\t\\u00e9\\n"
s3: 'single ''quoted'''
n: 42
neg: -7
f: 1.5
hex: 0x1f
t: true
f2: False
nul: ~
str_true: "true"
yes: yes
url: https://example.com:8080/a#frag
date: 2024-01-01
multi: first
  second

  third
`);
  assert.equal(doc.s1, 'plain text with:colon-less');
  assert.equal(doc.s2, 'double "quoted"\té\n');
  assert.equal(doc.s3, "single 'quoted'");
  assert.deepEqual([doc.n, doc.neg, doc.f, doc.hex, doc.t, doc.f2, doc.nul], [42, -7, 1.5, 31, true, false, null]);
  assert.equal(doc.str_true, 'true');
  assert.equal(doc.yes, 'yes', 'YAML 1.2: yes is a string');
  assert.equal(doc.url, 'https://example.com:8080/a#frag');
  assert.equal(doc.date, '2024-01-01');
  assert.equal(doc.multi, 'first second\nthird');
});

test('block scalars: literal, folded, chomping, indentation indicator', () => {
  const doc = YAML.parse(`lit: |
  line 1
    indented
  line 3
strip: |-
  no newline
keep: |+
  kept

folded: >
  a
  b

  c
    more
  d
ind: |2
    two extra
  base
last: end
`);
  assert.equal(doc.lit, 'line 1\n  indented\nline 3\n');
  assert.equal(doc.strip, 'no newline');
  assert.equal(doc.keep, 'kept\n\n');
  assert.equal(doc.folded, 'a b\nc\n  more\nd\n');
  assert.equal(doc.ind, '  two extra\nbase\n');
  assert.equal(doc.last, 'end');
});

test('flow collections, anchors and aliases, explicit keys, documents', () => {
  assert.deepEqual(YAML.parse('a: [1, "two", {b: c, d: [e]}, ]\nm: {x: 1, y: }\n'),
    { a: [1, 'two', { b: 'c', d: ['e'] }], m: { x: 1, y: null } });
  assert.deepEqual(YAML.parse('multi: [\n  one,\n  two\n]\n'), { multi: ['one', 'two'] });
  assert.deepEqual(YAML.parse('base: &b\n  x: 1\nref: *b\n'), { base: { x: 1 }, ref: { x: 1 } });
  assert.deepEqual(YAML.parse('? k\n: v\n'), { k: 'v' });
  assert.deepEqual(YAML.parse('---\na: 1\n...\n'), { a: 1 });
  assert.equal(YAML.parse(''), null);
});

test('invalid YAML is an error with a position, never a hang', () => {
  for (const bad of ['a: [1, 2', 'a: b: c', 'a:\n  b: 1\n c: 2', 'k: "open', 'a: 1\na: 2', '{a: 1', 'x: *nope', 'a: 1\n---\nb: 2\n']) {
    assert.throws(() => YAML.parse(bad), (e) => e instanceof YAML.YAMLError && e.line >= 1, bad);
  }
});

test('writer: strings that could read as other types are quoted; round trip holds', () => {
  const value = {
    a: 'true', b: '1', c: '', d: 'yes', e: 'null', f: '0x10', g: '1.5', h: '- dash', i: 'has: colon', j: 'hash #x',
    k: 'multi\nline\n', l: 'no trailing\nnewline', m: '  leading', n: 'trailing ', o: 'tab\there', p: '\n', q: 'unicode é ☃',
    r: '\u0001ctrl', s: "quote's", t: '"dq"', u: [], v: {}, w: [{ x: 1, y: [2, 3] }, ['a', 'b']], x: null, y: false, z: 3.25,
    '': 'empty key', 'key: colon': 1, 'LATEST': 'LATEST', num: -0.5,
  };
  const text = YAML.stringify(value);
  assert.deepEqual(YAML.parse(text), value);
  assert.match(text, /^a: "true"$/m);
  assert.match(text, /^b: "1"$/m);
  assert.match(text, /^k: \|$/m);
});

test('writer: randomized round trip', () => {
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  const pieces = ['a', ' ', '\n', ':', ': ', '#', ' #', '-', '- ', '"', "'", '\\', '\t', 'true', '1', '{', '}', '[', ']', ',', 'é', '|', '>', '&a', '*a', '!t', '%', '@', '?', '---', '  x', 'y  '];
  const rstr = () => { let s = ''; const n = Math.floor(rnd() * 5); for (let i = 0; i < n; i++) s += pieces[Math.floor(rnd() * pieces.length)]; return s; };
  const rval = (d) => {
    const r = rnd();
    if (d > 3 || r < 0.5) { const k = rnd(); return k < 0.7 ? rstr() : k < 0.8 ? Math.floor(rnd() * 100) - 50 : k < 0.9 ? rnd() < 0.5 : null; }
    if (r < 0.75) { const o = {}; const n = Math.floor(rnd() * 4); for (let i = 0; i < n; i++) o[rstr() || `k${i}`] = rval(d + 1); return o; }
    const a = []; const n = Math.floor(rnd() * 4); for (let i = 0; i < n; i++) a.push(rval(d + 1)); return a;
  };
  for (let i = 0; i < 500; i++) {
    const v = { root: rval(0) };
    assert.deepEqual(YAML.parse(YAML.stringify(v)), v);
  }
});

test('writer: no anchors for repeated objects, no folding, YAML 1.1 booleans quoted', () => {
  const shared = { externalId: 'acme', name: 'Acme Corp' };
  const long = 'word '.repeat(40).trim();
  const text = YAML.stringify({ customers: [shared, shared], long, yes: 'yes', on: 'on', y: 'y', oct: '0o17' });
  assert.doesNotMatch(text, /[&*]\w/, 'the same object twice is written out twice');
  assert.match(text, new RegExp(`^long: ${long}$`, 'm'), 'long strings stay on one line');
  assert.match(text, /^"yes": "yes"$/m);
  assert.match(text, /^"on": "on"$/m);
  assert.match(text, /^"y": "y"$/m);
  assert.match(text, /^oct: "0o17"$/m);
  assert.match(text, /^customers:\n {2}- externalId: acme\n {4}name: Acme Corp$/m, 'sequences indented under their key');
});

test('reader: errors name the line; several documents and unknown aliases are refused', () => {
  const at = (text) => { try { YAML.parse(text); } catch (e) { return [e.line, e.column, e.reason]; } return null; };
  assert.deepEqual(at('a: 1\n---\nb: 2\n').slice(0, 2), [2, 1]);
  assert.deepEqual(at('a: 1\nb: *nope\n'), [2, 4, 'unknown alias *nope']);
  assert.equal(at('a: 1\na: 2\n')[0], 2);
  assert.deepEqual(YAML.parse('<<: {a: 1}\n'), { '<<': { a: 1 } }, 'no merge keys in YAML 1.2');
});
