'use strict';
// Checks schema/manifest.schema.json against the manifests under testdata/
// and against the C loader's field tables, so the schema that editors use and
// the rules `prismsync validate` enforces cannot drift apart.
//
//   node tests/schema/validate_manifests.js
//
// - every manifest outside testdata/manifests/invalid/ must pass the schema:
//   each prismsync.yaml under testdata/ and each *.yaml directly in
//   testdata/manifests/valid/;
// - every *.yaml directly in testdata/manifests/invalid/ (and every
//   prismsync.yaml below it) must fail it, except the cases listed in
//   testdata/manifests/invalid/SCHEMA_PASSES: mistakes a JSON Schema cannot
//   see, such as duplicate identities or a missing definition file. A file
//   the `yaml` package cannot parse counts as failing, as an editor would
//   flag it. A listed case that does fail the schema is reported, so the
//   list stays true;
// - the schema compiles in strict mode, documents every property, and its
//   examples and defaults are valid;
// - the keys, required keys and value kinds of the field tables in
//   schema/manifest.c match the schema.
//
// Prints one line per check and closes with "N passed, M failed"; exits 1
// when anything failed.

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const SCHEMA_FILE = path.join(ROOT, 'schema', 'manifest.schema.json');
const LOADER_FILE = path.join(ROOT, 'schema', 'manifest.c');
const TESTDATA = path.join(ROOT, 'testdata');
const VALID_DIR = path.join(TESTDATA, 'manifests', 'valid');
const INVALID_DIR = path.join(TESTDATA, 'manifests', 'invalid');
const SCHEMA_PASSES_FILE = path.join(INVALID_DIR, 'SCHEMA_PASSES');
// Fuzz corpora hold arbitrary bytes, not manifests anyone maintains.
const SKIP_DIRS = new Set(['node_modules', 'fuzz', 'corpus', '.git']);

let Ajv, YAML;
try {
  Ajv = require('ajv');
  YAML = require('yaml');
} catch (e) {
  console.error(`error: ${e.message}`);
  console.error("run 'npm ci' in tests/schema first (scripts/deps.sh does it)");
  console.log('0 passed, 1 failed');
  process.exit(1);
}

let passed = 0;
let failed = 0;

function rel(file) {
  return path.relative(ROOT, file);
}

