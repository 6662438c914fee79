#!/usr/bin/env node
// Validates every GraphQL document prismsync sends against Prismatic's real
// schema, and checks that no C source outside api/documents.c holds GraphQL
// text, so that the documents validated here are all the client can send.
//
// usage: check_documents.js PRINT_DOCUMENTS SCHEMA REPO_ROOT
// An empty SCHEMA (no real schema configured) exits 77, saying so; a SCHEMA
// path that does not exist is a failure.
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const [printer, schemaPath, root] = process.argv.slice(2);
if (!printer || schemaPath === undefined || !root) {
  console.error('usage: check_documents.js PRINT_DOCUMENTS SCHEMA REPO_ROOT');
  process.exit(2);
}
if (schemaPath === '') {
  console.error('SKIP: no real Prismatic schema configured (../shared/prismatic-schema was not beside the checkout when cmake ran)');
  process.exit(77);
}
if (!fs.existsSync(schemaPath)) {
  console.error(`FAIL: the real Prismatic schema is not at ${schemaPath}: a mistyped path?`);
  process.exit(1);
}
const { buildSchema, parse, validate } = require(path.resolve(root, 'tests/emulator/node_modules/graphql'));

const failures = [];
const schema = buildSchema(fs.readFileSync(schemaPath, 'utf8'));
const docs = JSON.parse(execFileSync(printer, { encoding: 'utf8' }));
if (!Array.isArray(docs) || docs.length === 0) failures.push('the table printed no documents');

const names = new Set();
for (const { name, text } of docs) {
  if (names.has(name)) failures.push(`${name}: two documents share this name`);
  names.add(name);
  let ast;
  try {
    ast = parse(text);
  } catch (e) {
    failures.push(`${name}: does not parse: ${e.message}`);
    continue;
  }
  for (const e of validate(schema, ast)) {
    const at = e.locations && e.locations.length ? ` (line ${e.locations[0].line})` : '';
    failures.push(`${name}: ${e.message}${at}`);
  }
}

// Every C string literal of the product's sources, with adjacent literals
// joined, outside the table: none may look like GraphQL.
const dirs = ['api', 'apply', 'cmd', 'live', 'reconcile', 'schema', 'source', 'util'];
const table = path.join('api', 'documents.c');
const operation = /(^|[\s{])(query|mutation|subscription|fragment)\b[^]*[{(]/;
const selection = /\{\s*[A-Za-z_]\w*(\s*\([^)]*\))?(\s+[A-Za-z_]\w*(\s*\([^)]*\))?)*\s*\}/;
const literal = /"((?:[^"\\\n]|\\.)*)"/g;
// The one exception: the --help text of `prismsync api`, whose example is a
// document the user sends, not the client.
const allowed = [{ file: path.join('cmd', 'cmd_api.c'), starts: 'usage: prismsync api QUERY' }];
let scanned = 0;
for (const dir of dirs) {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) continue;
  for (const file of fs.readdirSync(full)) {
    if (!/\.[ch]$/.test(file)) continue;
    const rel = path.join(dir, file);
    if (rel === table) continue;
    scanned++;
    const src = fs.readFileSync(path.join(full, file), 'utf8')
      .replace(/\/\*[^]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
      .replace(/'(\\.|[^'\\])'/g, "' '");
    // Join "a" "b" across whitespace, as the compiler does.
    const joined = src.replace(/"\s*\n\s*"/g, '');
    for (const m of joined.matchAll(literal)) {
      const s = m[1].replace(/\\n/g, '\n').replace(/\\"/g, '"');
      if (allowed.some((a) => a.file === rel && s.startsWith(a.starts))) continue;
      if ((operation.test(s) && /[{}]/.test(s)) || selection.test(s)) {
        const line = joined.slice(0, m.index).split('\n').length;
        failures.push(`${rel}:${line}: GraphQL text outside ${table}: "${m[1].slice(0, 60)}"`);
      }
    }
  }
}
if (scanned === 0) failures.push(`no C sources found under ${root}`);

if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  console.error(`${failures.length} problem(s) in ${docs.length} documents`);
  process.exit(1);
}
console.log(`ok: ${docs.length} documents valid against ${schemaPath}; ${scanned} other sources hold no GraphQL`);
