#!/usr/bin/env node
'use strict';
// Checks that the SDL the emulator serves (schema/prismatic.graphql) is a
// subset of Prismatic's real schema: every type, field, field argument,
// input field, enum value and union member it declares exists in the real
// schema with the same type (nullability and list wrappers included), and
// every argument or input field the real schema requires is declared too.
// A document that validates against the emulator then validates against the
// real API.
//
//   node tests/emulator/sdl-subset.js [OURS.graphql [REAL.graphql]]
//
// REAL defaults to $PRISMSYNC_REAL_SCHEMA. Exit 0: a subset; 1: mismatches,
// one line each, or a REAL path that does not exist; 77: no real schema
// given (skipped).

const fs = require('fs');
const path = require('path');
const {
  buildSchema, isObjectType, isInterfaceType, isInputObjectType, isEnumType,
  isUnionType, isScalarType, isNonNullType,
} = require('graphql');

const SKIP = 77;

function kindOf(t) {
  if (isObjectType(t)) return 'type';
  if (isInterfaceType(t)) return 'interface';
  if (isInputObjectType(t)) return 'input';
  if (isEnumType(t)) return 'enum';
  if (isUnionType(t)) return 'union';
  if (isScalarType(t)) return 'scalar';
  return 'unknown';
}

// Compare two built schemas. Returns a list of mismatch lines, empty when
// `ours` is a subset of `real`.
function compareSchemas(ours, real) {
  const out = [];
  const roots = [
    ['query', ours.getQueryType(), real.getQueryType()],
    ['mutation', ours.getMutationType(), real.getMutationType()],
    ['subscription', ours.getSubscriptionType(), real.getSubscriptionType()],
  ];
  for (const [op, a, b] of roots) {
    if (a && (!b || a.name !== b.name)) {
      out.push(`schema: ${op} root type is ${a.name} here, ${b ? b.name : 'absent'} in the real schema`);
    }
  }
  const ourTypes = Object.values(ours.getTypeMap()).filter((t) => !t.name.startsWith('__'));
  ourTypes.sort((x, y) => (x.name < y.name ? -1 : 1));
  for (const t of ourTypes) {
    const r = real.getType(t.name);
    if (!r) {
      out.push(`${kindOf(t)} ${t.name}: not in the real schema`);
      continue;
    }
    if (kindOf(t) !== kindOf(r)) {
      out.push(`${t.name}: a ${kindOf(t)} here, a ${kindOf(r)} in the real schema`);
      continue;
    }
    if (isObjectType(t) || isInterfaceType(t)) compareFields(t, r, out);
    else if (isInputObjectType(t)) compareInputFields(`input ${t.name}`, t.getFields(), r.getFields(), out);
    else if (isEnumType(t)) {
      const have = new Set(r.getValues().map((v) => v.name));
      for (const v of t.getValues()) {
        if (!have.has(v.name)) out.push(`enum ${t.name}.${v.name}: value not in the real schema`);
      }
    } else if (isUnionType(t)) {
      const have = new Set(r.getTypes().map((m) => m.name));
      for (const m of t.getTypes()) {
        if (!have.has(m.name)) out.push(`union ${t.name}: member ${m.name} not in the real schema`);
      }
    }
  }
  return out;
}

function compareFields(t, r, out) {
  const rf = r.getFields();
  for (const f of Object.values(t.getFields())) {
    const where = `${t.name}.${f.name}`;
    const g = rf[f.name];
    if (!g) {
      out.push(`field ${where}: not in the real schema`);
      continue;
    }
    if (String(f.type) !== String(g.type)) {
      out.push(`field ${where}: type ${f.type} here, ${g.type} in the real schema`);
    }
    const rargs = new Map(g.args.map((a) => [a.name, a]));
    for (const a of f.args) {
      const b = rargs.get(a.name);
      if (!b) out.push(`argument ${where}(${a.name}): not in the real schema`);
      else if (String(a.type) !== String(b.type)) {
        out.push(`argument ${where}(${a.name}): type ${a.type} here, ${b.type} in the real schema`);
      }
    }
    const ours = new Set(f.args.map((a) => a.name));
    for (const b of g.args) {
      if (isNonNullType(b.type) && b.defaultValue === undefined && !ours.has(b.name)) {
        out.push(`argument ${where}(${b.name}): required (${b.type}) in the real schema, missing here`);
      }
    }
  }
}

function compareInputFields(where, fields, rfields, out) {
  for (const f of Object.values(fields)) {
    const g = rfields[f.name];
    if (!g) {
      out.push(`${where}.${f.name}: input field not in the real schema`);
      continue;
    }
    if (String(f.type) !== String(g.type)) {
      out.push(`${where}.${f.name}: type ${f.type} here, ${g.type} in the real schema`);
    }
  }
  for (const g of Object.values(rfields)) {
    if (isNonNullType(g.type) && g.defaultValue === undefined && !fields[g.name]) {
      out.push(`${where}.${g.name}: required (${g.type}) in the real schema, missing here`);
    }
  }
}

function main(argv) {
  const oursFile = argv[0] || path.join(__dirname, '..', '..', 'schema', 'prismatic.graphql');
  const realFile = argv[1] || process.env.PRISMSYNC_REAL_SCHEMA;
  if (!realFile) {
    process.stderr.write('SKIP: no real Prismatic schema given (set PRISMSYNC_REAL_SCHEMA or pass its path)\n');
    return SKIP;
  }
  if (!fs.existsSync(realFile)) {
    process.stderr.write(`${realFile}: no such file: a mistyped path to the real Prismatic schema?\n`);
    return 1;
  }
  let ours;
  let real;
  try { ours = buildSchema(fs.readFileSync(oursFile, 'utf8')); } catch (e) {
    process.stderr.write(`${oursFile}: ${e.message}\n`);
    return 1;
  }
  try { real = buildSchema(fs.readFileSync(realFile, 'utf8')); } catch (e) {
    process.stderr.write(`${realFile}: ${e.message}\n`);
    return 1;
  }
  const problems = compareSchemas(ours, real);
  const name = path.relative(process.cwd(), oursFile) || oursFile;
  if (problems.length) {
    for (const p of problems) process.stdout.write(`${name}: ${p}\n`);
    process.stdout.write(`${problems.length} difference(s) from the real schema\n`);
    return 1;
  }
  const n = Object.keys(ours.getTypeMap()).filter((t) => !t.startsWith('__')).length;
  process.stdout.write(`${name}: all ${n} types are a subset of the real schema\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { compareSchemas, main };