function report(ok, what, detail) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}${detail ? `: ${detail}` : ''}`);
}

// ---------------------------------------------------------------------------
// The schema itself

function loadSchema() {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
  // Annotations the YAML language server reads; they do not validate.
  ajv.addKeyword('patternErrorMessage');
  ajv.addKeyword('defaultSnippets');
  const validate = ajv.compile(schema);
  return { ajv, schema, validate };
}

// Every property (and every configVariables value) carries a description and
// examples, so an editor has something to show on completion and hover.
function undocumented(schema) {
  const missing = [];
  const resolve = (s) =>
    s && s.$ref ? resolve(pointer(schema, s.$ref.replace(/^#/, ''))) : s;
  const visit = (s, where, seen) => {
    s = resolve(s);
    if (!s || typeof s !== 'object' || seen.has(s)) return;
    seen.add(s);
    for (const [key, prop] of Object.entries(s.properties || {})) {
      const p = resolve(prop);
      const examples = p.examples || (p.items && resolve(p.items).examples);
      if (!p.description) missing.push(`${where}/${key}: no description`);
      if (!examples || !examples.length) missing.push(`${where}/${key}: no examples`);
      visit(p, `${where}/${key}`, seen);
      if (p.items) visit(p.items, `${where}/${key}/*`, seen);
      if (p.additionalProperties && typeof p.additionalProperties === 'object') {
        const v = p.additionalProperties;
        if (!v.description || !v.examples) missing.push(`${where}/${key}/*: needs description and examples`);
      }
    }
  };
  visit(schema, '', new Set());
  return missing;
}

// Every example and default in the schema must itself be valid where it
// stands, or editors would suggest mistakes.
function badExamples(ajv, schema) {
  const bad = [];
  const visit = (node, ptr) => {
    if (!node || typeof node !== 'object') return;
    if (!Array.isArray(node) && (node.examples || 'default' in node)) {
      const check = ajv.getSchema(`${schema.$id}#${ptr}`);
      for (const v of [...(node.examples || []), ...('default' in node ? [node.default] : [])])
        if (!check(v)) bad.push(`${ptr || '/'}: ${JSON.stringify(v)}`);
    }
    for (const [k, v] of Object.entries(node))
      if (!['examples', 'default', 'defaultSnippets', 'enum', 'const', 'required'].includes(k))
        visit(v, `${ptr}/${k}`);
  };
  visit(schema, '');
  return bad;
}

function pointer(doc, ptr) {
  return ptr
    .split('/')
    .slice(1)
    .reduce((node, part) => node && node[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

// ---------------------------------------------------------------------------
// The loader's field tables (schema/manifest.c)

// Parses `static const struct field NAME_fields[] = { {"key", F_KIND, FLAGS, ...}, ... };`
function loaderTables() {
  const src = fs.readFileSync(LOADER_FILE, 'utf8');
  const tables = {};
  const tableRe = /static const struct field (\w+)_fields\[\] = \{([\s\S]*?)\n\};/g;
  for (let m; (m = tableRe.exec(src)); ) {
    const fields = [];
    const fieldRe = /\{\s*"([^"]+)",\s*F_(\w+),\s*([^,]+),/g;
    for (let f; (f = fieldRe.exec(m[2])); ) {
      fields.push({
        key: f[1],
        kind: f[2],
        required: /FIELD_REQUIRED/.test(f[3]),
        nonEmpty: /FIELD_NONEMPTY/.test(f[3]),
      });
    }
    tables[m[1]] = fields;
  }
  return tables;
}

// Values each kind of loader field must accept and reject, checked against
// the schema of that field.
function probes(field) {
  const env = '${env:SECRET}';
  switch (field.kind) {
    case 'STRING':
      return {
        accept: ['x', 'platform-2.eu_west'],
        reject: [1, true, null, env, `prefix ${env}`, ...(field.nonEmpty ? [''] : [])],
        acceptAlso: field.nonEmpty ? [] : [''],
      };
    case 'BOOL':
      return { accept: [true, false], reject: ['true', 'yes', 1, null] };
    case 'INT':
      return { accept: [1], reject: ['1', 1.5, true, null] };
    case 'LABELS':
      return {
        accept: [[], ['tier-1', 'eu'], ['prismsync:protected']],
        reject: ['tier-1', null, [''], [1], ['a', 'a'], ['prismsync:owner=x'], [env]],
      };
    case 'VERSION':
      return { accept: ['latest', 1, 42], reject: [0, -1, '3', 'newest', 1.5, null, true] };
    case 'CONFIG':
      return {
        accept: [{}, { 'API Key': env, 'Base URL': 'https://x.example', Port: 8080, On: true, Empty: '' }],
        reject: [null, [], { 'API Key': null }, { 'API Key': `Bearer ${env}` }, { [env]: 'x' }, { '': 'x' }, { 'API Key': { a: 1 } }],
      };
    case 'LIST':
      return { accept: [null, []], reject: [{}, 'x', 1] };
    case 'IGNORE':
      return { accept: [[], ['description'], ['labels', 'description']], reject: ['labels', null, [''], [1], ['bogus'], ['labels', 'labels']] };
    case 'REQUIRES':
      return { accept: ['>= 0.3', '>=1.2.3', '>= 10.20'], reject: ['0.3', '> 0.3', '>= 1', '>= x', '', 1, null] };
    case 'ENVVAR':
      return { accept: ['PRISM_REFRESH_TOKEN_EU', '_x1'], reject: ['', '1TOKEN', 'MY TOKEN', '$TOKEN', env, 1, null] };
    case 'ENVIRONMENTS': {
      const e = { url: 'https://app.prismatic.io', organization: 'Acme', credentials: 'TOKEN' };
      return {
        accept: [{}, { staging: e, 'prod-eu': { ...e, tenant: 'TENANT', overrides: { instances: [] } } }],
        reject: [null, [], { 'bad name': e }, { staging: { url: 'https://x' } }, { staging: { ...e, credentials: 'a b' } }, { staging: { ...e, frob: 1 } }],
      };
    }
    case 'OVERRIDES':
      return {
        accept: [{}, { instances: [{ customer: 'acme', name: 'Orders', version: 3 }] }],
        reject: [null, [], { frob: 1 }, { instances: [{ name: 'Orders' }] }, { instances: [{ customer: 'acme', name: 'Orders', integration: 'X' }] }],
      };
    case 'ROLLOUTS': {
      const wave = { name: 'canary', customers: { labels: ['canary'] } };
      return {
        accept: [[], [{ integration: 'Order Sync', waves: [wave, { name: 'rest', customers: '*' }], verify: [{ flow: 'New Order', payload: 'p.json', timeout: '90s' }], onFailure: 'stop' }]],
        reject: [null, {}, [{ integration: 'X' }], [{ integration: 'X', waves: [{ name: 'a', customers: 'all' }] }],
          [{ integration: 'X', waves: [wave], verify: [{ flow: 'F', timeout: '2 minutes' }] }], [{ integration: 'X', waves: [wave], onFailure: 'retry' }]],
      };
    }
    default:
      return null;
  }
}

function checkLoaderTables(ajv, schema) {
  let tables;
  try {
    tables = loaderTables();
  } catch (e) {
    report(false, 'loader field tables', e.message);
    return;
  }
  const where = {
    manifest: '',
    customer: '/definitions/customer',
    integration: '/definitions/integration',
    instance: '/definitions/instance',
    environment: '/definitions/environment',
    overrides: '/definitions/overrides',
    customer_override: '/definitions/customerOverride',
    integration_override: '/definitions/integrationOverride',
    instance_override: '/definitions/instanceOverride',
  };
  for (const [name, ptr] of Object.entries(where)) {
    const what = `loader table ${name}_fields matches the schema`;
    const fields = tables[name];
    const node = pointer(schema, ptr);
    if (!fields || !fields.length) {
      report(false, what, `no ${name}_fields table found in ${rel(LOADER_FILE)}; update ${rel(__filename)}`);
      continue;
    }
    const problems = [];
    const loaderKeys = fields.map((f) => f.key).sort();
    const schemaKeys = Object.keys(node.properties).sort();
    if (loaderKeys.join() !== schemaKeys.join())
      problems.push(`keys differ: loader [${loaderKeys}] schema [${schemaKeys}]`);
    const loaderReq = fields.filter((f) => f.required).map((f) => f.key).sort();
    const schemaReq = [...(node.required || [])].sort();
    if (loaderReq.join() !== schemaReq.join())
      problems.push(`required keys differ: loader [${loaderReq}] schema [${schemaReq}]`);
    if (node.additionalProperties !== false) problems.push('additionalProperties must be false');
    for (const f of fields) {
      if (!node.properties[f.key]) continue;
      const p = probes(f);
      if (!p) {
        problems.push(`${f.key}: unknown field kind F_${f.kind}`);
        continue;
      }
      const check = ajv.getSchema(`${schema.$id}#${ptr}/properties/${f.key}`);
      for (const v of [...p.accept, ...(p.acceptAlso || [])])
        if (!check(v)) problems.push(`${f.key}: schema rejects ${JSON.stringify(v)}`);
      for (const v of p.reject)
        if (check(v)) problems.push(`${f.key}: schema accepts ${JSON.stringify(v)}`);
    }
    report(!problems.length, what, problems.join('; '));
  }
}

// ---------------------------------------------------------------------------
// Manifests

function findManifests() {
  const found = new Map(); // file -> expected to pass the schema
  const walk = (dir) => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, ent.name);
      if (ent.isDirectory()) {
        if (!SKIP_DIRS.has(ent.name)) walk(file);
      } else if (ent.name === 'prismsync.yaml') {
        found.set(file, !isUnder(file, INVALID_DIR));
      }
    }
  };
  const direct = (dir, valid) => {
    if (!fs.existsSync(dir)) return;
    for (const ent of fs.readdirSync(dir, { withFileTypes: true }))
      if (ent.isFile() && ent.name.endsWith('.yaml')) found.set(path.join(dir, ent.name), valid);
  };
  walk(TESTDATA);
  direct(VALID_DIR, true);
  direct(INVALID_DIR, false);
  return [...found.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

function isUnder(file, dir) {
  const r = path.relative(dir, file);
  return r && !r.startsWith('..') && !path.isAbsolute(r);
}

// The name of an invalid case: its file name without .yaml, or the folder of
// a prismsync.yaml.
function caseName(file) {
  const r = path.relative(INVALID_DIR, file).split(path.sep).join('/');
  return r.endsWith('/prismsync.yaml') ? r.slice(0, -'/prismsync.yaml'.length) : r.replace(/\.yaml$/, '');
}

// SCHEMA_PASSES: "case-name  # why a JSON Schema cannot see this mistake"
function readSchemaPasses() {
  const list = new Map();
  if (!fs.existsSync(SCHEMA_PASSES_FILE)) return list;
  const lines = fs.readFileSync(SCHEMA_PASSES_FILE, 'utf8').split('\n');
  lines.forEach((line, i) => {
    const text = line.trim();
    if (!text || text.startsWith('#')) return;
    const hash = text.indexOf('#');
    const name = (hash < 0 ? text : text.slice(0, hash)).trim();
    const reason = hash < 0 ? '' : text.slice(hash + 1).trim();
    list.set(name, { reason, line: i + 1 });
  });
  return list;
}

// The manifest as JSON, or the reason the yaml package refuses it.
function readYaml(file) {
  const text = fs.readFileSync(file, 'utf8');
  const doc = YAML.parseDocument(text, { version: '1.2', schema: 'core', uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = e.linePos && e.linePos[0] ? `${e.linePos[0].line}:${e.linePos[0].col}: ` : '';
    return { error: `${pos}${e.message.split('\n')[0]}` };
  }
  try {
    return { data: doc.toJS({ maxAliasCount: 1000 }) };
  } catch (e) {
    return { error: e.message.split('\n')[0] };
  }
}

function describeErrors(errors) {
  const first = errors
    .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if')
    .slice(0, 3)
    .map((e) => {
      const at = e.instancePath || '/';
      const extra = e.keyword === 'additionalProperties' ? ` '${e.params.additionalProperty}'` : '';
      const msg = e.parentSchema && e.keyword === 'pattern' && e.parentSchema.patternErrorMessage
        ? e.parentSchema.patternErrorMessage
        : e.message;
      return `${at}: ${msg}${extra}`;
    });
  return first.join('; ') + (errors.length > 3 ? '; ...' : '');
}

function checkManifests(validate) {
  const passes = readSchemaPasses();
  const used = new Set();
  for (const [file, expectValid] of findManifests()) {
    const name = rel(file);
    const { data, error } = readYaml(file);
    let schemaOk = false;
    let why = '';
    if (error !== undefined) {
      why = `YAML: ${error}`;
    } else {
      schemaOk = validate(data);
      if (!schemaOk) why = describeErrors(validate.errors);
    }
    if (expectValid) {
      report(schemaOk, `valid    ${name}`, schemaOk ? '' : why);
      continue;
    }
    const c = caseName(file);
    const listed = passes.get(c);
    if (listed) used.add(c);
    if (listed && !listed.reason) {
      report(false, `invalid  ${name}`, `SCHEMA_PASSES line ${listed.line} needs a '# reason'`);
    } else if (listed) {
      report(schemaOk, `invalid  ${name}`, schemaOk
        ? `passes the schema as listed (${listed.reason})`
        : `listed in SCHEMA_PASSES, but the schema rejects it (${why}); remove it from the list`);
    } else {
      report(!schemaOk, `invalid  ${name}`, schemaOk
        ? 'the schema accepts it; make the schema reject it, or list it in SCHEMA_PASSES with the reason a schema cannot'
        : `rejected (${why})`);
    }
  }
  for (const [c, { line }] of passes)
    if (!used.has(c))
      report(false, `SCHEMA_PASSES line ${line}`, `no invalid case named '${c}'`);
}

// ---------------------------------------------------------------------------

function main() {
  let compiled;
  try {
    compiled = loadSchema();
    report(true, `schema   ${rel(SCHEMA_FILE)} compiles (strict)`);
  } catch (e) {
    report(false, `schema   ${rel(SCHEMA_FILE)} compiles (strict)`, e.message);
  }
  if (compiled) {
    const missing = undocumented(compiled.schema);
    report(!missing.length, 'schema   every property has a description and examples', missing.join('; '));
    const bad = badExamples(compiled.ajv, compiled.schema);
    report(!bad.length, 'schema   every example and default is valid', bad.length ? `invalid: ${bad.join('; ')}` : '');
    checkLoaderTables(compiled.ajv, compiled.schema);
    checkManifests(compiled.validate);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main();
