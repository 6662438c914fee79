// Every GraphQL document the contract suite sends (graphql/*.graphql),
// validated against the real Prismatic schema: a check that sends a
// document the real API would reject checks nothing.
//
// usage: node validate_documents.js REAL_SCHEMA
// Exits 77 (skipped) when REAL_SCHEMA is empty or not given (none
// configured), 1 when it names a file that does not exist.
'use strict';

const fs = require('fs');
const path = require('path');
const { buildSchema, parse, validate } = require(path.join(__dirname, '..', 'emulator', 'node_modules', 'graphql'));

const schemaFile = process.argv[2];
if (!schemaFile) {
  console.error('SKIP: no real Prismatic schema configured (../shared/prismatic-schema was not beside the checkout when cmake ran)');
  process.exit(77);
}
if (!fs.existsSync(schemaFile)) {
  console.error(`FAIL: the real Prismatic schema is not at ${schemaFile}: a mistyped path?`);
  process.exit(1);
}
const schema = buildSchema(fs.readFileSync(schemaFile, 'utf8'));
const dir = path.join(__dirname, 'graphql');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort();
let bad = 0;
for (const f of files) {
  let errors;
  try {
    errors = validate(schema, parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  } catch (e) {
    errors = [e];
  }
  for (const e of errors) {
    bad += 1;
    console.log(`${f}: ${e.message}`);
  }
}
console.log(`${files.length} documents, ${bad} error(s)`);
process.exit(bad ? 1 : 0);
