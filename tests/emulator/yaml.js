'use strict';
// YAML for integration definitions, on the `yaml` package (pinned in
// package.json). This file only fixes the options every caller needs, so
// that the emulator reads and writes definitions the way the Prismatic
// server and the prism CLI do:
//
// - Reading: one document, YAML 1.2 core schema (as js-yaml, which prism
//   uses): `yes` and `2024-01-01` stay strings, `0x1f` is 31; duplicate keys,
//   several documents and unknown aliases are errors. A failure is a
//   YAMLError whose message ends in "(line L, column C)".
// - Writing: block style, two-space indentation with sequences indented
//   under their key, multi-line strings as literal blocks, no line folding,
//   and any string that a YAML 1.1 or 1.2 reader could take for another type
//   quoted (`"yes"`, `"1"`, `"0o17"`).
//
// The emulator's tests, the integration tests and the benchmarks all use
// this module (by path), so they share one reading of a definition.

// Loaded on first use: it is most of a second's start-up budget on a busy
// machine, and an emulator with an empty organization never needs it.
let yamlLib = null;
function lib() {
  if (!yamlLib) yamlLib = require('yaml');
  return yamlLib;
}

class YAMLError extends Error {
  constructor(message, line, column) {
    super(line ? `${message} (line ${line}, column ${column})` : message);
    this.name = 'YAMLError';
    this.reason = message;
    this.line = line;
    this.column = column;
  }
}

const READ_OPTIONS = { schema: 'core', version: '1.2', uniqueKeys: true, prettyErrors: false };
const WRITE_OPTIONS = {
  schema: 'core',
  compat: 'yaml-1.1',
  indent: 2,
  indentSeq: true,
  lineWidth: 0,
  minContentWidth: 0,
  blockQuote: 'literal',
  defaultStringType: 'PLAIN',
  defaultKeyType: 'PLAIN',
  nullStr: 'null',
  singleQuote: false,
  aliasDuplicateObjects: false,
};

function errorAt(message, offset, lines) {
  const pos = lines.linePos(offset || 0);
  return new YAMLError(message, pos.line, pos.col);
}

function parse(text) {
  if (typeof text !== 'string') throw new YAMLError('YAML input must be a string');
  const YAML = lib();
  const lines = new YAML.LineCounter();
  const docs = YAML.parseAllDocuments(text, { ...READ_OPTIONS, lineCounter: lines });
  if (docs.length === 0) return null;
  if (docs.length > 1) throw errorAt('expected a single document in the stream', docs[1].range[0], lines);
  const doc = Array.isArray(docs) ? docs[0] : docs;
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw errorAt(e.message.replace(/ at line \d+, column \d+[\s\S]*$/, ''), e.pos[0], lines);
  }
  // toJS() reports an alias to an anchor not yet defined without a
  // position; find it first so the error says where.
  let unresolved = null;
  YAML.visit(doc, {
    Alias(_, node) {
      if (!unresolved && node.resolve(doc) === undefined) unresolved = node;
    },
  });
  if (unresolved) {
    throw errorAt(`unknown alias *${unresolved.source}`, unresolved.range[0], lines);
  }
  return doc.toJS({ maxAliasCount: 1000 });
}

function stringify(value) {
  return lib().stringify(value, WRITE_OPTIONS);
}

module.exports = { parse, stringify, YAMLError };
